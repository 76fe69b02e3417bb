#!/bin/sh
# Transactions (issue 3 point 7) and the per-step timeouts (point 8), on
# SQLite and PostgreSQL: a failing statement rolls back its revision and
# names file, line and the database's message; transaction_per_migration =
# false rolls back the whole command; 'Transactional: no' scripts run
# outside a transaction, record how far they got, and resume only when
# the statements that ran are unchanged; an invalid index left by a failed
# CREATE INDEX CONCURRENTLY is reported; lock_timeout with lock_retries,
# and statement_timeout, on PostgreSQL.
. "$(dirname "$0")/lib.sh"

sq="'"

# expect_history "REV|DIRECTION|STATUS|STATEMENTS..." (one per line, by id)
expect_history() {
	if has_table migrate_history; then
		q "SELECT revision, direction, status, statements FROM
		    migrate_history ORDER BY id" >hist.txt
	else
		: >hist.txt
	fi
	printf '%s\n' "$1" | sed '/^$/d' >hist.want
	if ! cmp -s hist.want hist.txt; then
		echo "history rows differ:"
		diff -u hist.want hist.txt || true
		return 1
	fi
}

# line_of FILE TEXT: the number of the first line of FILE holding TEXT.
line_of() {
	grep -nF -- "$2" "$1" | head -1 | cut -d: -f1
}

# The database's message for INSERT INTO missing_table.
missing_msg() {
	case $d in
	sqlite)	echo "no such table: missing_table" ;;
	pg)	echo "relation \"missing_table\" does not exist (SQLSTATE 42P01)" ;;
	esac
}

R1=a1a1a1a1a1a1
R2=b2b2b2b2b2b2
R3=c3c3c3c3c3c3
F1=migrations/versions/${R1}_rev.sql
F2=migrations/versions/${R2}_rev.sql
F3=migrations/versions/${R3}_rev.sql

# r1 creates t1, r2 creates t2 then fails on its own line, r3 creates t3.
chain_fail_r2() {
	write_rev $R1 "" "create t1" "CREATE TABLE t1 (id INTEGER);" \
	    "DROP TABLE t1;"
	write_rev $R2 $R1 "create t2" "CREATE TABLE t2 (
    id INTEGER
);

-- then the bad one
INSERT INTO missing_table VALUES (1);
CREATE TABLE t2b (id INTEGER);" "DROP TABLE t2b;
DROP TABLE t2;"
	write_rev $R3 $R2 "create t3" "CREATE TABLE t3 (id INTEGER);" \
	    "DROP TABLE t3;"
}

# A statement that works only outside a transaction, and the database's
# message when it runs inside one.
notx_stmt() {
	case $d in
	sqlite)	echo "VACUUM;" ;;
	pg)	echo "CREATE INDEX CONCURRENTLY ix_t1_id ON t1 (id);" ;;
	esac
}
notx_msg() {
	case $d in
	sqlite)	echo "cannot VACUUM from within a transaction" ;;
	pg)	echo "CREATE INDEX CONCURRENTLY cannot run inside a transaction block (SQLSTATE 25001)" ;;
	esac
}

# r1 creates t1; r2 is Transactional: no and its third statement fails
# (STMT3, default INSERT INTO missing_table); r3 creates t3.
chain_partial() {
	write_rev $R1 "" "create t1" "CREATE TABLE t1 (id INTEGER);" \
	    "DROP TABLE t1;"
	write_rev $R2 $R1 "three steps" "CREATE TABLE p1 (id INTEGER);
CREATE TABLE p2 (id INTEGER);
${1:-INSERT INTO missing_table VALUES (1);}" "DROP TABLE p3;
DROP TABLE p2;
DROP TABLE p1;" "Transactional: no"
	write_rev $R3 $R2 "create t3" "CREATE TABLE t3 (id INTEGER);" \
	    "DROP TABLE t3;"
}

