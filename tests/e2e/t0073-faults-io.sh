#!/bin/sh
# Lost connections and unusable files (issue 7 point 2).
#
# PostgreSQL, on a server of this file's own (started here, as it is
# stopped mid-run; the suite's server is shared by the other files): the
# server stopped with pg_ctl stop -m immediate during a statement, before
# a step's commit, between two steps and while the version tables are
# created. Each time: one line naming the lost connection, exit 1; after
# a restart `migrate current` names a revision that exists and a rerun
# applies the rest, each revision once.
#
# SQLite: the file locked by another process (sqlite3 holding BEGIN
# EXCLUSIVE, which keeps readers out too, or BEGIN IMMEDIATE, which keeps
# writers out): the run waits for the busy timeout (5 s, or lock_timeout),
# then one line naming the file, exit 1. A read-only file, a read-only
# directory (the rollback journal cannot be created): one line naming the
# file, exit 1, the file unchanged, `current` still reads it. Root ignores
# file modes: as root those runs are made as nobody (setpriv; the files
# stay root's), otherwise as the user, with chmod.
#
# The stop points use the fault build of t0071 (MIGRATE_FAULT_STOP_AT:
# the run stops itself with SIGSTOP there; the test stops the server and
# sends SIGCONT).
#
# Cases marked "# DEFECT: ..." (test_expect_failure, known breakages)
# expect what is right, not what the binary
# does today; each is a known failure until src/ is fixed.
. "$(dirname "$0")/lib.sh"

sq="'"

faults_build

# Our own server (tests/pg.sh), stopped and removed on exit.
pgdir=$(mktemp -d /tmp/migrate-t0073-pg.XXXXXX)
trap 'sh "$top/tests/pg.sh" stop "$pgdir"; rm -rf "$TRASH"' EXIT
if ! sh "$top/tests/pg.sh" start "$pgdir" >"$TRASH/pg.log" 2>&1; then
	echo "not ok 1 - $test_name: start a PostgreSQL server of its own"
	sed 's/^/#   /' "$TRASH/pg.log"
	exit 1
fi
. "$pgdir/env"
export pgdir
# tests/pg.sh runs the server with synchronous_commit = off, which after
# an immediate stop loses the commits of the last moments, as it says:
# on here, for the role migrate runs as.
psql -X -q -d postgres -c "ALTER ROLE migrate SET synchronous_commit = on"

as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		(cd / && runuser -u postgres -- "$@")
	else
		"$@"
	fi
}
pg_stop() {
	as_pg "$MIGRATE_TEST_PG_BIN/pg_ctl" -D "$pgdir/data" -m immediate \
	    -w stop >/dev/null
}
# pg_start: start it again as tests/pg.sh did, unless it is running.
pg_start() {
	as_pg "$MIGRATE_TEST_PG_BIN/pg_ctl" -D "$pgdir/data" status \
	    >/dev/null 2>&1 && return 0
	as_pg "$MIGRATE_TEST_PG_BIN/pg_ctl" -D "$pgdir/data" \
	    -l "$pgdir/server.log" -w -t 30 -o "-p $PGPORT \
	    -c listen_addresses=127.0.0.1 -c unix_socket_directories=$pgdir \
	    -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
	    -c max_connections=60" start >/dev/null
}

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# the_error: stderr without progress lines (Running ..., fault points).
the_error() {
	grep -v -e "^Running " -e "^fault point " err >err.only || :
	if [ "$(wc -l <err.only)" != 1 ]; then
		echo "not one line of error:"
		cat err
		return 1
	fi
}

