#!/bin/sh
# Kill tests (issue 7 point 1), on SQLite and PostgreSQL: a 50-revision
# upgrade (one to four statements a revision, every seventh
# 'Transactional: no') killed with SIGKILL at the fault points of a test
# build (src/version.c, MIGRATE_FAULT_KILL_AT: after each statement of a
# script, after a step's version rows, after its history row, after each
# commit) and, timed, in the middle of a long statement. After each kill
# `migrate current` names a revision that exists, the schema and rows (as
# the database's catalog shows them) are that revision's, as sqlite3 or
# psql built them from the same SQL, migrate_history agrees, and the next
# run carries on; the last leaves every revision applied exactly once.
#
# The kills go one after another on one database: each run is killed at
# its Kth fault point, K = 1, 2, ... until the kill lands after a commit,
# then K = 1 again from the next revision. So on SQLite every fault point
# of every revision is hit once; on PostgreSQL each revision's commit and
# one point inside it (see sample_for). A full rerun of `upgrade head`
# from a copy of the killed database is checked every RERUN_EVERY kills.
# The counts are printed at the end as TAP comments.
#
# Build of the test binary (done here when missing or out of date):
#   make O=build-faults CFLAGS='-O2 -g -DMIGRATE_FAULT_HOOKS' build-faults/migrate
#
# Cases marked "# DEFECT: ..." (test_expect_failure, known breakages)
# expect what is right, not what the binary
# does today; each is a known failure until src/ is fixed.
. "$(dirname "$0")/lib.sh"

faults_build

N=50
# On PostgreSQL, where a kill and its checks take ~150 ms, each revision
# is killed at its commit and at one point inside it (statement 1, 2 ...,
# version rows, history row, in turn from one revision to the next), and
# a full rerun is checked after every 25th kill (SQLite: every fault
# point, a rerun every 20th). MIGRATE_FAULTS_ALL=1 kills PostgreSQL at
# every point too. Under valgrind both sample, and rerun only at the end.
sample_for() {
	SAMPLE=
	RERUN_EVERY=20
	if [ -n "${VALGRIND:-}" ]; then
		SAMPLE=1
		RERUN_EVERY=1000
	elif [ "$1" = pg ] && [ -z "${MIGRATE_FAULTS_ALL:-}" ]; then
		SAMPLE=1
		RERUN_EVERY=25
	fi
}

# migrate through valgrind when the suite runs under it, but for the
# killed runs (the fault build dies by SIGKILL) and the current after
# each kill (hundreds)
mig() {
	# shellcheck disable=SC2086
	${VALGRIND:-} "$MIGRATE" "$@"
}

rid() {
	printf 'k%011d' "$1"
}
rev_num() {
	echo "${1#k}" | sed 's/^0*//'
}
notx() {
	[ $(($1 % 7)) -eq 0 ]
}

# rev_up I: the upgrade statements of revision I, one a line (dialect
# $d: CREATE INDEX CONCURRENTLY in the 'Transactional: no' ones on PG).
# Each appends its name to table log, which shows a statement run twice.
rev_up() {
	if [ "$1" = 1 ]; then
		echo "CREATE TABLE log (note VARCHAR(20) NOT NULL);"
		echo "INSERT INTO log VALUES ('r1');"
		return
	fi
	if notx "$1"; then
		echo "INSERT INTO log VALUES ('r$1');"
		echo "CREATE TABLE t$1 (id INTEGER PRIMARY KEY, v TEXT);"
		if [ "$d" = pg ]; then
			echo "CREATE INDEX CONCURRENTLY ix$1 ON t$1 (v);"
		else
			echo "CREATE INDEX ix$1 ON t$1 (v);"
		fi
		return
	fi
	case $(($1 % 4)) in
	0)	echo "CREATE TABLE t$1 (id INTEGER PRIMARY KEY, v TEXT);" ;;
	1)	echo "CREATE TABLE t$1 (id INTEGER PRIMARY KEY, v TEXT);"
		echo "INSERT INTO log VALUES ('r$1');" ;;
	2)	echo "CREATE TABLE t$1 (id INTEGER PRIMARY KEY, v TEXT);"
		echo "CREATE INDEX ix$1 ON t$1 (v);"
		echo "INSERT INTO log VALUES ('r$1');" ;;
	3)	echo "ALTER TABLE t$(($1 - 1)) ADD COLUMN c$1 INTEGER;"
		echo "CREATE TABLE t$1 (id INTEGER PRIMARY KEY, v TEXT NOT NULL DEFAULT 'x');"
		echo "INSERT INTO t$1 (id) VALUES (1);"
		echo "INSERT INTO log VALUES ('r$1');" ;;
	esac
}
rev_down() {
	if [ "$1" = 1 ]; then
		echo "DROP TABLE log;"
		return
	fi
	echo "DELETE FROM log WHERE note = 'r$1';"
	echo "DROP TABLE t$1;"
	if ! notx "$1" && [ $(($1 % 4)) = 3 ]; then
		echo "ALTER TABLE t$(($1 - 1)) DROP COLUMN c$1;"
	fi
}
nst() {
	rev_up "$1" | wc -l
}