# Milliseconds since the epoch.
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# r1 creates t1, r2 alters it (and r2 is the one to wait for the lock).
chain_alter() {
	write_rev $R1 "" "create t1" "CREATE TABLE t1 (id INTEGER);" \
	    "DROP TABLE t1;"
	write_rev $R2 $R1 "alter t1" "CREATE TABLE t2 (id INTEGER);
ALTER TABLE t1 ADD COLUMN c INTEGER;" "DROP TABLE t2;
ALTER TABLE t1 DROP COLUMN c;" "$@"
}

# has_column TABLE COLUMN
has_column() {
	case $d in
	sqlite)	n=$(q "SELECT count(*) FROM pragma_table_info('$1')
		    WHERE name = '$2'") ;;
	pg)	n=$(q "SELECT count(*) FROM information_schema.columns
		    WHERE table_name = '$1' AND column_name = '$2'") ;;
	esac
	test "$n" -eq 1
}

# The database's message for a lock that was not granted in time.
locked_msg() {
	case $d in
	sqlite)	echo "database is locked" ;;
	pg)	echo "canceling statement due to lock timeout (SQLSTATE 55P03)" ;;
	esac
}

export sq R1 R2 R3 F1 F2 F3

for d in sqlite pg; do
	export d

	test_expect_success "$d: a failing statement rolls back its revision only" '
		new_db fail_mid; write_ini; chain_fail_r2
		run_migrate 1 upgrade head
		n=$(line_of $F2 missing_table)
		test "$n" = 13
		expect_grep "${R2}_rev.sql:$n: $(missing_msg)" err
		expect_grep "Running upgrade  -> $R1, create t1" err
		! grep -F "$R3" err || false
		expect_rows "$R1"
		expect_tables "t1" "t2 t2b t3"
		expect_history "$R1|upgrade|ok|1"
	'

	test_expect_success "$d: after fixing the script, upgrade head goes on from r1" '
		new_db fail_fix; write_ini; chain_fail_r2
		run_migrate 1 upgrade head
		sed -i "s/INSERT INTO missing_table VALUES (1);/INSERT INTO t2 VALUES (1);/" $F2
		run_migrate 0 upgrade head
		! grep -F "upgrade  -> $R1" err || false
		expect_rows "$R3"
		expect_tables "t1 t2 t2b t3"
		test "$(q "SELECT id FROM t2")" = 1
		expect_history "$R1|upgrade|ok|1
$R2|upgrade|ok|3
$R3|upgrade|ok|1"
	'
	test_expect_success "$d: transaction_per_migration = false rolls back the whole command" '
		new_db one_txn; write_ini "transaction_per_migration = false"
		chain_fail_r2
		run_migrate 1 upgrade head
		expect_grep "${R2}_rev.sql:13: $(missing_msg)" err
		expect_rows ""
		expect_tables "" "t1 t2 t2b t3"
		expect_history ""
	'

	test_expect_success "$d: transaction_per_migration = false keeps what an earlier command committed" '
		new_db one_txn2; write_ini "transaction_per_migration = false"
		chain_fail_r2
		# r3 fails now; r2 is good
		sed -i "s/INSERT INTO missing_table VALUES (1);/INSERT INTO t2 VALUES (1);/" $F2
		write_rev $R3 $R2 "create t3" "CREATE TABLE t3 (id INTEGER);
SELECT * FROM missing_table;" "DROP TABLE t3;"
		run_migrate 0 upgrade $R1
		run_migrate 1 upgrade head
		expect_grep "${R3}_rev.sql:9: " err
		expect_rows "$R1"
		expect_tables "t1" "t2 t2b t3"
		expect_history "$R1|upgrade|ok|1"
	'

	test_expect_success "$d: a failing downgrade stays at the last committed revision" '
		new_db down_fail; write_ini; chain_fail_r2
		sed -i "s/INSERT INTO missing_table VALUES (1);/INSERT INTO t2 VALUES (1);/" $F2
		write_rev $R2 $R1 "create t2" "CREATE TABLE t2 (id INTEGER);" \
		    "DROP TABLE t2;