# chain3 [HEADER-LINE]: r1 creates t1, r2 creates t2, puts a row in it
# and waits $wait2 (a statement, or nothing), r3 creates t3. Revision 2
# gets the header line, if any.
R1=e1e1e1e1e1e1
R2=e2e2e2e2e2e2
R3=e3e3e3e3e3e3
chain3() {
	write_rev $R1 "" "r1" "CREATE TABLE t1 (id INTEGER);" "DROP TABLE t1;"
	write_rev $R2 $R1 "r2" "INSERT INTO t1 VALUES (2);
CREATE TABLE t2 (id INTEGER);${wait2:+
$wait2}
INSERT INTO t2 VALUES (1);" "DROP TABLE t2;
DELETE FROM t1 WHERE id = 2;" "$@"
	write_rev $R3 $R2 "r3" "CREATE TABLE t3 (id INTEGER);" "DROP TABLE t3;"
}

# all_once: at r3, each revision applied once, each row once.
all_once() {
	is "$(q "SELECT revision, status FROM migrate_history WHERE direction = 'upgrade' ORDER BY id" | tr "\n" " ")" \
	    "$R1|ok $R2|ok $R3|ok "
	expect_rows $R3
	is "$(q "SELECT count(*) FROM t1")" 1
	is "$(q "SELECT count(*) FROM t2")" 1
	expect_tables "t1 t2 t3"
}

# running PID: not yet exited (zombies count as exited).
running() {
	kill -0 "$1" 2>/dev/null &&
	    ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}
# stopped PID: stopped by SIGSTOP.
stopped() {
	grep -q '^State:.*T' "/proc/$1/status" 2>/dev/null
}
# poll TENTHS COMMAND...: until COMMAND succeeds, at most TENTHS/10 s.
poll() {
	_n=$1
	shift
	while ! "$@" >/dev/null 2>&1; do
		_n=$((_n - 1))
		if [ "$_n" -le 0 ]; then
			echo "timed out waiting for: $*"
			return 1
		fi
		sleep 0.1
	done
}
sleeping_pg() {
	test "$(q "SELECT count(*) FROM pg_stat_activity WHERE
	    query LIKE 'SELECT pg_sleep%' AND state = 'active'")" = 1
}

LOST="(connection to the server was lost)"

d=pg
test_expect_timed 'pg: the server stopped during a statement: one line, exit 1; after a restart the rerun finishes' '
	trap pg_start EXIT
	new_db stmt
	write_ini
	wait2="SELECT pg_sleep(10);" chain3
	"$MIGRATE" upgrade head >out 2>err &
	victim=$!
	poll 100 sleeping_pg
	t0=$(now_ms)
	pg_stop
	rc=0; wait $victim || rc=$?
	t=$(($(now_ms) - t0))
	echo "failed $t ms after the stop"
	test $rc = 1
	test $t -lt 3000
	the_error
	expect_grep "${R2}_rev.sql:10: server closed the connection unexpectedly" err
	expect_grep "$LOST" err.only
	test ! -s out
	no_password out err
	pg_start
	run_migrate 0 current
	is "$(cat out)" $R1
	sed -i "s/SELECT pg_sleep(10);/SELECT 1;/" migrations/versions/${R2}_rev.sql
	run_migrate 0 upgrade head
	expect_grep "Upgraded: 2 steps; the database is at $R3" err
	all_once
'

# stop_at POINT KIND REV AT: the fault build stops at fault point POINT
# (KIND REV); the server stops; the run goes on and fails in one line;
# after a restart the database is at AT (nothing: base) and a rerun
# finishes.
stop_at() {
	MIGRATE_FAULT_STOP_AT=$1 MIGRATE_FAULT_TRACE=1 "$FAULTS" upgrade head \
	    >out 2>err &
	victim=$!
	poll 100 stopped $victim
	is "$(grep "^fault point" err | tail -n 1)" "fault point $1: $2 $3"
	pg_stop
	kill -CONT $victim
	rc=0; wait $victim || rc=$?
	test $rc = 1
	the_error
	expect_grep "$LOST" err.only
	test ! -s out
	no_password out err
	pg_start
	run_migrate 0 current
	is "$(cat out)" "$4"
	run_migrate 0 upgrade head
	all_once
}

