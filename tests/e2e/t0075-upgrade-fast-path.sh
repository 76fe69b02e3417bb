#!/bin/sh
# The fast path of transaction_per_migration = false (issue 6, upgrade head
# against the floor), on SQLite and PostgreSQL: the steps run with no
# savepoint each unless lock_retries may run one again, and their version
# and history rows are written after the last step, before COMMIT. What
# that must not change: a failure anywhere leaves the database as it was;
# a lock timeout is still retried (the BEGIN IMMEDIATE of the run on
# SQLite too); history ids go 1, 2, 3 ... in the order of the steps, across
# upgrade, downgrade and stamp in either mode; the version rows after
# branches and merges are those of a transaction per revision; odd version
# and history table names; a script that would end the one transaction is
# refused before anything runs; the fault points of such a run; and on
# PostgreSQL one round trip a step (strace), not five.
. "$(dirname "$0")/lib.sh"

sq="'"

rid() {
	printf 'f%011d' "$1"
}

# chain N [BAD]: revisions 1..N, each creating table tI; revision BAD
# (if any) fails on its second statement.
chain() {
	_i=1
	_p=
	while [ "$_i" -le "$1" ]; do
		if [ "$_i" = "${2:-}" ]; then
			write_rev "$(rid "$_i")" "$_p" "step $_i" \
			    "CREATE TABLE t$_i (id INTEGER);
INSERT INTO missing_table VALUES (1);" "DROP TABLE t$_i;"
		else
			write_rev "$(rid "$_i")" "$_p" "step $_i" \
			    "CREATE TABLE t$_i (id INTEGER);" "DROP TABLE t$_i;"
		fi
		_p=$(rid "$_i")
		_i=$((_i + 1))
	done
}

# history [TABLE]: the history rows, id|revision|direction|status, by id.
history() {
	q "SELECT id, revision, direction, status FROM ${1:-migrate_history}
	    ORDER BY id"
}

# ids_in_order [TABLE]: the ids are 1..n with no gap.
ids_in_order() {
	q "SELECT id FROM ${1:-migrate_history} ORDER BY id" >ids.got
	seq 1 "$(wc -l <ids.got)" >ids.want
	cmp -s ids.want ids.got || { echo "history ids:"; cat ids.got; return 1; }
}

# tables: the t% tables there are, sorted.
tables() {
	case $d in
	sqlite)	q "SELECT name FROM sqlite_master WHERE type = 'table' AND
		    name LIKE 't%' ORDER BY name" ;;
	pg)	q "SELECT tablename FROM pg_tables WHERE schemaname = 'public'
		    AND tablename LIKE 't%' ORDER BY tablename" ;;
	esac
}

ONE="transaction_per_migration = false"