# chain50: revisions 1..N of dialect $d in migrations/versions.
chain50() {
	i=1
	parent=
	while [ $i -le $N ]; do
		if notx $i; then
			write_rev "$(rid $i)" "$parent" "rev $i" "$(rev_up $i)" \
			    "$(rev_down $i)" "Transactional: no"
		else
			write_rev "$(rid $i)" "$parent" "rev $i" "$(rev_up $i)" \
			    "$(rev_down $i)"
		fi
		parent=$(rid $i)
		i=$((i + 1))
	done
}

# The schema and rows of a database, as its catalog shows them (what
# does not exist yet prints nothing); then its version and history rows.
sig_sql() {
	case $d in
	sqlite) cat <<-'EOF'
	SELECT type || ' ' || name || ': ' || sql FROM sqlite_master WHERE name NOT LIKE 'migrate%' AND name NOT LIKE 'sqlite%' ORDER BY type, name;
	SELECT 'log ' || coalesce(group_concat(note, ','), '') FROM (SELECT note FROM log ORDER BY note);
	EOF
	;;
	pg) cat <<-'EOF'
	SELECT 'table ' || c.relname || ' (' || string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END || coalesce(' default ' || pg_get_expr(ad.adbin, ad.adrelid), ''), ', ' ORDER BY a.attnum) || ')' FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname NOT LIKE 'migrate%' GROUP BY c.relname ORDER BY 1;
	SELECT 'index ' || pg_get_indexdef(i.indexrelid) || CASE WHEN i.indisvalid THEN '' ELSE ' INVALID' END FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relname NOT LIKE 'migrate%' ORDER BY 1;
	SELECT 'constraint ' || conrelid::regclass::text || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT LIKE 'migrate%' ORDER BY 1;
	SELECT 'log ' || coalesce(string_agg(note, ',' ORDER BY note), '') FROM log;
	EOF
	;;
	esac
}
book_sql() {
	echo "SELECT 'version ' || version_num FROM migrate_version ORDER BY 1;"
	echo "SELECT 'history ' || revision || ' ' || direction || ' ' || status FROM migrate_history ORDER BY id;"
}

# state DB: sig_sql and book_sql on DB.
state() {
	case $d in
	sqlite)	{ sig_sql; book_sql; } | sqlite3 "$1" 2>/dev/null || : ;;
	pg)	{ sig_sql; book_sql; } | psql -X -At -q -d "$1" 2>/dev/null || : ;;
	esac
}

# make_refs: ref/I, the state of a database at revision I (0..N), built by
# sqlite3 or psql running the same statements (one session).
make_refs() {
	mkdir -p ref
	case $d in
	sqlite)	rm -f ref.db; refdb=ref.db ;;
	pg)	refdb=t71_ref_$d; pg_newdb $refdb >/dev/null ;;
	esac
	i=0
	while [ $i -le $N ]; do
		[ $i -gt 0 ] && rev_up $i
		case $d in
		sqlite)	echo ".print ==== $i" ;;
		pg)	printf '\\echo ==== %s\n' $i ;;
		esac
		sig_sql
		i=$((i + 1))
	done >ref.sql
	case $d in
	sqlite)	sqlite3 $refdb <ref.sql >ref.out 2>ref.err || : ;;
	pg)	psql -X -At -q -d $refdb -f ref.sql >ref.out 2>ref.err ;;
	esac
	# (at 0, the query of table log fails: no such table)
	awk '/^==== / { f = "ref/" $2; printf "" >f; next } { print >f }' ref.out
	if ! grep -q "^log r1,r" ref/$N; then
		cat ref.err
		return 1
	fi
}