test_expect_success 'pg: the server stopped before a step commits (after its history row): one line, exit 1; the rerun finishes' '
	trap pg_start EXIT
	new_db commit; write_ini; chain3
	# 1-3 the version tables, 4-7 r1, 8-10 the statements of r2
	stop_at 12 history-row "$R2 0/0" $R1
'

test_expect_success 'pg: the server stopped between two steps: one line, exit 1; the rerun finishes' '
	trap pg_start EXIT
	new_db between; write_ini; chain3
	stop_at 7 commit "$R1 0/0" $R1
'

test_expect_success 'pg: the server stopped while the version tables are created: one line, exit 1; the rerun finishes' '
	trap pg_start EXIT
	new_db tables; write_ini; chain3
	stop_at 2 create-history-table "- 2/2" ""
'

# Was a defect: the server stopped inside a Transactional: no revision,
# after its first statement (INSERT INTO t1) committed: nothing recorded
# the statement, so the rerun ran it again. Each statement is now recorded
# as it succeeds, in the run's partial history row, which stays (one).
test_expect_success 'pg: the server stopped inside a Transactional: no revision: the rerun runs each statement once' '
	trap pg_start EXIT
	new_db notx
	write_ini
	wait2="SELECT pg_sleep(10);" chain3 "Transactional: no"
	"$MIGRATE" upgrade head >out 2>err &
	victim=$!
	poll 100 sleeping_pg
	pg_stop
	rc=0; wait $victim || rc=$?
	test $rc = 1
	the_error
	expect_grep "$LOST" err.only
	pg_start
	run_migrate 0 current
	is "$(cat out)" $R1
	sed -i "s/SELECT pg_sleep(10);/SELECT 1;/" migrations/versions/${R2}_rev.sql
	run_migrate 0 upgrade head
	expect_grep "Resuming upgrade $R2 after statement " err
	# without the row of the interrupted run: as if run once
	q "DELETE FROM migrate_history WHERE revision = $sq$R2$sq AND status = ${sq}partial$sq"
	all_once
'

# SQLite

d=sqlite

# locked_upgrade MODE MIN MAX: with $db at $R1 and BEGIN MODE held
# elsewhere, upgrade head fails (exit 1) after MIN to MAX ms.
locked_upgrade() {
	run_migrate 0 upgrade $R1
	hold $1
	t0=$(now_ms)
	run_migrate 1 upgrade head
	t=$(($(now_ms) - t0))
	release
	echo "failed after $t ms"
	test $t -ge $2
	test $t -lt $3
}

# hold MODE: sqlite3 holds BEGIN MODE on $db (with a row written) from the
# background until release is touched (at most 20 s); returns once held.
hold() {
	rm -f held release
	printf "BEGIN %s;\nINSERT INTO t1 VALUES (9);\n.shell touch held\n.shell i=0; while [ ! -e release ] && [ \$i -lt 400 ]; do sleep 0.05; i=\$((i + 1)); done\nCOMMIT;\n" \
	    "$1" | sqlite3 "$db" >holder.out 2>&1 &
	holder=$!
	poll 100 test -e held
}
release() {
	[ -n "${holder:-}" ] || return 0
	touch release
	wait "$holder" 2>/dev/null || :
	holder=
}

test_expect_timed 'sqlite: the file locked by another process (BEGIN EXCLUSIVE): waits 5 s, then one line naming the file, exit 1' '
	trap release EXIT
	new_db excl; write_ini; chain3
	locked_upgrade EXCLUSIVE 4900 8000
	one_line
	expect_grep "$db" err
	expect_grep "database is locked" err
	expect_rows $R1
	expect_tables "t1" "t2 t3"
	is "$(q "SELECT id FROM t1")" 9
	run_migrate 0 upgrade head
	is "$(q "SELECT count(*) FROM t1")" 2
'