DELETE FROM missing_table;"
		run_migrate 0 upgrade head
		run_migrate 1 downgrade base
		n=$(line_of $F2 "DELETE FROM missing_table")
		test "$n" = 12 || { echo "line $n"; false; }
		expect_grep "${R2}_rev.sql:12: $(missing_msg)" err
		expect_grep "Running downgrade $R3 -> $R2, create t3" err
		! grep -F "Running downgrade $R1" err || false
		expect_rows "$R2"
		# the DROP TABLE t2 before the failure is rolled back
		expect_tables "t1 t2" "t3"
		expect_history "$R1|upgrade|ok|1
$R2|upgrade|ok|1
$R3|upgrade|ok|1
$R3|downgrade|ok|1"
	'

	test_expect_success "$d: a failing downgrade with transaction_per_migration = false undoes nothing" '
		new_db down_fail1; write_ini "transaction_per_migration = false"
		write_rev $R1 "" "create t1" "CREATE TABLE t1 (id INTEGER);" \
		    "DROP TABLE t1;"
		write_rev $R2 $R1 "create t2" "CREATE TABLE t2 (id INTEGER);" \
		    "DROP TABLE t2;
DELETE FROM missing_table;"
		write_rev $R3 $R2 "create t3" "CREATE TABLE t3 (id INTEGER);" \
		    "DROP TABLE t3;"
		run_migrate 0 upgrade head
		run_migrate 1 downgrade base
		expect_grep "${R2}_rev.sql:12: $(missing_msg)" err
		expect_rows "$R3"
		expect_tables "t1 t2 t3"
		expect_history "$R1|upgrade|ok|1
$R2|upgrade|ok|1
$R3|upgrade|ok|1"
	'
	test_expect_success "$d: Transactional: no runs a script outside any transaction" '
		new_db notx; write_ini
		write_rev $R1 "" "create t1" "CREATE TABLE t1 (id INTEGER);" \
		    "DROP TABLE t1;"
		write_rev $R2 $R1 "outside" "$(notx_stmt)" "SELECT 1;" \
		    "Transactional: no"
		write_rev $R3 $R2 "create t3" "CREATE TABLE t3 (id INTEGER);" \
		    "DROP TABLE t3;"
		run_migrate 0 upgrade head
		expect_grep "Running upgrade $R1 -> $R2, outside" err
		expect_rows "$R3"
		expect_tables "t1 t3"
		if [ $d = pg ]; then
			test "$(q "SELECT count(*) FROM pg_index WHERE indisvalid
			    AND indexrelid = ${sq}ix_t1_id${sq}::regclass")" = 1
		fi
		expect_history "$R1|upgrade|ok|1
$R2|upgrade|ok|1
$R3|upgrade|ok|1"
	'

	test_expect_success "$d: the same statement in a transactional script fails" '
		new_db notx_ctl; write_ini
		write_rev $R1 "" "create t1" "CREATE TABLE t1 (id INTEGER);" \
		    "DROP TABLE t1;"
		write_rev $R2 $R1 "inside" "$(notx_stmt)" "SELECT 1;"
		run_migrate 1 upgrade head
		expect_grep "${R2}_rev.sql:8: $(notx_msg)" err
		expect_rows "$R1"
	'

	test_expect_success "$d: Transactional: no failing on statement 3 keeps 1-2 and records partial" '
		new_db partial; write_ini; chain_partial
		run_migrate 1 upgrade head
		expect_grep "${R2}_rev.sql:11: $(missing_msg)" err
		expect_rows "$R1"
		expect_tables "t1 p1 p2" "t3"
		expect_history "$R1|upgrade|ok|1
