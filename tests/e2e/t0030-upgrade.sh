#!/bin/sh
# upgrade, downgrade, current and stamp online (issue 3 points 5, 6, 10), on
# SQLite and PostgreSQL: the version table holds exactly the rows Alembic's
# alembic_version holds across linear chains, branches, merges and
# depends_on; migrate_history gets one row per step (checksum, times, tool
# version) and is never rewritten; progress lines on stderr, -q silences
# them; custom version/history table names; an unknown version row fails.
. "$(dirname "$0")/lib.sh"

sq="'"

hist_count() {
	q "SELECT count(*) FROM ${1:-migrate_history}"
}

# sha256 of a part of a script file (up or down): the lines between the
# part's marker and the next marker or the end, as src/script.c cuts it.
part_sum() {
	awk -v want="-- migrate:$2" '
		/^-- migrate:(upgrade|downgrade)[ \t\r]*$/ {
			on = (substr($0, 1, length(want)) == want); next }
		on { print }' "$1" | tr -d '\r' | sha256sum | cut -d" " -f1
}

# Progress lines with their times replaced by N.
progress() {
	sed 's/ ([0-9][0-9]*ms)$/ (N ms)/; s/ ([0-9][0-9]* ms)$/ (N ms)/' err
}

tool_version=$("$MIGRATE" --version | sed 's/^migrate //')

# A linear chain of three revisions.
R1=a1b2c3d4e5f6
R2=2b3c4d5e6f70
R3=3c4d5e6f7081
chain3() {
	write_rev $R1 "" "create t1" "CREATE TABLE t1 (id INTEGER);" \
	    "DROP TABLE t1;"
	write_rev $R2 $R1 "create t2" "CREATE TABLE t2 (id INTEGER);
INSERT INTO t2 VALUES (1);" "DROP TABLE t2;"
	write_rev $R3 $R2 "create t3" "CREATE TABLE t3 (id INTEGER);" \
	    "DROP TABLE t3;"
}

