#!/bin/sh
# Concurrency (issue 3 point 8): the migration lock. Runs started together
# apply each revision exactly once; a runner that waits longer than
# lock_wait fails naming the holder; a killed run leaves no stale lock; on
# PostgreSQL the lock does not deadlock with CREATE INDEX CONCURRENTLY.
. "$(dirname "$0")/lib.sh"

# rev_id N: the id of the Nth revision of a chain.
rev_id() {
	printf 'c%011x' "$1"
}

# A statement that takes a little while (to make runs overlap).
short_wait() {
	case $d in
	pg)	echo "SELECT pg_sleep(0.05);" ;;
	sqlite)	echo "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1
    FROM c WHERE x < 100000) SELECT count(*) FROM c;" ;;
	esac
}

# A statement that takes as long as the table ctl says (PG: secs seconds;
# SQLite: a loop of n rows, about 2M a second), so a test can shorten it.
ctl_wait() {
	case $d in
	pg)	echo "SELECT pg_sleep((SELECT secs FROM ctl));" ;;
	sqlite)	echo "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1
    FROM c WHERE x < (SELECT n FROM ctl)) SELECT count(*) FROM c;" ;;
	esac
}

# chain N [SLOW-REV]: N revisions, each a CREATE TABLE tI (not idempotent)
# and short_wait; revision SLOW-REV waits with ctl_wait instead.
chain() {
	i=1
	parent=
	while [ "$i" -le "$1" ]; do
		if [ "$i" = "${2:-0}" ]; then w=$(ctl_wait); else w=$(short_wait); fi
		write_rev "$(rev_id $i)" "$parent" "step $i" \
		    "CREATE TABLE t$i (id INTEGER);
$w" "DROP TABLE t$i;"
		parent=$(rev_id $i)
		i=$((i + 1))
	done
}

# newdb NAME: url for migrate and db for sqlite3/psql, a fresh database.
newdb() {
	case $d in
	sqlite)	db=$1.db; url=sqlite:///$1.db ;;
	pg)	url=$(pg_newdb "t41_$1"); db=$url ;;
	esac
}

q() {
	case $d in
	sqlite)	sqlite3 -cmd ".timeout 5000" "$db" "$1" ;;
	pg)	psql -X -At -v ON_ERROR_STOP=1 -d "$db" -c "$1" ;;
	esac
}

# make_ctl SECS N: the table the slow revision reads.
make_ctl() {
	q "CREATE TABLE ctl (secs FLOAT, n INTEGER)"
	q "INSERT INTO ctl VALUES ($1, $2)"
}

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# Background runs: started with bg_migrate, killed and reaped on any exit.
bg=
reap() {
	for p in $bg; do
		kill -9 "$p" 2>/dev/null || :
		wait "$p" 2>/dev/null || :
	done
	bg=
}

# bg_migrate TAG ARGS...: run migrate in the background, out.TAG, err.TAG;
# its pid in $last.
bg_migrate() {
	tag=$1
	shift
	"$MIGRATE" "$@" >"out.$tag" 2>"err.$tag" &
	last=$!
	bg="$bg $last"
}

# wait_rc PID: wait for it (not in a subshell: it must be our child); its
# exit code in $rc.
wait_rc() {
	rc=0
	wait "$1" || rc=$?
}

# poll TENTHS COMMAND...: until COMMAND succeeds, at most TENTHS/10 s.
poll() {
	n=$1
	shift
	while ! "$@" >/dev/null 2>&1; do
		n=$((n - 1))
		if [ "$n" -le 0 ]; then
			echo "timed out waiting for: $*"
			return 1
		fi
		sleep 0.1
	done
}

# Every revision 1..N applied exactly once, and the version row at N.
applied_once() {
	test "$(q "SELECT count(*), count(DISTINCT revision) FROM migrate_history
	    WHERE direction = 'upgrade' AND status = 'ok'")" = "$1|$1"
	test "$(q "SELECT count(*) FROM migrate_history")" = "$1"
	test "$(q "SELECT version_num FROM migrate_version")" = "$(rev_id "$1")"
}

