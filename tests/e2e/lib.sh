# Sourced by every end-to-end test: git's t/test-lib.sh in miniature.
#
#   test_expect_success 'description' 'commands'   run in a subshell with
#                                                  set -e, in a fresh $TMP
#   test_expect_timed ...      the same, skipped under valgrind
#   run_migrate CODE args...   run $MIGRATE, stdout to out, stderr to err,
#                              and fail unless it exits with CODE
#   pg_newdb NAME              create database NAME owned by the test role,
#                              print its URL
#   write_rev, write_ini, new_db, q, expect_rows ...   revision scripts,
#                              migrate.ini and databases of dialect $d
#   test_done                  print the counts, exit non-zero on failure
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
MIGRATE=${MIGRATE:-$top/build/migrate}
MIGRATE_CORPUS=${MIGRATE_CORPUS:-$top/../shared/corpus}
test_count=0
test_failed=0
test_name=$(basename "$0" .sh)
TRASH=$(mktemp -d "/tmp/migrate-$test_name.XXXXXX")
trap 'rm -rf "$TRASH"' EXIT
unset MIGRATE_URL MIGRATE_CONFIG
# the user's own git identity and configuration stay out of the tests
HOME=$TRASH/home
mkdir -p "$HOME"
GIT_CONFIG_NOSYSTEM=1
export HOME GIT_CONFIG_NOSYSTEM
unset XDG_CONFIG_HOME GIT_CONFIG_GLOBAL GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL \
    GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL

test_expect_success() {
	test_count=$((test_count + 1))
	TMP=$TRASH/$test_count
	mkdir -p "$TMP"
	(
		set -e
		cd "$TMP"
		eval "$2"
	) >"$TRASH/log" 2>&1
	if [ $? -eq 0 ]; then
		echo "ok $test_count - $test_name: $1"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $test_name: $1"
		sed 's/^/#   /' "$TRASH/log"
	fi
}

# test_expect_failure 'description' 'commands': a known breakage, a defect
# written down with the right expectation and not fixed yet (git's name):
# "not ok N - ... # TODO known breakage", which tests/run.sh lists but does
# not count as a failure; once it passes it says so, to become a
# test_expect_success.
test_expect_failure() {
	test_count=$((test_count + 1))
	TMP=$TRASH/$test_count
	mkdir -p "$TMP"
	(
		set -e
		cd "$TMP"
		eval "$2"
	) >"$TRASH/log" 2>&1
	if [ $? -eq 0 ]; then
		echo "ok $test_count - $test_name: $1 # TODO known breakage vanished"
	else
		echo "not ok $test_count - $test_name: $1 # TODO known breakage"
	fi
}

# faults_build: FAULTS, the test build with the fault points of
# src/version.c (-DMIGRATE_FAULT_HOOKS, t0071 and t0073) in build-faults/
# beside build/, made when missing or out of date (under flock: several
# scripts may ask at once); MIGRATE_FAULTS names another. A build that
# fails is the script's one failure.
faults_build() {
	FAULTS=${MIGRATE_FAULTS:-$top/build-faults/migrate}
	export FAULTS
	[ -n "${MIGRATE_FAULTS:-}" ] && return 0
	if ! { mkdir -p "$top/build-faults" &&
	    (cd "$top" && unset MAKEFLAGS MFLAGS MAKELEVEL &&
	    echo '*' >build-faults/.gitignore &&
	    flock build-faults/.lock make -s -j"$(nproc)" O=build-faults \
	    CFLAGS='-O2 -g -DMIGRATE_FAULT_HOOKS' build-faults/migrate) \
	    >"$TRASH/faults-build.log" 2>&1; }; then
		echo "not ok 1 - $test_name: build the fault-injection binary"
		sed 's/^/#   /' "$TRASH/faults-build.log"
		exit 1
	fi
}

# test_expect_timed 'description' 'commands': a test whose outcome rests
# on how long things take (a lock held for N seconds, a failure within N
# ms); skipped under valgrind, which slows every run tenfold.
test_expect_timed() {
	if [ -n "${VALGRIND:-}" ]; then
		test_count=$((test_count + 1))
		echo "ok $test_count - $test_name: $1 # skip: timed, under valgrind"
		return 0
	fi
	test_expect_success "$@"
}