$R2|upgrade|partial|2"
		# what ran of it is recorded, with the checksum of the script
		test -n "$(q "SELECT checksum FROM migrate_history WHERE
		    status = ${sq}partial${sq}")"
	'

	test_expect_success "$d: after fixing statement 3 the rerun resumes after statement 2" '
		new_db resume; write_ini; chain_partial
		run_migrate 1 upgrade head
		chain_partial "CREATE TABLE p3 (id INTEGER);"
		run_migrate 0 upgrade head
		# CREATE TABLE p1/p2 again would fail: they are not run again
		expect_grep "Resuming upgrade $R2 after statement 2 of 3" err
		expect_grep "Running upgrade $R1 -> $R2, three steps" err
		expect_grep "Running upgrade $R2 -> $R3, create t3" err
		expect_rows "$R3"
		expect_tables "t1 p1 p2 p3 t3"
		expect_history "$R1|upgrade|ok|1
$R2|upgrade|partial|2
$R2|upgrade|ok|3
$R3|upgrade|ok|1"
		# and it is done: downgrade and upgrade again run it whole
		run_migrate 0 downgrade $R1
		expect_tables "t1" "p1 p2 p3 t3"
		run_migrate 0 upgrade head
		! grep -F Resuming err || false
		expect_tables "t1 p1 p2 p3 t3"
	'

	test_expect_success "$d: a rerun after statement 1 or 2 changed refuses and says why" '
		new_db resume_chg; write_ini; chain_partial
		run_migrate 1 upgrade head
		cp $F2 orig.sql
		for change in "s/CREATE TABLE p1 (id INTEGER)/CREATE TABLE p1 (id INTEGER, x INTEGER)/" \
		    "s/CREATE TABLE p2 (id INTEGER)/CREATE TABLE p2b (id INTEGER)/"; do
			sed -e "$change" \
			    -e "s/INSERT INTO missing_table VALUES (1);/CREATE TABLE p3 (id INTEGER);/" \
			    orig.sql >$F2
			! cmp -s orig.sql $F2 || false
			run_migrate 1 upgrade head
			expect_grep "${R2}_rev.sql: revision $R2 failed part-way on its last run, after 2 statements, and those statements have changed since" err
			! grep -F Resuming err || false
			expect_rows "$R1"
			expect_tables "t1 p1 p2" "p2b p3 t3"
			expect_history "$R1|upgrade|ok|1
$R2|upgrade|partial|2"
		done
		# restored, it resumes
		sed "s/INSERT INTO missing_table VALUES (1);/CREATE TABLE p3 (id INTEGER);/" \
		    orig.sql >$F2
		run_migrate 0 upgrade head
		expect_grep "Resuming upgrade $R2 after statement 2 of 3" err
		expect_rows "$R3"
	'

	test_expect_success "$d: Transactional: no failing on its first statement records nothing" '
		new_db partial0; write_ini
		chain_partial
		write_rev $R2 $R1 "bad first" "INSERT INTO missing_table VALUES (1);
CREATE TABLE p1 (id INTEGER);" "DROP TABLE p1;" "Transactional: no"
		run_migrate 1 upgrade head
		expect_grep "${R2}_rev.sql:9: $(missing_msg)" err
		expect_rows "$R1"
		expect_history "$R1|upgrade|ok|1"
		write_rev $R2 $R1 "bad first" "CREATE TABLE p0 (id INTEGER);
CREATE TABLE p1 (id INTEGER);" "DROP TABLE p1;" "Transactional: no"
		run_migrate 0 upgrade head
		! grep -F Resuming err || false
		expect_tables "t1 p0 p1 t3"
		expect_rows "$R3"
	'

	test_expect_success "$d: transaction_per_migration = false refuses a Transactional: no script" '
		new_db notx_one; write_ini "transaction_per_migration = false"
		chain_partial "CREATE TABLE p3 (id INTEGER);"
		run_migrate 2 upgrade head
		expect_text "$PWD/${F2}: revision $R2 is ${sq}Transactional: no${sq}, which cannot run inside the single transaction of transaction_per_migration = false" err
		# refused before anything ran, r1 included
		expect_rows ""
		expect_tables "" "t1 p1 t3"
		expect_history ""
		# once it is applied, later revisions run in one transaction
		write_ini
		run_migrate 0 upgrade $R2
		write_ini "transaction_per_migration = false"
		run_migrate 0 upgrade head
		expect_rows "$R3"
	'
	test_expect_success "$d: a Transactional: no downgrade failing part-way resumes too" '
		new_db down_partial; write_ini
		chain_partial "CREATE TABLE p3 (id INTEGER);"
		run_migrate 0 upgrade head
		write_rev $R2 $R1 "three steps" "CREATE TABLE p1 (id INTEGER);
