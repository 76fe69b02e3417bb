# Sourced by the autogenerate op tests (t0051, t0056) after lib.sh: the
# oracles (pg_dump, sqlite_master), the rows that must survive, and the
# cycle each op goes through. AG_PREFIX names the test's PostgreSQL
# databases.

# dump DB: pg_dump -s without what differs between two equal databases
# (comments, SET lines, restrict keys, the version and history tables):
# the oracle of t0050.
dump() {
	pg_dump -s -x -O -d "$1" | sed -e '/^--/d' -e '/^SET /d' \
	    -e '/^SELECT pg_catalog/d' -e '/^\\restrict/d' \
	    -e '/^\\unrestrict/d' -e '/^$/d' |
	    awk '/^CREATE TABLE public.migrate_(version|history)/ { skip = 1 }
		skip && /^\);/ { skip = 0; next }
		!skip' | grep -v "migrate_version\|migrate_history" || true
}

# master DB: what SQLite keeps of a schema (sqlite_sequence and the
# autoindexes included), without our tables.
master() {
	sqlite3 -bail "$1" "SELECT type, name, tbl_name, sql FROM sqlite_master
	    WHERE tbl_name NOT LIKE 'migrate_%' ORDER BY 1, 2"
}

# master_fmt DB: master with the formatting a rendered statement may not
# share with the model's text: quotes around plain names, line breaks and
# runs of blanks, blanks inside parentheses. Only for comparing with a
# database built from the model by sqlite3, whose sqlite_master keeps the
# model's text as it was typed; the statements migrate writes are its own
# (quoted names, one line), so the text differs where the schema does not.
master_fmt() {
	sqlite3 -bail "$1" "SELECT type, name, tbl_name,
	    replace(replace(sql, char(10), ' '), char(9), ' ')
	    FROM sqlite_master WHERE tbl_name NOT LIKE 'migrate_%' ORDER BY 1, 2" |
	    sed -E -e 's/"([A-Za-z_][A-Za-z0-9_]*)"/\1/g' -e 's/ +/ /g' \
		-e 's/\( /(/g' -e 's/ \)/)/g'
}

# oracle DB: the structure of database DB of dialect $d.
oracle() {
	case $d in
	sqlite)	master "$1" ;;
	pg)	dump "$1" ;;
	esac
}

# oracle_fmt DB: the oracle for comparing with the reference database
# (see master_fmt).
oracle_fmt() {
	case $d in
	sqlite)	master_fmt "$1" ;;
	pg)	dump "$1" ;;
	esac
}

# pick SQLITE-TEXT PG-TEXT: the one for dialect $d.
pick() {
	case $d in
	sqlite)	printf '%s\n' "$1" ;;
	pg)	printf '%s\n' "$2" ;;
	esac
}

# rows SPEC: the rows of the tables and columns of SPEC ("t:id,a u:id"),
# as text, in rowid order on SQLite (rowid first), by the first column on
# PostgreSQL and for a table written -t (a SQLite table WITHOUT ROWID).
rows() {
	for _s in $1; do
		_t=${_s%%:*} _c=${_s#*:}
		echo "SELECT '== $_t';"
		case $d:$_t in
		sqlite:-*)	echo "SELECT $_c FROM ${_t#-} ORDER BY 1;" ;;
		sqlite:*)	echo "SELECT rowid, $_c FROM $_t ORDER BY rowid;" ;;
		pg:*)	echo "SELECT $_c FROM $_t ORDER BY 1;" ;;
		esac
	done >rows.sql
	case $d in
	sqlite)	sqlite3 -bail "$db" <rows.sql ;;
	pg)	psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" -f rows.sql ;;
	esac
}

# run_sql FILE DB: run the SQL file on database DB of dialect $d.
run_sql() {
	case $d in
	sqlite)	sqlite3 -bail "$2" <"$1" ;;
	pg)	psql -X -q -v ON_ERROR_STOP=1 -d "$2" -f "$1" >/dev/null ;;
	esac
}

# nfiles: how many revision scripts there are.
nfiles() {
	ls migrations/versions | wc -l | tr -d ' '
}