for d in sqlite pg; do
	export d

	test_expect_success "$d: one transaction: a step failing at 25 of 30 leaves everything as it was; fixed, the run applies all 30 in order" '
		new_db fail25; write_ini "$ONE"
		chain 30 25
		run_migrate 0 upgrade +2
		run_migrate 1 upgrade head
		expect_grep "$(rid 25)_rev.sql:9: " err
		expect_rows "$(rid 2)"
		is "$(tables | tr "\n" " ")" "t1 t2 "
		is "$(history | tr "\n" " ")" "1|$(rid 1)|upgrade|ok 2|$(rid 2)|upgrade|ok "
		chain 30
		run_migrate 0 upgrade head
		expect_rows "$(rid 30)"
		is "$(tables | wc -l)" 30
		is "$(q "SELECT count(*) FROM migrate_history")" 30
		ids_in_order
		# id order is step order
		is "$(q "SELECT revision FROM migrate_history ORDER BY id" |
		    sort -c && echo sorted)" sorted
		is "$(q "SELECT count(*) FROM migrate_history WHERE
		    statements = 1 AND checksum IS NOT NULL AND
		    started_at <= finished_at AND duration_ms >= 0")" 30
	'

	test_expect_success "$d: history ids follow on across both modes, upgrade, downgrade and stamp" '
		new_db ids; write_ini
		chain 8
		run_migrate 0 upgrade +3
		write_ini "$ONE"
		run_migrate 0 upgrade +3
		run_migrate 0 downgrade -2
		write_ini
		run_migrate 0 downgrade -1
		write_ini "$ONE"
		# the schema of 5, for the downgrade below
		q "CREATE TABLE t4 (id INTEGER)"
		q "CREATE TABLE t5 (id INTEGER)"
		run_migrate 0 stamp $(rid 5)
		run_migrate 0 upgrade head
		run_migrate 0 downgrade base
		ids_in_order
		q "SELECT revision || $sq $sq || direction FROM migrate_history
		    ORDER BY id" | sed "s/^f0*//" | tr "\n" "," >seq.got
		is "$(cat seq.got)" "1 upgrade,2 upgrade,3 upgrade,4 upgrade,5 upgrade,6 upgrade,6 downgrade,5 downgrade,4 downgrade,3 unstamp,5 stamp,6 upgrade,7 upgrade,8 upgrade,8 downgrade,7 downgrade,6 downgrade,5 downgrade,4 downgrade,3 downgrade,2 downgrade,1 downgrade,"
		expect_rows ""
	'

	test_expect_success "$d: branches and merges: the version rows of one transaction are those of a transaction each" '
		A=aa0000000001 B1=bb1000000001 B2=bb2000000002 M=ee0000000003
		write_rev $A "" "create ta" "CREATE TABLE ta (id INTEGER);" \
		    "DROP TABLE ta;"
		write_rev $B1 $A "create tb1" "CREATE TABLE tb1 (id INTEGER);" \
		    "DROP TABLE tb1;" "Branch Labels: b1lab"
		write_rev $B2 $A "create tb2" "CREATE TABLE tb2 (id INTEGER);" \
		    "DROP TABLE tb2;" "Branch Labels: b2lab"
		write_rev $M "$B1, $B2" "merge" "CREATE TABLE tm (id INTEGER);" \
		    "DROP TABLE tm;"
		for mode in each one; do
			new_db merge_$mode
			if [ $mode = one ]; then write_ini "$ONE"; else write_ini; fi
			: >rows.$mode
			for cmd in "upgrade b1lab@head" "upgrade heads" \
			    "upgrade head" "downgrade $A" "upgrade head" \
			    "downgrade $B2" "downgrade base" \
			    "upgrade b2lab@head" "upgrade head"; do
				# shellcheck disable=SC2086
				run_migrate 0 $cmd
				echo "$cmd: $(q "SELECT version_num FROM
				    migrate_version ORDER BY 1" | tr "\n" " ")" \
				    >>rows.$mode
			done
			history >hist.$mode
		done
		cat rows.one
		cmp rows.each rows.one
		cmp hist.each hist.one
		expect_rows "$M"
	'

	test_expect_success "$d: one transaction, odd version and history table names" '
		new_db names
		vt="ver ${sq}\$1" ht="hist\$2\"x"
		qvt="\"ver ${sq}\$1\"" qht="\"hist\$2\"\"x\""
		if [ $d = pg ]; then
			q "CREATE SCHEMA \"m${sq}s\" AUTHORIZATION migrate" >/dev/null
			schema="m${sq}s"
			qs="\"m${sq}s\"."
		else
			schema=main qs="main."
		fi
		write_ini "$ONE" "version_table = $vt" "history_table = $ht" \
		    "version_table_schema = $schema"
		chain 5
		run_migrate 0 upgrade +2
		run_migrate 0 upgrade head
		run_migrate 0 downgrade -1
		run_migrate 0 current
		expect_text "$(rid 4)" out
		run_migrate 0 stamp head
		expect_rows "$(rid 5)" "$qs$qvt"
		ids_in_order "$qs$qht"
		is "$(q "SELECT revision, direction FROM $qs$qht ORDER BY id" |
		    tr "\n" " ")" "$(rid 1)|upgrade $(rid 2)|upgrade $(rid 3)|upgrade $(rid 4)|upgrade $(rid 5)|upgrade $(rid 5)|downgrade $(rid 4)|unstamp $(rid 5)|stamp "
		expect_tables "" "migrate_version migrate_history"
	'

	test_expect_success "$d: one transaction: a script that would end it is refused before anything runs" '
		new_db ends; write_ini "$ONE"
		chain 2
		write_rev $(rid 3) $(rid 2) "commits" "CREATE TABLE t3 (id INTEGER);
