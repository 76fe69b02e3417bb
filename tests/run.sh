#!/bin/sh
# Run the test suite: cmocka unit tests, then the end-to-end scripts, all
# against real SQLite files and one throw-away PostgreSQL server that is
# always stopped. Ends with "N passed, N failed".
#
#   sh tests/run.sh [--unit-only | --e2e-only] [BUILD_DIR [SANITIZED_DIR]]
#
# With SANITIZED_DIR (a build with ASan+UBSan, as make check gives), the
# unit tests and the end-to-end scripts run a second time on it, every
# sanitizer report failing its test (all of them: the scripts named in
# MIGRATE_SANITIZED_SKIP, none by default, are left to the first pass).
# At the end, the test role's password is looked for in everything the
# scripts left in the server's databases and in its log. With VALGRIND set
# (make check-valgrind), every unit test and every run of the binary
# goes through it. MIGRATE_TEST_JOBS: how many end-to-end scripts run at
# once (default: the number of cores).
set -u

mode=all
case "${1:-}" in
--unit-only)	mode=unit; shift ;;
--e2e-only)	mode=e2e; shift ;;
esac
O=${1:-build}
SAN=${2:-}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
: "${MIGRATE_CORPUS:=$top/../shared/corpus}"
export MIGRATE_CORPUS
: "${MIGRATE_SANITIZED_SKIP:=}"

pgdir=$(mktemp -d /tmp/migrate-pg.XXXXXX)
trap 'sh "$top/tests/pg.sh" stop "$pgdir"' EXIT
trap 'exit 130' INT TERM
sh tests/pg.sh start "$pgdir" || { echo "cannot start PostgreSQL" >&2; exit 1; }
. "$pgdir/env"
# the model cache of SQLite compares, inside the run, never in $HOME
XDG_CACHE_HOME=$pgdir/cache
export XDG_CACHE_HOME

passed=0
failed=0
known=0
failures=
logs=$pgdir/logs
mkdir -p "$logs"

# run_unit DIR TAG: every cmocka test of DIR.
run_unit() {
	for t in "$1"/unit/test-*; do
		[ -x "$t" ] || continue
		# shellcheck disable=SC2086
		out=$(${VALGRIND:-} "$t" 2>&1)
		rc=$?
		printf '%s\n' "$out"
		p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p')
		f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p')
		passed=$((passed + ${p:-0}))
		failed=$((failed + ${f:-0}))
		if [ $rc -ne 0 ] && [ -z "$f" ]; then
			failed=$((failed + 1))	# crashed before its summary
		fi
		[ $rc -ne 0 ] && failures="$failures $2$(basename "$t")"
	done
}

# run_e2e DIR TAG SKIP: the end-to-end scripts on DIR/migrate, but those
# in SKIP, MIGRATE_TEST_JOBS at a time (each uses databases and files of
# its own); their output printed in order.
run_e2e() {
	MIGRATE=${MIGRATE_BIN:-$top/$1/migrate}
	export MIGRATE
	jobs=${MIGRATE_TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}
	files=
	for t in tests/e2e/t[0-9]*.sh; do
		case " $3 " in *" $(basename "$t") "*) continue ;; esac
		files="$files $t"
	done
	rm -f "$logs"/*.out "$logs"/*.rc
	# shellcheck disable=SC2016,SC2086
	printf '%s\n' $files | xargs -P "$jobs" -I{} sh -c \
	    's=$(date +%s); sh "$1" >"$2/$(basename "$1").out" 2>&1; echo $? >"$2/$(basename "$1").rc"; echo $(($(date +%s) - s)) $3$(basename "$1") >>"$2/times"' \
	    sh {} "$logs" "$2"
	for t in $files; do
		b=$(basename "$t")
		out=$(cat "$logs/$b.out" 2>/dev/null)
		rc=$(cat "$logs/$b.rc" 2>/dev/null || echo 1)
		printf '%s\n' "$out"
		p=$(printf '%s\n' "$out" | grep -c '^ok ')
		f=$(printf '%s\n' "$out" | grep '^not ok ' |
		    grep -vc '# TODO known breakage$')
		k=$(printf '%s\n' "$out" | grep -c '# TODO known breakage$')
		passed=$((passed + p))
		failed=$((failed + f))
		known=$((known + k))
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			failed=$((failed + 1))
		fi
		[ "$rc" -ne 0 ] && failures="$failures $2$b"
	done
}

# no_password_stored TAG: what the end-to-end tests left in every database
# of the server (history rows, version tables, any object's definition,
# dumped whole by pg_dumpall) and the server's log hold the test role's
# password neither as it is nor percent-encoded.
no_password_stored() {
	enc=$(printf '%s' "$MIGRATE_TEST_PG_URL" | sed 's,^[^:]*://[^:]*:,,; s,@[^@]*$,,')
	if ! "$MIGRATE_TEST_PG_BIN/pg_dumpall" >"$logs/dumpall.sql" 2>"$logs/dumpall.err"; then
		echo "not ok - $1 pg_dumpall of the test databases"
		cat "$logs/dumpall.err"
		failed=$((failed + 1))
		failures="$failures $1pg_dumpall"
	elif grep -F -e "$MIGRATE_TEST_PG_PASSWORD" -e "$enc" \
	    "$logs/dumpall.sql" "$pgdir/server.log"; then
		echo "not ok - $1 the password is stored in a database or the server log"
		failed=$((failed + 1))
		failures="$failures $1password-stored"
	else
		echo "ok - $1 no password in any database ($(wc -c <"$logs/dumpall.sql") bytes dumped) or the server log"
		passed=$((passed + 1))
	fi
	rm -f "$logs/dumpall.sql"
}

[ "$mode" != e2e ] && run_unit "$O" ""
[ "$mode" != unit ] && run_e2e "$O" "" ""
if [ -n "$SAN" ]; then
	echo "# again on $SAN (ASan+UBSan): unit tests, end-to-end${MIGRATE_SANITIZED_SKIP:+ but $MIGRATE_SANITIZED_SKIP}"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	export ASAN_OPTIONS UBSAN_OPTIONS
	[ "$mode" != e2e ] && run_unit "$SAN" "asan:"
	[ "$mode" != unit ] && run_e2e "$SAN" "asan:" "$MIGRATE_SANITIZED_SKIP"
fi

[ "$mode" != unit ] && no_password_stored ""

if [ -s "$logs/times" ]; then
	echo "slowest: $(sort -rn "$logs/times" | head -5 | awk '{ printf "%s %ss, ", $2, $1 }')"
fi
[ "$known" -gt 0 ] && echo "known breakages (defects written down, not counted): $known"
[ -n "$failures" ] && echo "failing:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