# want_state I: what state prints at revision I after upgrades only.
want_state() {
	cat ref/"$1"
	[ "$1" -gt 0 ] && echo "version $(rid "$1")"
	_j=1
	while [ $_j -le "$1" ]; do
		echo "history $(rid $_j) upgrade ok"
		_j=$((_j + 1))
	done
}

# check_at I WHAT: after WHAT, current names revision I (nothing at
# base) and state is want_state I.
check_at() {
	if ! "$MIGRATE" current >cur.out 2>cur.err; then
		echo "after $2: current failed:"
		cat cur.err
		return 1
	fi
	_want=
	[ "$1" -gt 0 ] && _want=$(rid "$1")
	if [ "$(head -n 1 cur.out | cut -d" " -f1)" != "$_want" ] ||
	    [ "$(wc -l <cur.out)" -gt 1 ]; then
		echo "after $2: current says '$(cat cur.out)', wanted '$_want'"
		return 1
	fi
	state "$db" >state.got
	want_state "$1" >state.want
	if ! cmp -s state.want state.got; then
		echo "after $2: the database is not at revision $1:"
		diff -u state.want state.got
		return 1
	fi
}

# copy_db TO: a copy of $db, as it is (with a hot journal, if any), as
# url_copy and db_copy.
copy_db() {
	case $d in
	sqlite)	rm -f "$1.db" "$1.db-journal"
		cp "$db" "$1.db"
		[ ! -e "$db-journal" ] || cp "$db-journal" "$1.db-journal"
		db_copy=$PWD/$1.db
		url_copy=sqlite:///$db_copy ;;
	pg)	db_copy=$1
		psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $1"
		# the killed run's sessions end as soon as they see it gone
		_n=0
		until psql -X -q -d postgres -c "CREATE DATABASE $1 \
		    OWNER migrate TEMPLATE $db" 2>copy.err; do
			_n=$((_n + 1))
			if [ $_n -gt 50 ]; then
				cat copy.err
				return 1
			fi
			sleep 0.05
		done
		url_copy=$(echo "$MIGRATE_TEST_PG_URL" |
		    sed "s,/migrate_test\$,/$1,") ;;
	esac
}

# rerun_from I WHAT: upgrade head on a copy of $db (at revision I) runs
# the rest, once each.
rerun_from() {
	copy_db t71_copy_$d
	if ! mig --url "$url_copy" upgrade head >rerun.out 2>rerun.err; then
		echo "after $2: the rerun of upgrade head failed:"
		cat rerun.err
		return 1
	fi
	if [ "$1" -lt $N ]; then
		_s=$((N - $1))
		[ $_s = 1 ] && _s="1 step" || _s="$_s steps"
		grep -qF "Upgraded: $_s; the database is at $(rid $N)" rerun.err ||
		    { echo "after $2, rerun:"; cat rerun.err; return 1; }
	fi
	state "$db_copy" >state.got
	want_state $N >state.want
	if ! cmp -s state.want state.got; then
		echo "after $2, then a rerun:"
		diff -u state.want state.got
		return 1
	fi
}

# kill_chain: the kills of the header comment, on $db; counts in kills,
# reruns.
kill_chain() {
	k=1
	kills=0
	reruns=0
	while :; do
		rc=0
		MIGRATE_FAULT_KILL_AT=$k MIGRATE_FAULT_TRACE=1 \
		    "$FAULTS" upgrade head >out 2>err || rc=$?
		[ $rc = 0 ] && break
		if [ $rc != 137 ]; then
			echo "upgrade head, killed at fault point $k: exit $rc"
			cat err
			return 1
		fi
		kills=$((kills + 1))
		# shellcheck disable=SC2046
		set -- $(sed -n 's/^fault point \([0-9]*\): \([a-z-]*\) \([^ ]*\) .*/\1 \2 \3/p' err | tail -n 1)
		if [ "${1:-}" != $k ]; then
			echo "killed at fault point ${1:-?}, wanted $k:"
			cat err
			return 1
		fi
		case $2 in
		commit)	at=$(rev_num "$3") ;;
		commit-tables|create-*) at=0 ;;
		*)	at=$(($(rev_num "$3") - 1)) ;;
		esac
		check_at $at "a kill after $2 $3 (fault point $k)"
		if [ $((kills % RERUN_EVERY)) = 0 ]; then
			rerun_from $at "a kill after $2 $3 (fault point $k)"
			reruns=$((reruns + 1))
		fi
		# the next run's point: p is the commit of the revision after
		# at, the last of its points
		_p=$(($(nst $((at + 1))) + 3))
		case $2 in
		create-*)
			k=$((k + 1)) ;;
		commit|commit-tables)
			if [ $at -ge $N ]; then
				k=1
			elif notx $((at + 1)); then
				# into a 'Transactional: no' revision only at
				# its commit: the kills inside one are the case below
				k=$_p
			elif [ -n "$SAMPLE" ]; then
				k=$((1 + (at + 1) % (_p - 1)))
			else
				k=1
			fi ;;
		*)	if [ -n "$SAMPLE" ]; then
				k=$_p
			else
				k=$((k + 1))
			fi ;;
		esac
	done
	grep -qF "Nothing to do: the database is already at $(rid $N)" err
	check_at $N "the last run"
	echo "$kills kills, $reruns reruns"
}

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# newdb NAME: a fresh database of dialect $d as db and url.
newdb() {
	case $d in
	sqlite)	db=$PWD/$1.db; url=sqlite:///$db ;;
	pg)	db=t71_$1_$d; url=$(pg_newdb "$db") ;;
	esac
}