INSERT INTO t3 VALUES (1);
/* done */ commit;
CREATE TABLE t3b (id INTEGER);" "DROP TABLE t3b; DROP TABLE t3;"
		run_migrate 1 upgrade head
		expect_grep "$(rid 3)_rev.sql:10: revision $(rid 3) ends the transaction it runs in" err
		expect_rows ""
		is "$(tables | wc -l)" 0
		is "$(q "SELECT count(*) FROM migrate_history")" 0
		for end in "END" "ROLLBACK" "rollback work" "ABORT"; do
			[ $d = sqlite ] && [ "$end" = ABORT ] && continue
			write_rev $(rid 3) $(rid 2) "ends" "CREATE TABLE t3 (id INTEGER);
$end;" "DROP TABLE t3;"
			run_migrate 1 upgrade head
			expect_grep "ends the transaction it runs in" err
			expect_rows ""
		done
		# a savepoint of its own is the script'"'"'s business
		write_rev $(rid 3) $(rid 2) "savepoint" "SAVEPOINT s1;
CREATE TABLE t3x (id INTEGER);
ROLLBACK TO SAVEPOINT s1;
ROLLBACK TRANSACTION TO s1;
RELEASE SAVEPOINT s1;
CREATE TABLE t3 (id INTEGER);" "DROP TABLE t3;"
		run_migrate 0 upgrade head
		expect_rows "$(rid 3)"
		is "$(tables | tr "\n" " ")" "t1 t2 t3 "
		# a transaction of its own: nothing to refuse
		write_ini
		write_rev $(rid 4) $(rid 3) "t4" "CREATE TABLE t4 (id INTEGER);" \
		    "DROP TABLE t4;"
		run_migrate 0 upgrade head
	'

	test_expect_timed "$d: one transaction with lock_retries: a lock timeout is retried" '
		trap stop_holder EXIT
		new_db retry; write_ini "$ONE" "lock_timeout = 200" "lock_retries = 5"
		write_rev $(rid 1) "" "t1" "CREATE TABLE t1 (id INTEGER);" \
		    "DROP TABLE t1;"
		run_migrate 0 upgrade head
		write_rev $(rid 2) $(rid 1) "t2" "CREATE TABLE t2 (id INTEGER);" \
		    "DROP TABLE t2;"
		write_rev $(rid 3) $(rid 2) "alter t1" \
		    "ALTER TABLE t1 ADD COLUMN c INTEGER;" \
		    "ALTER TABLE t1 DROP COLUMN c;"
		hold_lock 1
		run_migrate 0 upgrade head
		stop_holder
		# SQLite: the BEGIN IMMEDIATE of the run; PostgreSQL: the ALTER
		if [ $d = sqlite ]; then r=2; else r=3; fi
		expect_grep "$(rid $r): lock_timeout, retry 1 of 5" err
		expect_rows "$(rid 3)"
		is "$(history | tr "\n" " ")" "1|$(rid 1)|upgrade|ok 2|$(rid 2)|upgrade|ok 3|$(rid 3)|upgrade|ok "
	'

	test_expect_timed "$d: one transaction without lock_retries: a lock timeout fails it whole" '
		trap stop_holder EXIT
		new_db noretry; write_ini "$ONE" "lock_timeout = 200"
		write_rev $(rid 1) "" "t1" "CREATE TABLE t1 (id INTEGER);" \
		    "DROP TABLE t1;"
		run_migrate 0 upgrade head
		write_rev $(rid 2) $(rid 1) "t2" "CREATE TABLE t2 (id INTEGER);" \
		    "DROP TABLE t2;"
		write_rev $(rid 3) $(rid 2) "alter t1" \
		    "ALTER TABLE t1 ADD COLUMN c INTEGER;" \
		    "ALTER TABLE t1 DROP COLUMN c;"
		hold_lock 2
		run_migrate 1 upgrade head
		stop_holder
		! grep -F "lock_timeout, retry" err || false
		expect_rows "$(rid 1)"
		expect_tables "t1" "t2"
		is "$(history | tr "\n" " ")" "1|$(rid 1)|upgrade|ok "
	'