# check_history_row N REV DIRECTION PART: row N (by id) of the history.
check_history_row() {
	row=$(q "SELECT revision, direction, status, checksum, started_at,
	    finished_at, duration_ms, tool_version FROM migrate_history
	    ORDER BY id LIMIT 1 OFFSET $(($1 - 1))")
	IFS='|' read -r h_rev h_dir h_st h_sum h_start h_fin h_dur h_tool <<EOF
$row
EOF
	test "$h_rev" = "$2" || { echo "row $1: revision $h_rev, want $2"; return 1; }
	test "$h_dir" = "$3" || { echo "row $1: direction $h_dir, want $3"; return 1; }
	test "$h_st" = ok || { echo "row $1: status $h_st"; return 1; }
	want=$(part_sum "migrations/versions/$2_rev.sql" "$3")
	test "$h_sum" = "$want" ||
	    { echo "row $1: checksum $h_sum, want $want"; return 1; }
	for ts in "$h_start" "$h_fin"; do
		echo "$ts" | grep -Eq \
'^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|\+00:00)$' ||
		    { echo "row $1: time '$ts' is not ISO-8601 UTC"; return 1; }
	done
	# the same format sorts as time
	test "$(printf '%s\n%s\n' "$h_fin" "$h_start" | sort | head -1)" = \
	    "$h_start" || { echo "row $1: finished before started"; return 1; }
	test "$h_dur" -ge 0 || { echo "row $1: duration $h_dur"; return 1; }
	test "$h_tool" = "$tool_version" ||
	    { echo "row $1: tool_version $h_tool, want $tool_version"; return 1; }
}

# A branched graph: A; A -> B1 (b1lab), A -> B2 (b2lab); M merges them
# (written by merge_rev, so a test can start with two heads).
A=aa0000000001
B1=bb1000000001
B2=bb2000000002
M=ee0000000003
branches() {
	write_rev $A "" "create ta" "CREATE TABLE ta (id INTEGER);" \
	    "DROP TABLE ta;"
	write_rev $B1 $A "create tb1" "CREATE TABLE tb1 (id INTEGER);" \
	    "DROP TABLE tb1;" "Branch Labels: b1lab"
	write_rev $B2 $A "create tb2" "CREATE TABLE tb2 (id INTEGER);" \
	    "DROP TABLE tb2;" "Branch Labels: b2lab"
}
merge_rev() {
	write_rev $M "$B1, $B2" "merge b1 and b2" \
	    "CREATE TABLE tm (id INTEGER);" "DROP TABLE tm;"
}

# Two bases: xlab X1 -> X2, ylab Y1 -> Y2; X2 depends on Y1.
X1=dd0000000001
X2=dd0000000002
Y1=cc0000000001
Y2=cc0000000002
deps() {
	write_rev $X1 "" "create tx1" "CREATE TABLE tx1 (id INTEGER);" \
	    "DROP TABLE tx1;" "Branch Labels: xlab"
	write_rev $X2 $X1 "create tx2" \
	    "CREATE TABLE tx2 (id INTEGER REFERENCES ty1 (id));" \
	    "DROP TABLE tx2;" "Depends On: $Y1"
	write_rev $Y1 "" "create ty1" "CREATE TABLE ty1 (id INTEGER PRIMARY KEY);" \
	    "DROP TABLE ty1;" "Branch Labels: ylab"
	write_rev $Y2 $Y1 "create ty2" "CREATE TABLE ty2 (id INTEGER);" \
	    "DROP TABLE ty2;"
}

# The newest history row: revision|direction.
last_hist() {
	q "SELECT revision, direction FROM ${1:-migrate_history}
	    ORDER BY id DESC LIMIT 1"
}

for d in sqlite pg; do

	test_expect_success "$d: upgrade head runs a chain; version, current, history" '
		new_db chain; write_ini; chain3
		run_migrate 0 upgrade head
		test ! -s out
		progress >p
		expect_text "Running upgrade  -> $R1, create t1 (N ms)
Running upgrade $R1 -> $R2, create t2 (N ms)
Running upgrade $R2 -> $R3, create t3 (N ms)
Upgraded: 3 steps; the database is at $R3" p
		expect_tables "t1 t2 t3"
		test "$(q "SELECT id FROM t2")" = 1
		expect_rows "$R3"
		run_migrate 0 current
		expect_text "$R3 (head)" out
		test "$(hist_count)" = 3
		check_history_row 1 $R1 upgrade
		check_history_row 2 $R2 upgrade
		check_history_row 3 $R3 upgrade
		# the checksum is the SHA-256 of the upgrade part as written
		test "$(q "SELECT checksum FROM migrate_history WHERE
		    revision = ${sq}$R2${sq}")" = \
		    "$(printf "CREATE TABLE t2 (id INTEGER);\nINSERT INTO t2 VALUES (1);\n\n" |
		    sha256sum | cut -d" " -f1)"
	'

	test_expect_success "$d: downgrade -1, base, upgrade +2, id, head; history grows" '
		new_db moves; write_ini; chain3
		run_migrate 0 upgrade head
		q "SELECT * FROM migrate_history ORDER BY id" >h0
		run_migrate 0 downgrade -1
		progress >p
		expect_text "Running downgrade $R3 -> $R2, create t3 (N ms)
Downgraded: 1 step; the database is at $R2" p
		expect_rows "$R2"
		expect_tables "t1 t2" "t3"
		test "$(hist_count)" = 4
		check_history_row 4 $R3 downgrade

		run_migrate 0 downgrade base
		progress >p
		expect_text "Running downgrade $R2 -> $R1, create t2 (N ms)