d=sqlite
test_expect_success 'the fault build numbers its fault points: tables, statements, version rows, history row, commit' '
	newdb trace
	write_ini
	chain50
	MIGRATE_FAULT_TRACE=1 "$FAULTS" upgrade head >out 2>err
	grep "^fault point" err >points
	want=3
	i=1
	while [ $i -le $N ]; do
		want=$((want + $(nst $i) + 3))
		i=$((i + 1))
	done
	is "$(wc -l <points)" $want
	is "$(sed -n 1p points)" "fault point 1: create-version-table - 1/2"
	is "$(sed -n 4p points)" "fault point 4: statement $(rid 1) 1/2"
	is "$(sed -n 6,8p points | tr "\n" "|")" "fault point 6: version-rows $(rid 1) 0/0|fault point 7: history-row $(rid 1) 0/0|fault point 8: commit $(rid 1) 0/0|"
	is "$(tail -n 1 points)" "fault point $want: commit $(rid $N) 0/0"
	# the normal build has none
	rm -f "$db"
	MIGRATE_FAULT_TRACE=1 MIGRATE_FAULT_KILL_AT=1 "$MIGRATE" upgrade head 2>err
	! grep -q "^fault point" err || false
'

for d in sqlite pg; do
	export d

	test_expect_success "$d: a 50-revision upgrade killed at every fault point: at a revision each time, the rerun finishes" '
		t0=$(now_ms)
		sample_for $d
		newdb chain
		write_ini
		chain50
		make_refs
		kill_chain
		# exactly once each
		test "$(state "$db" | grep -c "^history .* upgrade ok$")" = $N
		test "$(state "$db" | grep "^history" | sort | uniq -d)" = ""
		echo "$d: $kills kills${SAMPLE:+ (sampled)}, $reruns full reruns, $(($(now_ms) - t0)) ms" >>"$TRASH/figures"
	'

	# Was a defect: a run killed inside a Transactional: no script ran its
	# committed statements again on the rerun (the history row with status
	# partial was written only when a statement failed). Each statement
	# that runs is now recorded at once in the run's partial row; the
	# rerun resumes after it. The killed run's partial row stays in the
	# history (as a failed run's does, t0031): exactly one.
	test_expect_success "$d: killed inside a Transactional: no revision, the rerun resumes; each statement runs once" '
		newdb notx
		write_ini
		chain50
		make_refs
		mig upgrade $(rid 6) 2>/dev/null
		base_db=$db
		failed=
		j=1
		while [ $j -le $(($(nst 7) + 2)) ]; do
			db=$base_db
			copy_db t71_notx_${d}_$j
			db=$db_copy
			rc=0
			MIGRATE_FAULT_KILL_AT=$j MIGRATE_FAULT_TRACE=1 \
			    "$FAULTS" --url "$url_copy" upgrade head >out 2>err || rc=$?
			test $rc = 137
			what=$(grep "^fault point" err | tail -n 1)
			echo "killed: $what"
			mig --url "$url_copy" current >cur.out
			is "$(cat cur.out)" "$(rid 6)"
			if ! mig --url "$url_copy" upgrade head >rerun.out 2>rerun.err; then
				echo "  the rerun failed: $(cat rerun.err | grep -v "^Running")"
				failed="$failed $j"
			else
				state "$db" >state.all
				grep -v "^history $(rid 7) upgrade partial\$" \
				    state.all >state.got || :
				want_state $N >state.want
				if [ "$(grep -c "^history $(rid 7) upgrade partial\$" state.all)" != 1 ]; then
					echo "  not one partial history row:"
					grep "partial" state.all || :
					failed="$failed $j"
				elif ! cmp -s state.want state.got; then
					echo "  the rerun exits 0, but:"
					diff -u state.want state.got | grep "^[-+][^-+]" || :
					failed="$failed $j"
				fi
			fi
			j=$((j + 1))
		done
		test -z "$failed"
	'

	test_expect_timed "$d: killed in the middle of a long statement, the step is not there; the rerun runs it once" '
		newdb long
		write_ini
		write_rev k00000000001 "" "big" "CREATE TABLE big (x INTEGER);" "DROP TABLE big;"
		if [ $d = pg ]; then
			long="INSERT INTO big SELECT g FROM generate_series(1, 300) g, LATERAL pg_sleep(0.005 + 0 * g);"
		else
			long="INSERT INTO big WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT x FROM c;"
		fi
		write_rev k00000000002 k00000000001 "fill" "CREATE TABLE filled (id INTEGER);