# cycle NAME M0 M1 SEED SPEC: the whole cycle for one op. NAME names the
# PostgreSQL database (${AG_PREFIX}_NAME, AG_PREFIX set by the test); M0 and M1 are the model texts; SEED is
# SQL run after M0 is in place (foreign keys on, on SQLite); SPEC says the
# tables and columns whose rows must survive the upgrade and the downgrade
# (see rows; -TABLE: a table without rowids). $after_up, when set, is evaluated after the upgrade (the
# database at M1), $after_down after the downgrade.
cycle() {
	_name=$1 _m0=$2 _m1=$3 _seed=$4 _spec=$5
	case $d in
	sqlite)	db=$PWD/app.db; url="sqlite:///$db"; ref=$PWD/ref.db ;;
	pg)	db=${AG_PREFIX}_$_name ref=${AG_PREFIX}_ref
		psql -X -q -v ON_ERROR_STOP=1 -d postgres \
		    -c "DROP DATABASE IF EXISTS $db" -c "DROP DATABASE IF EXISTS $ref" \
		    -c "CREATE DATABASE $db OWNER migrate" \
		    -c "CREATE DATABASE $ref OWNER migrate" 2>/dev/null
		url=$(echo "$MIGRATE_TEST_PG_URL" | sed "s,/migrate_test\$,/$db,") ;;
	esac
	mkdir -p migrations/models migrations/versions
	printf '[migrate]\nscript_location = %%(here)s/migrations\nurl = %s\n' \
	    "$(printf '%s' "$url" | sed 's/%/%%/g')" >migrate.ini
	# the reference, built from M1 directly and dumped meanwhile (here and
	# below, what only reads runs beside what comes next, for time)
	printf '%s\n' "$_m1" >m1.sql
	( run_sql m1.sql "$ref" && oracle_fmt "$ref" >want1.txt ) &
	_ref=$!
	# step 1: M0
	printf '%s\n' "$_m0" >migrations/models/m.sql
	run_migrate 0 revision --autogenerate -m m0
	test "$(nfiles)" = 1
	run_migrate 0 upgrade head
	if [ -n "$_seed" ]; then
		case $d in
		sqlite)	printf 'PRAGMA foreign_keys = ON;\n%s\n' "$_seed" |
			    sqlite3 -bail "$db" ;;
		pg)	q "$_seed" >/dev/null ;;
		esac
	fi
	oracle "$db" >s0.txt &
	_job=$!
	rows "$_spec" >rows0.txt
	# step 2: M1
	printf '%s\n' "$_m1" >migrations/models/m.sql
	run_migrate 0 revision --autogenerate -m m1
	cp err m1.err
	test "$(nfiles)" = 2 || {
		echo "autogenerate wrote no revision for M1:"
		cat err
		return 1
	}
	wait $_job
	run_migrate 0 upgrade head
	oracle_fmt "$db" >got1.txt &
	_job=$!
	# (b) nothing left to do
	run_migrate 0 diff
	if [ -s out ]; then
		echo "diff finds changes left:"
		cat out
		return 1
	fi
	run_migrate 0 revision --autogenerate -m again
	expect_text "No changes detected" err
	test "$(nfiles)" = 2
	# (c) the rows survive the upgrade
	rows "$_spec" >rows1.txt
	echo "(c) the rows after the upgrade:"
	diff -u rows0.txt rows1.txt
	# (a) the same as M1 run directly
	wait $_ref
	wait $_job
	echo "(a) the upgraded database against one built from M1:"
	diff -u want1.txt got1.txt
	eval "${after_up:-:}"
	# (d) back to S0, rows kept
	run_migrate 0 downgrade -1
	oracle "$db" >s0back.txt &
	_job=$!
	rows "$_spec" >rows2.txt
	echo "(d) the rows after the downgrade:"
	diff -u rows0.txt rows2.txt
	wait $_job
	echo "(d) the downgraded database against S0:"
	diff -u s0.txt s0back.txt
	eval "${after_down:-:}"
}

# probe SQL: run SQL (statements) in a transaction that is rolled back,
# printing what its queries return (foreign keys on, on SQLite).
probe() {
	case $d in
	sqlite)	printf 'PRAGMA foreign_keys = ON;\nBEGIN;\n%s\nROLLBACK;\n' "$1" |
		    sqlite3 -bail "$db" ;;
	pg)	printf 'BEGIN;\n%s\nROLLBACK;\n' "$1" |
		    psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" ;;
	esac
}

# m1_rev: the revision script of M1.
m1_rev() {
	ls migrations/versions/*_m1.sql
}