Running downgrade $R1 -> , create t1 (N ms)
Downgraded: 2 steps; the database is at <base>" p
		expect_rows ""
		expect_tables "" "t1 t2 t3"
		run_migrate 0 current
		test ! -s out
		test "$(hist_count)" = 6
		check_history_row 5 $R2 downgrade
		check_history_row 6 $R1 downgrade

		run_migrate 0 upgrade +2
		expect_rows "$R2"
		expect_tables "t1 t2" "t3"
		test "$(hist_count)" = 8
		check_history_row 7 $R1 upgrade
		check_history_row 8 $R2 upgrade

		run_migrate 0 upgrade $R3
		expect_rows "$R3"
		expect_tables "t1 t2 t3"
		test "$(hist_count)" = 9

		run_migrate 0 upgrade head
		expect_text "Nothing to do: the database is already at $R3" err
		test ! -s out
		expect_rows "$R3"
		test "$(hist_count)" = 9

		# by an id prefix, down then up again
		run_migrate 0 downgrade 2b3c
		expect_rows "$R2"
		run_migrate 0 upgrade 3c4d
		expect_rows "$R3"
		test "$(hist_count)" = 11

		# the first rows are never rewritten
		q "SELECT * FROM migrate_history ORDER BY id" | head -3 >h1
		cmp h0 h1
		test "$(q "SELECT count(DISTINCT id) FROM migrate_history")" = 11
	'

	test_expect_success "$d: -q silences the progress lines" '
		new_db quiet; write_ini; chain3
		run_migrate 0 -q upgrade head
		test ! -s out
		test ! -s err
		expect_rows "$R3"
		run_migrate 0 -q downgrade -1
		test ! -s err
		run_migrate 0 -q upgrade head
		test ! -s err
		run_migrate 0 -q upgrade head
		test ! -s err
		run_migrate 0 -q downgrade base
		test ! -s out
		test ! -s err
		expect_rows ""
		test "$(hist_count)" = 8
	'
	test_expect_success "$d: branches: label@head, heads, label@-1, an id" '
		new_db branches; write_ini; branches
		run_migrate 1 upgrade head
		expect_grep "Multiple head revisions are present for given argument ${sq}head${sq}" err
		expect_rows ""
		expect_tables "" "ta tb1 tb2"

		run_migrate 0 upgrade b1lab@head
		progress >p
		expect_text "Running upgrade  -> $A, create ta (N ms)
Running upgrade $A -> $B1, create tb1 (N ms)
Upgraded: 2 steps; the database is at $B1" p
		expect_rows "$B1"
		expect_tables "ta tb1" "tb2"

		run_migrate 0 upgrade heads
		progress >p
		expect_text "Running upgrade $A -> $B2, create tb2 (N ms)
Upgraded: 1 step; the database is at $B1, $B2" p
		expect_rows "$B1 $B2"
		expect_tables "ta tb1 tb2"
		run_migrate 0 current
		# as Alembic: tree indicators, no branch labels
		expect_text "$B1 (head)
$B2 (head)" out
		test "$(hist_count)" = 3

		run_migrate 0 downgrade b2lab@-1
		progress >p
		expect_text "Running downgrade $B2 -> $A, create tb2 (N ms)
Downgraded: 1 step; the database is at $B1" p
		expect_rows "$B1"
		expect_tables "ta tb1" "tb2"
		test "$(last_hist)" = "$B2|downgrade"

		run_migrate 0 upgrade heads
		expect_rows "$B1 $B2"
		# down to the branch point: both branches go, A stays
		run_migrate 0 downgrade $A
		expect_rows "$A"
		expect_tables "ta" "tb1 tb2"
		run_migrate 0 upgrade b2lab@head
		expect_rows "$B2"
		expect_tables "ta tb2" "tb1"
		run_migrate 0 upgrade b1lab@head
		expect_rows "$B1 $B2"
		test "$(hist_count)" = 9
	'

	test_expect_success "$d: merge: upgrade to it, undo it by an explicit target" '
		new_db merge; write_ini; branches
		run_migrate 0 upgrade heads
		expect_rows "$B1 $B2"
		merge_rev
		run_migrate 0 upgrade $M
		progress >p
		expect_text "Running upgrade $B1, $B2 -> $M, merge b1 and b2 (N ms)
Upgraded: 1 step; the database is at $M" p
		expect_rows "$M"
		expect_tables "ta tb1 tb2 tm"
		run_migrate 0 current
		# labels reach the descendants, as in Alembic
		expect_text "$M (head) (mergepoint)" out

		# back below the merge: both branch heads again
		run_migrate 0 downgrade $B1
		progress >p
		expect_text "Running downgrade $M -> $B1, $B2, merge b1 and b2 (N ms)