# Was a defect: lock_timeout is SQLite's busy timeout (migrate.ini(5)), but the
# first read, when migrate opens the file, waits the default 5 s whatever
# lock_timeout says (sqlite_connect sets 5000; lock_timeout is applied
# only later, by version_ensure). Right: lock_timeout = 1000 waits 1 s.
test_expect_timed 'sqlite: the file locked by BEGIN EXCLUSIVE, lock_timeout = 1000: waits 1 s, then one line, exit 1' '
	trap release EXIT
	new_db excl1; write_ini "lock_timeout = 1000"; chain3
	run_migrate 0 upgrade $R1
	hold EXCLUSIVE
	t0=$(now_ms)
	run_migrate 1 upgrade head
	t=$(($(now_ms) - t0))
	release
	echo "failed after $t ms"
	one_line
	expect_grep "database is locked" err
	expect_rows $R1
	test $t -ge 900
	test $t -lt 2500
'

# Was a defect: with the write lock held elsewhere (BEGIN IMMEDIATE), the run
# waits lock_timeout, then says only "migrate: database is locked": not
# which file, nor that another connection holds it. Right: the line names
# the database file.
test_expect_timed 'sqlite: the write lock held by another process (BEGIN IMMEDIATE): waits lock_timeout, one line naming the file, exit 1' '
	trap release EXIT
	new_db imm; write_ini "lock_timeout = 1000"; chain3
	locked_upgrade IMMEDIATE 900 2500
	one_line
	expect_rows $R1
	expect_tables "t1" "t2 t3"
	expect_grep "database is locked" err
	expect_grep "$db" err
'

# as_user COMMAND...: run it as a user file modes apply to: nobody when
# root, else oneself. The test's directories are opened to others.
as_user() {
	if [ "$(id -u)" -eq 0 ]; then
		setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
	else
		"$@"
	fi
}
open_dirs() {
	chmod 755 "$TRASH" "$TMP" "$HOME"
	chmod -R a+rX migrations migrate.ini
	if ! as_user test -x "$MIGRATE"; then
		echo "$MIGRATE cannot be run as nobody"
		return 1
	fi
}
# run_as CODE ARGS...: run_migrate as as_user.
run_as() {
	_want=$1
	shift
	_got=0
	as_user "$MIGRATE" "$@" >out 2>err || _got=$?
	if [ "$_got" -ne "$_want" ]; then
		echo "migrate $* (as $(as_user id -un)): exit $_got, wanted $_want"
		cat out err
		return 1
	fi
}

test_expect_success 'sqlite: a read-only database file: one line naming it, exit 1, the file unchanged; current still reads it' '
	new_db ro; write_ini; chain3
	run_migrate 0 upgrade $R1
	open_dirs
	chmod 444 "$db"
	sum=$(sha256sum <"$db")
	run_as 1 upgrade head
	one_line
	expect_grep "$db" err
	grep -i -e "permission denied" -e "read-only" -e "readonly" err
	test "$(sha256sum <"$db")" = "$sum"
	test ! -e "$db-journal"
	run_as 0 current
	is "$(cat out)" $R1
	chmod 644 "$db"
	run_migrate 0 upgrade head
	all_once
'

# Was a defect: in a read-only directory the rollback journal cannot be created;
# the error is blamed on the first statement of the script
# ("<script>.sql:8: attempt to write a readonly database"), as if the
# script were wrong. Right: the line names the database file.
test_expect_success 'sqlite: a read-only directory (no journal can be created): one line naming the file, exit 1, the file unchanged' '
	mkdir dir
	db=$PWD/dir/rodir.db
	url=sqlite:///$db
	write_ini; chain3
	run_migrate 0 upgrade $R1
	open_dirs
	chmod 666 "$db"
	chmod 555 dir
	sum=$(sha256sum <"$db")
	run_as 1 upgrade head
	chmod 755 dir
	cat err
	one_line
	test "$(sha256sum <"$db")" = "$sum"
	test ! -e "$db-journal"
	grep -i -e "read-only" -e "readonly" -e "permission denied" err
	expect_grep "$db" err
'

test_done