done

faults_build
for d in sqlite pg; do
	export d
	test_expect_success "$d: the fault points of a run in one transaction: statements, then each step's rows; no commit a step" '
		new_db trace; write_ini "$ONE"
		chain 2
		write_rev $(rid 3) $(rid 2) "two" "CREATE TABLE t3 (id INTEGER);
CREATE TABLE t3b (id INTEGER);" "DROP TABLE t3b; DROP TABLE t3;"
		MIGRATE_FAULT_TRACE=1 "$FAULTS" -q upgrade head 2>err
		grep "^fault point" err | sed "s/^fault point [0-9]*: //" >points
		printf "%s\n" "create-version-table - 1/2" \
		    "create-history-table - 2/2" "commit-tables - 0/0" \
		    "statement $(rid 1) 1/1" "statement $(rid 2) 1/1" \
		    "statement $(rid 3) 1/2" "statement $(rid 3) 2/2" \
		    "version-rows $(rid 1) 0/0" "history-row $(rid 1) 0/0" \
		    "version-rows $(rid 2) 0/0" "history-row $(rid 2) 0/0" \
		    "version-rows $(rid 3) 0/0" "history-row $(rid 3) 0/0" \
		    >points.want
		cmp points.want points
		# killed at the last point, inside the transaction: nothing
		rc=0
		new_db trace2
		write_ini "$ONE"
		MIGRATE_FAULT_KILL_AT=13 "$FAULTS" -q upgrade head 2>err || rc=$?
		is $rc 137
		expect_rows ""
		is "$(tables | wc -l)" 0
	'
done

d=pg
export d
# Alembic users end the transaction first to build an index
# concurrently: the BEGIN sent with that COMMIT is ended by it, and the
# step still runs and records as it did with a BEGIN of its own
test_expect_success "pg: a transactional script that starts with COMMIT still runs and records" '
	new_db commitfirst; write_ini
	write_rev $(rid 1) "" "escape" "COMMIT;
CREATE TABLE t1 (id INTEGER);
CREATE INDEX CONCURRENTLY t1_id ON t1 (id);" "DROP TABLE t1;"
	write_rev $(rid 2) $(rid 1) "next" "CREATE TABLE t2 (id INTEGER);" \
	    "DROP TABLE t2;"
	run_migrate 0 upgrade head
	expect_rows "$(rid 2)"
	is "$(q "SELECT count(*) FROM migrate_history")" 2
	is "$(q "SELECT count(*) FROM pg_indexes WHERE indexname = '"'"'t1_id'"'"'")" 1
'
# libpq writes a query with one send(); connecting and the lock are the
# same for any number of revisions. (LeakSanitizer cannot run under
# ptrace: off for these runs of an ASan build.)
pg_sends() {
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	    strace -f -qq -e trace=sendto -o strace.out "$MIGRATE" -q "$@" &&
	    grep -c "sendto(" strace.out
}
if strace -qq -e trace=sendto -o /dev/null true 2>/dev/null; then
	test_expect_success "pg: one transaction: one round trip a step, and one for all their rows" '
		new_db rt1; write_ini "$ONE"
		chain 1
		n1=$(pg_sends upgrade head)
		new_db rt41; write_ini "$ONE"
		chain 41
		n41=$(pg_sends upgrade head)
		echo "sends: 1 step $n1, 41 steps $n41"
		# 40 more steps: 40 statements (five round trips a step before)
		test $((n41 - n1)) -le 42
	'
	test_expect_success "pg: a transaction a step: two round trips a step (BEGIN with its statement, its rows with COMMIT)" '
		new_db rte1; write_ini
		chain 1
		n1=$(pg_sends upgrade head)
		new_db rte41; write_ini
		chain 41
		n41=$(pg_sends upgrade head)
		echo "sends: 1 step $n1, 41 steps $n41"
		# four a step before: BEGIN, the statement, the rows, COMMIT
		test $((n41 - n1)) -le 82
		# and each step is there, with its history row
		is "$(q "SELECT count(*) FROM migrate_history")" 41
		expect_rows "$(rid 41)"
	'
else
	test_expect_success "pg: one transaction: one round trip a step # skip: no strace" ':'
fi

test_done