run_migrate() {
	want=$1
	shift
	set +e
	# shellcheck disable=SC2086
	${VALGRIND:-} "$MIGRATE" "$@" >out 2>err
	got=$?
	set -e
	if [ "$got" -ne "$want" ]; then
		echo "migrate $*: exit $got, wanted $want"
		echo "--- stdout"; cat out
		echo "--- stderr"; cat err
		return 1
	fi
	no_password out err
}

# no_password FILE...: the test role's password appears in none of them,
# as it is or percent-encoded (every output of migrate is checked).
no_password() {
	[ -n "${MIGRATE_TEST_PG_PASSWORD:-}" ] &&
	    [ -n "${MIGRATE_TEST_PG_URL:-}" ] || return 0
	_enc=$(printf '%s' "$MIGRATE_TEST_PG_URL" | sed 's,^[^:]*://[^:]*:,,; s,@[^@]*$,,')
	[ -n "$_enc" ] || _enc=$MIGRATE_TEST_PG_PASSWORD
	if grep -l -F -e "$MIGRATE_TEST_PG_PASSWORD" -e "$_enc" "$@" 2>/dev/null; then
		echo "the password is in the output of migrate:"
		grep -F -e "$MIGRATE_TEST_PG_PASSWORD" -e "$_enc" "$@"
		return 1
	fi
}

# Fail with a diff unless file $2 holds exactly the text $1.
expect_text() {
	printf '%s\n' "$1" >expect.txt
	if ! cmp -s expect.txt "$2"; then
		diff -u expect.txt "$2" || true
		return 1
	fi
}

# Fail unless file $2 contains the fixed string $1.
expect_grep() {
	if ! grep -qF -- "$1" "$2"; then
		echo "'$1' not found in $2:"
		cat "$2"
		return 1
	fi
}

# is GOT WANTED: fail, saying both, unless they are equal.
is() {
	if [ "$1" != "$2" ]; then
		echo "got '$1', wanted '$2'"
		return 1
	fi
}

# Fail unless stderr (err) is exactly one line.
one_line() {
	if [ "$(wc -l <err)" -ne 1 ]; then
		echo "stderr is not one line:"
		cat err
		return 1
	fi
}

# write_rev ID PARENTS MESSAGE UPGRADE DOWNGRADE [HEADER-LINE...]: the
# revision script migrations/versions/ID_rev.sql.
write_rev() {
	mkdir -p migrations/versions
	_id=$1 _par=$2 _msg=$3 _up=$4 _down=$5
	shift 5
	{
		printf -- '-- %s\n--\n-- Revision ID: %s\n-- Revises: %s\n' \
		    "$_msg" "$_id" "$_par"
		printf -- '-- Create Date: 2026-11-25 10:00:00.000000+00:00\n'
		for _h in "$@"; do printf -- '-- %s\n' "$_h"; done
		printf -- '\n-- migrate:upgrade\n%s\n\n-- migrate:downgrade\n%s\n' \
		    "$_up" "$_down"
	} >"migrations/versions/${_id}_rev.sql"
}

# write_ini [LINE...]: migrate.ini with the url of $url, plus the lines.
write_ini() {
	printf '[migrate]\nscript_location = %%(here)s/migrations\nurl = %s\n' \
	    "$url" >migrate.ini
	for _l in "$@"; do
		printf '%s\n' "$_l" >>migrate.ini
	done
}

# new_db NAME: a fresh database for dialect $d (sqlite or pg), named
# after the test file on PostgreSQL; sets url and db.
new_db() {
	case $d in
	sqlite)	db=$PWD/$1.db; url="sqlite:///$db" ;;
	pg)	db=${test_name%%-*}_$1; url=$(pg_newdb "$db") ;;
	esac
}

# q SQL: run a query on $db (dialect $d), rows as a|b|c lines.
q() {
	case $d in
	sqlite)	sqlite3 -bail "$db" "$1" ;;
	pg)	psql -X -At -v ON_ERROR_STOP=1 -d "$db" -c "$1" ;;
	esac
}

# has_table NAME: exit 0 when table NAME exists (public/main schema).
has_table() {
	case $d in
	sqlite)	n=$(q "SELECT count(*) FROM sqlite_master WHERE type = 'table'
		    AND name = '$1'") ;;
	pg)	n=$(q "SELECT count(*) FROM pg_tables WHERE schemaname =
		    'public' AND tablename = '$1'") ;;
	esac
	test "$n" -eq 1
}