# running PID: the process is still running (not a zombie).
running() {
	kill -0 "$1" 2>/dev/null &&
	    ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

# sleeping_pg_pid: the backend running the slow revision's pg_sleep.
sleeping_pg_pid() {
	q "SELECT pid FROM pg_stat_activity WHERE datname = current_database()
	    AND query LIKE 'SELECT pg_sleep((SELECT%' AND state = 'active'"
}
has_sleeping_pg() {
	test -n "$(sleeping_pg_pid)"
}

# lock_pg_pid: the backend holding an advisory lock in this database.
lock_pg_pid() {
	q "SELECT l.pid FROM pg_locks l JOIN pg_database b
	    ON b.oid = l.database WHERE l.locktype = 'advisory'
	    AND l.granted AND b.datname = current_database()"
}

for d in sqlite pg; do
	export d

	for n in 2 8; do
		test_expect_success "$d: $n upgrades started at once apply each revision once" '
			trap reap EXIT
			newdb "par$n"
			write_ini
			chain 10
			i=1
			pids=
			while [ $i -le '$n' ]; do
				bg_migrate $i upgrade head
				pids="$pids $last"
				i=$((i + 1))
			done
			i=1
			for p in $pids; do
				wait_rc $p
				echo $rc >rc.$i
				i=$((i + 1))
			done
			bg=
			cat rc.* err.*
			test "$(cat rc.* | sort -u)" = 0
			applied_once 10
			i=1
			while [ $i -le 10 ]; do
				test "$(q "SELECT count(*) FROM t$i")" = 0
				i=$((i + 1))
			done
			# one run applied all ten, the others found nothing to do
			test "$(cat err.* | grep -c "^Running upgrade")" = 10
			test "$(grep -l "^Upgraded: 10 steps; the database is at $(rev_id 10)" err.* | wc -l)" = 1
			test "$(grep -l "^Nothing to do: the database is already at $(rev_id 10)" err.* | wc -l)" = $(('$n' - 1))
			! grep -q . out.* || false
		'
	done

	# (issue 7 point 3) Three rounds from revision 5, the two started in
	# turn one before the other: the history shows all of one run's
	# steps, then all of the other's, and the database ends where the
	# second left it.
	test_expect_success "$d: a downgrade and an upgrade started at once never interleave" '
		trap reap EXIT
		newdb updown
		write_ini
		chain 10
		# seq A B: the ids of revisions A to B (either way)
		seq_ids() {
			for i in $(seq "$1" $(($1 <= $2 ? 1 : -1)) "$2"); do
				printf "%s " "$(rev_id $i)"
			done
		}
		run_migrate 0 upgrade $(rev_id 1)
		for round in 1 2 3; do
			if [ "$(q "SELECT count(*) FROM migrate_version")" = 0 ] ||
			    [ $round = 1 ]; then
				run_migrate 0 upgrade $(rev_id 5)
			else
				run_migrate 0 downgrade $(rev_id 5)
			fi
			before=$(q "SELECT COALESCE(MAX(id), 0) FROM migrate_history")
			if [ $round = 2 ]; then
				bg_migrate down downgrade base; down=$last
				bg_migrate up upgrade head; up=$last
			else
				bg_migrate up upgrade head; up=$last
				bg_migrate down downgrade base; down=$last
			fi
			wait_rc $up; rcu=$rc
			wait_rc $down; rcd=$rc
			bg=
			cat err.up err.down
			test $rcu = 0
			test $rcd = 0
			! grep -q . out.up out.down || false
			q "SELECT direction, revision FROM migrate_history
			    WHERE id > $before ORDER BY id" >rows
			first=$(head -n 1 rows | cut -d"|" -f1)
			got=$(cut -d"|" -f2 rows | tr "\n" " ")
			echo "round $round: $first first"
			if [ "$first" = upgrade ]; then
				test "$(cut -d"|" -f1 rows | uniq | tr "\n" " ")" = "upgrade downgrade "
				test "$got" = "$(seq_ids 6 10)$(seq_ids 10 1)"
				test "$(q "SELECT count(*) FROM migrate_version")" = 0
				expect_tables "" "t1 t5 t10"
				expect_grep "Downgraded: 10 steps; the database is at <base>" err.down
			else
				test "$first" = downgrade
				test "$(cut -d"|" -f1 rows | uniq | tr "\n" " ")" = "downgrade upgrade "
				test "$got" = "$(seq_ids 5 1)$(seq_ids 1 10)"
				test "$(q "SELECT version_num FROM migrate_version")" = "$(rev_id 10)"
				expect_tables "t1 t5 t10"
				expect_grep "Upgraded: 10 steps; the database is at $(rev_id 10)" err.up
			fi
			test "$(q "SELECT count(*) FROM migrate_history WHERE status <> '"'"'ok'"'"'")" = 0
		done
	'

	test_expect_timed "$d: a second run fails after lock_wait, naming the holder" '
		trap reap EXIT
		newdb wait
		write_ini "lock_wait = 1"
		chain 3 2
		if [ $d = pg ]; then make_ctl 3 0; else make_ctl 0 10000000; fi
		bg_migrate holder upgrade head
		holder=$last
		poll 100 grep -q -- "-> $(rev_id 1), step 1" err.holder
		if [ $d = pg ]; then
			poll 50 has_sleeping_pg
			hpid=$(sleeping_pg_pid)
			lpid=$(lock_pg_pid)
			test -n "$lpid"
		fi
		running $holder
		t0=$(now_ms)
		run_migrate 1 upgrade head
		t1=$(now_ms)
		cat err
		running $holder
		test ! -s out
		test $((t1 - t0)) -ge 900
		test $((t1 - t0)) -le 2500
		test "$(wc -l <err)" = 1
		if [ $d = sqlite ]; then
			expect_grep "the migration lock of '"'"'migrate_version'"'"' in '"'"'" err
			expect_grep "is held by another migrate run; waited 1 s (lock_wait)" err
		else
			# the holder as pg_stat_activity shows it: the pid of the
			# session holding the lock, its application_name naming
			# the migration session, and since when
			expect_grep "the migration lock of '"'"'migrate_version'"'"' is held by pid $lpid (application_name '"'"'migrate lock of pid $hpid'"'"', from " err
			expect_grep " since $(date -u +%Y-)" err
			expect_grep "; waited 1 s (lock_wait)" err
		fi
		# the waiter changed nothing
		test "$(q "SELECT version_num FROM migrate_version")" = "$(rev_id 1)"
		if [ $d = pg ]; then
			wait_rc $holder
			test $rc = 0
			bg=
			applied_once 3
		fi
	'

	test_expect_success "$d: kill -9 mid-revision leaves no stale lock; the rerun applies the rest once" '
		trap reap EXIT
		newdb kill
		write_ini
		chain 5 3
		if [ $d = pg ]; then make_ctl 2 0; else make_ctl 0 100000000; fi
		bg_migrate victim upgrade head
		victim=$last
		poll 100 grep -q -- "-> $(rev_id 2), step 2" err.victim
		if [ $d = pg ]; then poll 50 has_sleeping_pg; else sleep 0.2; fi
		running $victim
		kill -9 $victim
		wait_rc $victim
		test $rc = 137
		bg=
		if [ $d = pg ]; then
			# the lock went with the process, though its session
			# running the script still sleeps
			poll 10 eval "test -z \"\$(lock_pg_pid)\""
		fi
		# the revision that was running is not recorded
		test "$(q "SELECT version_num FROM migrate_version")" = "$(rev_id 2)"
		q "UPDATE ctl SET secs = 0, n = 0"
		if [ $d = sqlite ]; then
			# a stale lock would make this fail after 1 s
			write_ini "lock_wait = 1"
		fi
		t0=$(now_ms)
		run_migrate 0 upgrade head
		t1=$(now_ms)
		echo "rerun took $((t1 - t0)) ms"
		cat err
		! grep -q "Running upgrade  -> $(rev_id 1)" err || false
		expect_grep "Running upgrade $(rev_id 2) -> $(rev_id 3), step 3" err
		expect_grep "Upgraded: 3 steps; the database is at $(rev_id 5)" err
		applied_once 5
	'
done

test_expect_success 'pg: the lock is a session lock: a waiting run does not deadlock CREATE INDEX CONCURRENTLY' '
	trap reap EXIT
	d=pg
	newdb cic
	write_ini
	write_rev c00000000001 "" "big table" \
	    "CREATE TABLE big (id INTEGER);
INSERT INTO big SELECT generate_series(1, 10000);" "DROP TABLE big;"
	write_rev c00000000002 c00000000001 "index it concurrently" \
	    "SELECT pg_sleep(0.8);
CREATE INDEX CONCURRENTLY big_id ON big (id);
SELECT pg_sleep(0.3);" "DROP INDEX CONCURRENTLY big_id;" "Transactional: no"
	write_rev c00000000003 c00000000002 "after" \
	    "CREATE TABLE after_idx (id INTEGER);" "DROP TABLE after_idx;"
	bg_migrate first upgrade head
	first=$last
	poll 100 grep -q -- "-> c00000000001, big table" err.first
	bg_migrate second upgrade head
	second=$last
	sleep 0.3
	# the second is waiting for the lock while the first runs the index
	running $first
	running $second
	poll 150 eval "! running $first && ! running $second"
	wait_rc $first; rc1=$rc
	wait_rc $second; rc2=$rc
	bg=
	cat err.first err.second
	test "$rc1" = 0
	test "$rc2" = 0
	expect_grep "Running upgrade c00000000001 -> c00000000002, index it concurrently" err.first
	expect_grep "Nothing to do: the database is already at c00000000003" err.second
	test "$(q "SELECT indisvalid FROM pg_index WHERE indexrelid = '"'"'big_id'"'"'::regclass")" = t
	applied_once 3
'

test_expect_timed 'pg: the lock is a session lock on its own connection, held through a non-transactional script' '
	trap reap EXIT
	d=pg
	newdb notx
	write_ini "lock_wait = 1"
	write_rev c00000000001 "" "outside a transaction" \
	    "CREATE TABLE ctl (secs FLOAT, n INTEGER);
INSERT INTO ctl VALUES (4, 0);
SELECT pg_sleep((SELECT secs FROM ctl));
CREATE TABLE t1 (id INTEGER);" "DROP TABLE t1; DROP TABLE ctl;" "Transactional: no"
	bg_migrate holder upgrade head
	holder=$last
	poll 50 has_sleeping_pg
	hpid=$(sleeping_pg_pid)
	# one advisory lock, on a session of its own (not the one running the
	# script), which has no transaction open: a session-level lock
	test "$(q "SELECT count(*) FROM pg_locks WHERE locktype = '"'"'advisory'"'"' AND granted")" = 1
	lpid=$(lock_pg_pid)
	test -n "$lpid"
	test "$lpid" != "$hpid"
	test "$(q "SELECT state, backend_xid IS NULL FROM pg_stat_activity WHERE pid = $lpid")" = "idle|t"
	run_migrate 1 upgrade head
	expect_grep "; waited 1 s (lock_wait)" err
	wait_rc $holder
	test $rc = 0
	bg=
	# gone with the run
	test "$(q "SELECT count(*) FROM pg_locks WHERE locktype = '"'"'advisory'"'"'")" = 0
	test -z "$(q "SELECT pid FROM pg_stat_activity WHERE pid = $lpid")"
	applied_once 1
'

test_done