Downgraded: 1 step; the database is at $B1, $B2" p
		expect_rows "$B1 $B2"
		expect_tables "ta tb1 tb2" "tm"
		test "$(last_hist)" = "$M|downgrade"

		run_migrate 0 upgrade head
		expect_rows "$M"
		run_migrate 0 downgrade base
		expect_rows ""
		expect_tables "" "ta tb1 tb2 tm"
		test "$(q "SELECT count(*) FROM migrate_history
		    WHERE direction = ${sq}downgrade${sq}")" = 5

		# from base, heads is the merge: every revision, one row
		run_migrate 0 upgrade heads
		expect_rows "$M"
		expect_tables "ta tb1 tb2 tm"
		test "$(hist_count)" = 14
		test "$(q "SELECT count(*) FROM migrate_history
		    WHERE direction = ${sq}upgrade${sq} AND status = ${sq}ok${sq}")" = 9
	'

	test_expect_success "$d: depends_on pulls in the other branch, rows as Alembic" '
		new_db deps; write_ini; deps
		run_migrate 0 upgrade xlab@head
		expect_tables "tx1 ty1 tx2" "ty2"
		# Alembic: the dependency is implied by X2, one row
		expect_rows "$X2"
		run_migrate 0 current
		expect_text "$X2 (head)" out
		run_migrate 0 upgrade heads
		expect_tables "tx1 ty1 tx2 ty2"
		expect_rows "$X2 $Y2"
		run_migrate 0 downgrade xlab@-1
		expect_rows "$X1 $Y2"
		expect_tables "tx1 ty1 ty2" "tx2"
		run_migrate 0 upgrade heads
		expect_rows "$X2 $Y2"
		# Y1 stays applied under X2, which implies it: no row of its own
		run_migrate 0 downgrade ylab@-1
		expect_tables "tx1 ty1 tx2" "ty2"
		expect_rows "$X2"
		run_migrate 0 downgrade base
		expect_rows ""
		expect_tables "" "tx1 ty1 tx2 ty2"
	'

	test_expect_success "$d: depends_on: upgrade to an id applies the dependency first" '
		new_db deps2; write_ini; deps
		run_migrate 0 upgrade $X2
		grep "^Running upgrade" err | sed "s/ (.*//" >p
		# Y1 runs before X2 (the table X2 references must exist)
		test "$(grep -n "create ty1" p | cut -d: -f1)" -lt \
		    "$(grep -n "create tx2" p | cut -d: -f1)"
		test "$(wc -l <p)" = 3
		expect_tables "tx1 ty1 tx2" "ty2"
		expect_rows "$X2"
	'

	test_expect_success "$d: stamp head, base, --purge, several; no SQL runs" '
		new_db stamp; write_ini; chain3
		run_migrate 0 stamp head
		expect_text "Stamped the database at $R3" err
		expect_rows "$R3"
		expect_tables "" "t1 t2 t3"
		test "$(hist_count)" = 1
		test "$(last_hist)" = "$R3|stamp"
		run_migrate 0 current
		expect_text "$R3 (head)" out
		run_migrate 0 upgrade head
		expect_grep "Nothing to do" err
		expect_tables "" "t1 t2 t3"

		run_migrate 0 stamp base
		expect_rows ""
		test "$(hist_count)" = 2
		test "$(last_hist | cut -d"|" -f1)" = "$R3"
		last_hist | grep -q "stamp\$"
		expect_tables "" "t1 t2 t3"

		run_migrate 0 stamp $R1
		expect_rows "$R1"
		run_migrate 0 stamp $R2
		expect_rows "$R2"
		test "$(q "SELECT count(*) FROM migrate_history
		    WHERE direction = ${sq}stamp${sq}")" = 3

		# a row no script defines: only --purge gets past it
		q "INSERT INTO migrate_version VALUES (${sq}deadbeef0000${sq})"
		run_migrate 1 stamp $R3
		expect_grep "Can${sq}t locate revision identified by ${sq}deadbeef0000${sq}" err
		expect_rows "$R2 deadbeef0000"
		run_migrate 0 stamp --purge $R1
		expect_rows "$R1"
		expect_tables "" "t1 t2 t3"
		run_migrate 0 upgrade head
		expect_rows "$R3"
		expect_tables "t2 t3" "t1"
	'

	test_expect_success "$d: stamp several revisions on separate branches" '
		new_db stamp2; write_ini; branches
		run_migrate 0 stamp $B1 $B2
		expect_rows "$B1 $B2"
		expect_tables "" "ta tb1 tb2"
		test "$(q "SELECT revision FROM migrate_history
		    WHERE direction = ${sq}stamp${sq} ORDER BY revision")" = \
		    "$(printf "%s\n%s" $B1 $B2)"
		run_migrate 0 stamp b1lab@head
		expect_rows "$B1 $B2"
		run_migrate 0 stamp $A
		expect_rows "$A"
		merge_rev
		run_migrate 0 stamp heads
		expect_rows "$M"
		run_migrate 0 stamp --purge $B2 $B1
		expect_rows "$B1 $B2"
		run_migrate 0 upgrade head
		expect_rows "$M"
		expect_tables "tm" "ta tb1 tb2"
	'

	test_expect_success "$d: version_table, version_table_schema, history_table" '
		new_db names
		if [ $d = pg ]; then
			psql -X -q -v ON_ERROR_STOP=1 -d $db \
			    -c "CREATE SCHEMA meta AUTHORIZATION migrate"
			write_ini "version_table = my_version" \
			    "version_table_schema = meta" \
			    "history_table = my_history"
			vt=meta.my_version ht=meta.my_history
			gone="migrate_version migrate_history my_version my_history"
		else
			write_ini "version_table = my_version" \
			    "history_table = my_history"
			vt=my_version ht=my_history
			gone="migrate_version migrate_history"
		fi
		chain3
		run_migrate 0 upgrade head
		expect_rows "$R3" $vt
		test "$(hist_count $ht)" = 3
		expect_tables "t1 t2 t3" "$gone"
		run_migrate 0 current
		expect_text "$R3 (head)" out
		run_migrate 0 downgrade -1
		expect_rows "$R2" $vt
		test "$(last_hist $ht)" = "$R3|downgrade"
		run_migrate 0 stamp head
		expect_rows "$R3" $vt
		test "$(last_hist $ht)" = "$R3|stamp"
		test "$(q "SELECT count(*) FROM $ht
		    WHERE direction = ${sq}stamp${sq}")" = 1
	'

	test_expect_success "$d: the checksum does not depend on line endings" '
		new_db lf; write_ini; chain3
		run_migrate 0 upgrade head
		q "SELECT revision, checksum FROM migrate_history ORDER BY id" >lf.sums
		for f in migrations/versions/*.sql; do
			sed "s/\$/\r/" "$f" >crlf && mv crlf "$f"
		done
		grep -q "$(printf "\r")" migrations/versions/${R1}_rev.sql
		new_db crlf; write_ini
		run_migrate 0 upgrade head
		test "$(grep -c "$(printf "\r")" err)" = 0
		expect_rows "$R3"
		q "SELECT revision, checksum FROM migrate_history ORDER BY id" >crlf.sums
		test "$(wc -l <crlf.sums)" = 3
		cmp lf.sums crlf.sums
		check_history_row 2 $R2 upgrade
	'

	test_expect_success "$d: a version row no script defines: current and upgrade fail" '
		new_db bogus; write_ini; chain3
		run_migrate 0 upgrade +1
		q "INSERT INTO migrate_version VALUES (${sq}deadbeef0000${sq})"
		run_migrate 1 current
		test ! -s out
		expect_grep "Can${sq}t locate revision identified by ${sq}deadbeef0000${sq}" err
		run_migrate 1 upgrade head
		expect_grep "Can${sq}t locate revision identified by ${sq}deadbeef0000${sq}" err
		run_migrate 1 downgrade base
		expect_grep "Can${sq}t locate revision identified by ${sq}deadbeef0000${sq}" err
		expect_rows "$R1 deadbeef0000"
		expect_tables "t1" "t2 t3"
		test "$(hist_count)" = 1
	'
done

test_done