# expect_tables "t1 t2" "t3": the first exist, the second do not.
expect_tables() {
	for _t in $1; do
		has_table "$_t" || { echo "table $_t missing"; return 1; }
	done
	for _t in ${2:-}; do
		! has_table "$_t" || { echo "table $_t present"; return 1; } || false
	done
}

# expect_rows "ID..." [TABLE]: the version table (migrate_version) holds
# exactly these ids; no migrate_version at all counts as no rows.
expect_rows() {
	if [ -n "${2:-}" ] || has_table migrate_version; then
		q "SELECT version_num FROM ${2:-migrate_version}" |
		    LC_ALL=C sort >rows.txt
	else
		: >rows.txt
	fi
	# shellcheck disable=SC2086
	printf '%s\n' $1 | sed '/^$/d' | LC_ALL=C sort >rows.want
	if ! cmp -s rows.want rows.txt; then
		echo "version rows differ:"
		diff -u rows.want rows.txt || true
		return 1
	fi
}

# hold_lock SECONDS: from the background, hold a write lock on t1 of $db
# (PostgreSQL: ACCESS EXCLUSIVE; SQLite: the database's write lock) for
# SECONDS; returns once it is held. stop_holder ends it at once and waits
# for it.
hold_lock() {
	rm -f held release
	case $d in
	pg)	PGAPPNAME=${test_name%%-*}_holder psql -X -q -d "$db" -c "BEGIN;
		    LOCK TABLE t1 IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep($1);
		    COMMIT" >holder.out 2>&1 &
		holder=$! ;;
	sqlite)	# sleeps SECONDS, or less once stop_holder touches release
		_n=$(awk "BEGIN { print int($1 * 20) }")
		printf "BEGIN IMMEDIATE;\nINSERT INTO t1 VALUES (9);\n.shell touch held\n.shell i=0; while [ ! -e release ] && [ \$i -lt %s ]; do sleep 0.05; i=\$((i + 1)); done\nCOMMIT;\n" \
		    "$_n" | sqlite3 "$db" >holder.out 2>&1 &
		holder=$! ;;
	esac
	_i=0
	while :; do
		case $d in
		pg)	[ "$(q "SELECT count(*) FROM pg_locks l JOIN pg_class c
			    ON c.oid = l.relation WHERE c.relname = 't1' AND
			    l.mode = 'AccessExclusiveLock' AND l.granted")" = 1 ] &&
			    break ;;
		sqlite)	[ -e held ] && break ;;
		esac
		_i=$((_i + 1))
		[ $_i -lt 200 ] || { echo "the holder took no lock"; return 1; }
		sleep 0.02
	done
}
stop_holder() {
	[ -n "${holder:-}" ] || return 0
	if [ $d = pg ]; then
		psql -X -q -At -d postgres -c "SELECT pg_terminate_backend(pid)
		    FROM pg_stat_activity WHERE application_name = '${test_name%%-*}_holder'" \
		    >/dev/null 2>&1 || true
	else
		touch release
	fi
	wait "$holder" 2>/dev/null || true
	holder=
}

# tape_resum FILE: a cache tape's sum (its third line) made right for the
# tape it holds now (the bytes after its four lines and its source), so
# that a test can edit what a replay reads
tape_resum() {
	[ -x "$TRASH/xxh64sum" ] || cc -I"$top/src" -o "$TRASH/xxh64sum" \
	    "$top/tests/e2e/xxh64sum.c" "$top/src/util/xxh64.c" || return 1
	_h=$(head -n 4 "$1" | wc -c)
	_n=$(sed -n 4p "$1")
	{ head -n 2 "$1"
	    tail -c +$((_h + _n + 1)) "$1" | "$TRASH/xxh64sum"
	    tail -n +4 "$1"; } >"$1.resummed" && mv "$1.resummed" "$1"
}

pg_newdb() {
	psql -X -q -v ON_ERROR_STOP=1 -d postgres \
		-c "DROP DATABASE IF EXISTS \"$1\"" \
		-c "CREATE DATABASE \"$1\" OWNER migrate" >/dev/null
	echo "$MIGRATE_TEST_PG_URL" | sed "s,/migrate_test\$,/$1,"
}

test_done() {
	if [ "$test_failed" -ne 0 ]; then
		exit 1
	fi
	exit 0
}