CREATE TABLE p2 (id INTEGER);
CREATE TABLE p3 (id INTEGER);" "DROP TABLE p3;
DROP TABLE p2;
DROP TABLE missing_table;" "Transactional: no"
		run_migrate 1 downgrade base
		n=$(line_of $F2 "DROP TABLE missing_table")
		expect_grep "${R2}_rev.sql:$n: " err
		expect_rows "$R2"
		expect_tables "t1 p1" "p2 p3 t3"
		expect_history "$R1|upgrade|ok|1
$R2|upgrade|ok|3
$R3|upgrade|ok|1
$R3|downgrade|ok|1
$R2|downgrade|partial|2"
		sed -i "s/DROP TABLE missing_table;/DROP TABLE p1;/" $F2
		run_migrate 0 downgrade base
		expect_grep "Resuming downgrade $R2 after statement 2 of 3" err
		expect_rows ""
		expect_tables "" "t1 p1 p2 p3 t3"
	'

	test_expect_timed "$d: lock_timeout with lock_retries = 0 fails fast" '
		trap stop_holder EXIT
		new_db lock0; write_ini "lock_timeout = 200" "lock_retries = 0"
		chain_alter
		run_migrate 0 upgrade $R1
		hold_lock 2.5
		t0=$(now_ms)
		run_migrate 1 upgrade head
		t=$(($(now_ms) - t0))
		stop_holder
		echo "failed after $t ms"
		test $t -lt 2000
		expect_grep "$(locked_msg)" err
		[ $d = sqlite ] || expect_grep "${R2}_rev.sql:9: $(locked_msg)" err
		! grep -F retry err || false
		expect_rows "$R1"
		expect_tables "t1" "t2"
		! has_column t1 c || false
		expect_history "$R1|upgrade|ok|1"
	'

	test_expect_timed "$d: lock_timeout retried lock_retries times, then it fails" '
		trap stop_holder EXIT
		new_db lock1; write_ini "lock_timeout = 200" "lock_retries = 1"
		chain_alter
		run_migrate 0 upgrade $R1
		hold_lock 2.5
		t0=$(now_ms)
		run_migrate 1 upgrade head
		t=$(($(now_ms) - t0))
		stop_holder
		echo "failed after $t ms"
		test $t -lt 2500
		expect_grep "$R2: lock_timeout, retry 1 of 1" err
		! grep -F "retry 2" err || false
		expect_grep "$(locked_msg)" err
		expect_rows "$R1"
		expect_tables "t1" "t2"
	'

	test_expect_timed "$d: lock_timeout with lock_retries = 5 succeeds once the lock is free" '
		trap stop_holder EXIT
		new_db lock5; write_ini "lock_timeout = 200" "lock_retries = 5"
		chain_alter
		run_migrate 0 upgrade $R1
		hold_lock 1
		run_migrate 0 upgrade head
		stop_holder
		expect_grep "$R2: lock_timeout, retry 1 of 5" err
		expect_grep "Running upgrade $R1 -> $R2, alter t1" err
		expect_rows "$R2"
		expect_tables "t1 t2"
		has_column t1 c
		expect_history "$R1|upgrade|ok|1
$R2|upgrade|ok|2"
	'
done

d=pg
export d