$long
INSERT INTO filled VALUES (1);" "DROP TABLE filled; DELETE FROM big;"
		write_rev k00000000003 k00000000002 "after" "CREATE TABLE after3 (id INTEGER);" "DROP TABLE after3;"
		MIGRATE_FAULT_TRACE=1 "$FAULTS" upgrade head >out 2>err &
		victim=$!
		n=0
		until grep -q "statement k00000000002 1/3" err; do
			n=$((n + 1)); test $n -lt 100; sleep 0.05
		done
		sleep 0.3
		# still in the long statement
		! grep -q "statement k00000000002 2/3" err || false
		kill -9 $victim
		rc=0; wait $victim || rc=$?
		test $rc = 137
		run_migrate 0 current
		is "$(cat out)" k00000000001
		expect_tables "big" "filled after3"
		is "$(q "SELECT count(*) FROM big")" 0
		is "$(q "SELECT count(*) FROM migrate_history")" 1
		run_migrate 0 upgrade head
		expect_grep "Upgraded: 2 steps; the database is at k00000000003" err
		if [ $d = pg ]; then want=300; else want=3000000; fi
		is "$(q "SELECT count(*), count(DISTINCT x) FROM big")" "$want|$want"
		is "$(q "SELECT count(*) FROM filled")" 1
		is "$(q "SELECT revision FROM migrate_history WHERE status = '"'"'ok'"'"' ORDER BY id" | tr "\n" " ")" "k00000000001 k00000000002 k00000000003 "
	'

	test_expect_success "$d: transaction_per_migration = false: killed anywhere, nothing of the run is there" '
		newdb onetx
		write_ini "transaction_per_migration = false"
		N=12
		i=1; parent=
		while [ $i -le $N ]; do
			notx $i && i=$((i + 1)) && continue
			write_rev "$(rid $i)" "$parent" "rev $i" "$(rev_up $i)" "$(rev_down $i)"
			parent=$(rid $i)
			i=$((i + 1))
		done
		# (no revision 7, which is Transactional: no: 6 -> 8)
		N=2
		make_refs
		mig upgrade $(rid 2) 2>/dev/null
		# the fault points of the run from revision 2, on a copy
		copy_db t71_onetx_trace
		MIGRATE_FAULT_TRACE=1 "$FAULTS" --url "$url_copy" upgrade head 2>err >/dev/null
		total=$(grep -c "^fault point" err)
		test $total -gt 30
		k=1
		while [ $k -le $total ]; do
			rc=0
			MIGRATE_FAULT_KILL_AT=$k "$FAULTS" upgrade head >out 2>err || rc=$?
			test $rc = 137
			check_at 2 "a kill at fault point $k"
			k=$((k + 2))
		done
		run_migrate 0 upgrade head
		is "$(q "SELECT count(*), count(DISTINCT revision) FROM migrate_history WHERE status = '"'"'ok'"'"'")" "11|11"
		is "$(q "SELECT count(*), count(DISTINCT note) FROM log")" "8|8"
	'
done

# the figures, as TAP comments
[ ! -s "$TRASH/figures" ] || sed 's/^/# /' "$TRASH/figures"
test_done