test_expect_timed "pg: lock_timeout retry of a Transactional: no step goes on from the statement that waited" '
	trap stop_holder EXIT
	new_db lock_notx; write_ini "lock_timeout = 200" "lock_retries = 5"
	# CREATE TABLE t2 run again would fail
	chain_alter "Transactional: no"
	run_migrate 0 upgrade $R1
	hold_lock 1
	run_migrate 0 upgrade head
	stop_holder
	expect_grep "$R2: lock_timeout, retry 1 of 5" err
	expect_rows "$R2"
	expect_tables "t1 t2"
	has_column t1 c
	expect_history "$R1|upgrade|ok|1
$R2|upgrade|ok|2"
'

test_expect_timed "pg: statement_timeout cancels a slow statement" '
	new_db stmt_to; write_ini "statement_timeout = 100"
	write_rev $R1 "" "create t1" "CREATE TABLE t1 (id INTEGER);" \
	    "DROP TABLE t1;"
	write_rev $R2 $R1 "slow" "CREATE TABLE t2 (id INTEGER);
SELECT pg_sleep(2);" "DROP TABLE t2;"
	t0=$(now_ms)
	run_migrate 1 upgrade head
	t=$(($(now_ms) - t0))
	echo "failed after $t ms"
	test $t -lt 1500
	expect_grep "${R2}_rev.sql:9: canceling statement due to statement timeout (SQLSTATE 57014)" err
	expect_rows "$R1"
	expect_tables "t1" "t2"
	expect_history "$R1|upgrade|ok|1"
'

test_expect_success "pg: a failed CREATE UNIQUE INDEX CONCURRENTLY reports the invalid index" '
	new_db invalid_ix; write_ini
	write_rev $R1 "" "create t1" "CREATE TABLE t1 (id INTEGER);
INSERT INTO t1 VALUES (1), (1);" "DROP TABLE t1;"
	write_rev $R2 $R1 "unique id" \
	    "CREATE UNIQUE INDEX CONCURRENTLY ux_t1_id ON t1 (id);" \
	    "DROP INDEX CONCURRENTLY ux_t1_id;" "Transactional: no"
	run_migrate 1 upgrade head
	expect_grep "${R2}_rev.sql:9: could not create unique index \"ux_t1_id\"" err
	expect_grep "invalid index left behind: ux_t1_id" err
	test "$(q "SELECT count(*) FROM pg_index WHERE NOT indisvalid
	    AND indexrelid = ${sq}ux_t1_id${sq}::regclass")" = 1
	expect_rows "$R1"
	expect_history "$R1|upgrade|ok|2"
'

test_expect_timed "pg: a CREATE INDEX CONCURRENTLY that timed out is not retried over its invalid index" '
	new_db cic_to; write_ini "lock_timeout = 300" "lock_retries = 3"
	write_rev $R1 "" "create t1" "CREATE TABLE t1 (id INTEGER);" \
	    "DROP TABLE t1;"
	run_migrate 0 upgrade head
	write_rev $R2 $R1 "index id" \
	    "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_t1_id ON t1 (id);" \
	    "DROP INDEX CONCURRENTLY ix_t1_id;" "Transactional: no"
	# a writer that stays in its transaction: the build waits for it
	PGAPPNAME=t0031_holder psql -X -q -d "$db" -c "BEGIN;
	    INSERT INTO t1 VALUES (1); SELECT pg_sleep(5); COMMIT" \
	    >holder.out 2>&1 &
	holder=$!
	trap stop_holder EXIT
	until [ "$(q "SELECT count(*) FROM pg_stat_activity
	    WHERE application_name = ${sq}t0031_holder$sq
	    AND state = ${sq}active$sq")" = 1 ]; do sleep 0.05; done
	run_migrate 1 upgrade head
	stop_holder
	expect_grep "${R2}_rev.sql:9: canceling statement due to lock timeout" err
	expect_grep "invalid index left behind: ix_t1_id (DROP INDEX CONCURRENTLY it before retrying)" err
	! grep -q "lock_timeout, retry" err || false
	expect_rows "$R1"
	test "$(q "SELECT count(*) FROM pg_index WHERE NOT indisvalid
	    AND indexrelid = ${sq}ix_t1_id${sq}::regclass")" = 1
'

test_done
