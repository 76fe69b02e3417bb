#!/bin/sh
# Issue 3, points 2-4 from the command line: every graph error (duplicate
# ids, a missing parent, a cycle, malformed scripts) is one line on stderr
# naming the file (and line), version_locations and recursion; Alembic's
# revision specs (head, heads, base, prefixes, +N, -N, head-N, id+N,
# label@head, label@base, label@-N, a:b ranges) as seen by heads, history,
# show and upgrade --sql; and errors that leave the database untouched.
. "$(dirname "$0")/lib.sh"

V=migrations/versions
q="'"

# setup [LINE...]: migrate.ini (url from $url, else app.db) plus LINEs.
setup() {
	mkdir -p $V
	{
		echo "[migrate]"
		echo "script_location = %(here)s/migrations"
		echo "url = ${url:-sqlite:///%(here)s/app.db}"
		for l in "$@"; do
			echo "$l"
		done
	} >migrate.ini
}

# rev ID PARENTS [FILE [EXTRA-HEADER-LINE]]: a revision script creating
# table t_ID, in FILE (default $V/ID.sql).
rev() {
	f=${3:-$V/$1.sql}
	mkdir -p "$(dirname "$f")"
	{
		printf -- '-- step %s\n--\n-- Revision ID: %s\n' "$1" "$1"
		printf -- '-- Revises: %s\n' "$2"
		printf -- '-- Create Date: 2026-11-25 10:00:00.000000+00:00\n'
		if [ -n "${4:-}" ]; then
			printf -- '-- %s\n' "$4"
		fi
		printf '\n-- migrate:upgrade\nCREATE TABLE t_%s (id INTEGER);\n' "$1"
		printf '\n-- migrate:downgrade\nDROP TABLE t_%s;\n' "$1"
	} >"$f"
}

# The steps the offline SQL runs, "from>to" comma separated (">A" from base).
steps() {
	sed -nE 's/^-- Running (up|down)grade (.*) -> (.*), step .*/\2>\3/p' out |
	    paste -sd, -
}

# Fail unless the steps are exactly $1.
expect_steps() {
	if [ "$(steps)" != "$1" ]; then
		echo "steps: $(steps)"
		echo "wanted: $1"
		return 1
	fi
}

# The version rows of a database, sorted, comma separated.
rows() {
	case $d in
	sqlite)	sqlite3 app.db "SELECT version_num FROM migrate_version
		    ORDER BY 1" ;;
	pg)	psql -X -At -d "$db" -c "SELECT version_num FROM migrate_version
		    ORDER BY 1" ;;
	esac | paste -sd, -
}

# Everything that records the database's state: rows, history, tables.
db_state() {
	case $d in
	sqlite)	sqlite3 app.db "SELECT version_num FROM migrate_version
		    ORDER BY 1; SELECT count(*) FROM migrate_history;
		    SELECT name FROM sqlite_master ORDER BY 1" ;;
	pg)	psql -X -At -d "$db" -c "SELECT version_num FROM migrate_version
		    ORDER BY 1" -c "SELECT count(*) FROM migrate_history" \
		    -c "SELECT tablename FROM pg_tables
		    WHERE schemaname = 'public' ORDER BY 1" ;;
	esac
}

# A good linear graph a1 <- b2 <- c3 (ids as files a1.sql ...).
linear3() {
	rev a1 ""
	rev b2 a1
	rev c3 b2
}

##
## Point 3: graph errors. migrate heads loads the graph and nothing else.
##

test_expect_success 'a good graph: heads, history and show' '
	setup
	linear3
	run_migrate 0 heads
	expect_text "c3 (head)" out
	run_migrate 0 history
	expect_text "b2 -> c3 (head), step c3
a1 -> b2, step b2
<base> -> a1, step a1" out
	run_migrate 0 show c3
	expect_grep "Rev: c3 (head)" out
	expect_grep "Path: $PWD/$V/c3.sql" out
'

test_expect_success 'duplicate ids in two files: both files named' '
	setup
	linear3
	rev b2 a1 $V/b2_again.sql
	run_migrate 2 heads
	one_line
	test ! -s out
	expect_text "$PWD/$V/b2_again.sql:3: revision id ${q}b2$q is also the id of $q$PWD/$V/b2.sql$q" err
'

test_expect_success 'ids differing only in case are duplicates' '
	setup
	rev ab12 ""
	rev AB12 "" $V/upper.sql
	run_migrate 2 heads
	one_line
	expect_grep "$PWD/$V/" err
	expect_grep "ab12" err
	expect_grep "AB12" err
	expect_grep "differ only in case" err
	expect_grep "ab12.sql" err
	expect_grep "upper.sql" err
'

test_expect_success 'a missing parent names the file' '
	setup
	linear3
	rev d4 nosuch
	run_migrate 2 heads
	one_line
	expect_text "$PWD/$V/d4.sql:4: revision d4 revises '"'nosuch'"', which does not exist" err
'

test_expect_success 'a missing parent among several names the file' '
	setup
	linear3
	rev m5 "b2, gone1"
	run_migrate 2 history
	one_line
	expect_text "$PWD/$V/m5.sql:4: revision m5 revises '"'gone1'"', which does not exist" err
'

test_expect_success 'a cycle: revision cycle: a -> b -> a' '
	setup
	rev r0 ""
	rev a b
	rev b a
	run_migrate 2 heads
	one_line
	expect_grep "revision cycle: a -> b -> a" err
	expect_grep "$PWD/$V/a.sql" err
'

test_expect_success 'a longer cycle hanging off a good base' '
	setup
	linear3
	rev x c
	rev y x
	rev c "c3, y"
	run_migrate 2 heads
	one_line
	expect_grep "revision cycle: " err
	expect_grep "$PWD/$V/" err
	# the cycle named is x -> c -> y -> x, from whichever starts it
	for id in x y c; do
		grep -q "revision cycle: .*$id -> " err
	done
'

test_expect_success 'a revision revising itself' '
	setup
	rev s1 s1
	run_migrate 2 heads
	one_line
	expect_text "$PWD/$V/s1.sql:4: revision s1 revises itself" err
'

test_expect_success 'a script without an upgrade part' '
	setup
	linear3
	cat >$V/d4.sql <<-\EOF
	-- no upgrade
	--
	-- Revision ID: d4
	-- Revises: c3
	-- Create Date: 2026-11-25 10:00:00.000000+00:00

	-- migrate:downgrade
	DROP TABLE x;
	EOF
	run_migrate 2 heads
	one_line
	expect_grep "$PWD/$V/d4.sql:" err
	expect_grep "'"'-- migrate:upgrade'"'" err
'

test_expect_success 'a script with no parts at all' '
	setup
	cat >$V/d4.sql <<-\EOF
	-- header only
	--
	-- Revision ID: d4
	-- Revises:
	EOF
	run_migrate 2 heads
	one_line
	expect_text "$PWD/$V/d4.sql: no '"'-- migrate:upgrade'"' line: a revision script needs an upgrade part" err
'

test_expect_success 'header: a field given twice names file and line' '
	setup
	cat >$V/d4.sql <<-\EOF
	-- twice
	--
	-- Revision ID: d4
	-- Revises:
	-- Revision ID: d5

	-- migrate:upgrade
	SELECT 1;
	EOF
	run_migrate 2 heads
	one_line
	expect_text "$PWD/$V/d4.sql:5: '"'Revision ID'"' given twice (first on line 3)" err
'

test_expect_success 'header: an unknown field names file and line' '
	setup
	cat >$V/d4.sql <<-\EOF
	-- unknown
	--
	-- Revision ID: d4
	-- Revises:
	-- Frobnicate: yes

	-- migrate:upgrade
	SELECT 1;
	EOF
	run_migrate 2 heads
	one_line
	expect_grep "$PWD/$V/d4.sql:5: " err
	expect_grep "Frobnicate" err
'

test_expect_success 'header: an invalid id names file and line' '
	setup
	cat >$V/d4.sql <<-\EOF
	-- bad id
	--
	-- Revision ID: d4-x
	-- Revises:

	-- migrate:upgrade
	SELECT 1;
	EOF
	run_migrate 2 heads
	one_line
	expect_grep "$PWD/$V/d4.sql:3: " err
	expect_grep "d4-x" err
	expect_grep "not a valid revision id" err
'

test_expect_success 'header: reserved words are not ids (head, base)' '
	setup
	rev head ""
	run_migrate 2 heads
	one_line
	expect_grep "$PWD/$V/head.sql:3: " err
	rm $V/head.sql
	rev base ""
	run_migrate 2 heads
	one_line
	expect_grep "$PWD/$V/base.sql:3: " err
'

test_expect_success 'header: an invalid id in Revises names file and line' '
	setup
	linear3
	rev d4 "c3 b2!"
	run_migrate 2 heads
	one_line
	expect_grep "$PWD/$V/d4.sql:4: " err
	expect_grep "b2!" err
'

test_expect_success 'text before the upgrade marker names file and line' '
	setup
	cat >$V/d4.sql <<-\EOF
	-- early
	--
	-- Revision ID: d4
	-- Revises:

	CREATE TABLE early (id INTEGER);
	-- migrate:upgrade
	SELECT 1;
	EOF
	run_migrate 2 heads
	one_line
	expect_text "$PWD/$V/d4.sql:6: SQL before '"'-- migrate:upgrade'"'" err
'

test_expect_success 'a NUL byte in the header names file and line' '
	setup
	printf -- "-- nul\n--\n-- Revision ID: d4\0\n-- Revises:\n\n-- migrate:upgrade\nSELECT 1;\n" >$V/d4.sql
	run_migrate 2 heads
	one_line
	expect_grep "NUL" err
	expect_grep "$PWD/$V/d4.sql:3: " err
'

test_expect_success 'an empty file names the file' '
	setup
	linear3
	: >$V/empty.sql
	run_migrate 2 heads
	one_line
	expect_grep "$PWD/$V/empty.sql" err
	expect_grep "Revision ID" err
'

test_expect_success 'a binary file names the file' '
	setup
	linear3
	printf "\211PNG\r\n\032\n\0\0\0\rIHDR\0\0\0\001" >$V/logo.sql
	run_migrate 2 heads
	one_line
	expect_grep "$PWD/$V/logo.sql" err
	expect_grep "not a text file" err
'

test_expect_success 'only *.sql files and no dot files are scripts' '
	setup
	linear3
	printf "junk\0" >$V/README.md
	printf "junk\0" >$V/.c3.sql.swp
	cp $V/c3.sql $V/.hidden.sql
	run_migrate 0 heads
	expect_text "c3 (head)" out
'

test_expect_success 'recursive_version_locations = false ignores subfolders' '
	setup "recursive_version_locations = false"
	rev a1 ""
	rev b2 a1 $V/sub/b2.sql
	rev c3 b2 $V/sub/deeper/c3.sql
	run_migrate 0 heads
	expect_text "a1 (head)" out
	# the default is false too
	setup
	run_migrate 0 heads
	expect_text "a1 (head)" out
'

test_expect_success 'recursive_version_locations = true finds subfolders' '
	setup "recursive_version_locations = true"
	rev a1 ""
	rev b2 a1 $V/sub/b2.sql
	rev c3 b2 $V/sub/deeper/c3.sql
	run_migrate 0 heads
	expect_text "c3 (head)" out
	run_migrate 0 show c3
	expect_grep "Path: $PWD/$V/sub/deeper/c3.sql" out
	# and an error deep down names the file there
	rev c3 b2 $V/sub/other/dup.sql
	run_migrate 2 heads
	one_line
	expect_grep "$PWD/$V/sub/deeper/c3.sql" err
	expect_grep "$PWD/$V/sub/other/dup.sql" err
'

test_expect_success 'version_locations with two folders' '
	setup "version_locations = %(here)s/one %(here)s/two"
	rev a1 "" one/a1.sql
	rev b2 a1 two/b2.sql
	rev c3 b2 one/c3.sql
	# migrations/versions is not searched once version_locations is set
	rev zz c3 $V/zz.sql
	run_migrate 0 heads
	expect_text "c3 (head)" out
	run_migrate 0 history
	expect_text "b2 -> c3 (head), step c3
a1 -> b2, step b2
<base> -> a1, step a1" out
	run_migrate 0 show b2
	expect_grep "Path: $PWD/two/b2.sql" out
	# a duplicate across the two folders names both
	rev b2 a1 one/b2copy.sql
	run_migrate 2 heads
	one_line
	expect_grep "$PWD/one/b2copy.sql" err
	expect_grep "$PWD/two/b2.sql" err
'

test_expect_success 'version_locations: relative folders, comma separated' '
	setup "version_locations = one, two"
	rev a1 "" one/a1.sql
	rev b2 a1 two/b2.sql
	run_migrate 0 heads
	expect_text "b2 (head)" out
'

test_expect_success 'a version folder that does not exist is an error' '
	setup "version_locations = %(here)s/one %(here)s/nowhere"
	rev a1 "" one/a1.sql
	run_migrate 2 heads
	one_line
	expect_grep "nowhere" err
'

##
## Point 4: revision specs, offline (upgrade --sql touches no database).
##

# linear4: A <- B <- C <- D; C and D share the prefix c3.
A=ae1000000001 B=b71000000002 C=c3a000000003 D=c3b000000004
linear4() {
	rev $A ""
	rev $B $A
	rev $C $B
	rev $D $C
}

# branched: R <- L1 <- L2 <- L3 (label left), R <- X1 <- X2 (label right)
R=0a0000000001 L1=1b0000000001 L2=1b0000000002 L3=1b0000000003
X1=2c0000000001 X2=2c0000000002
branched() {
	rev $R ""
	rev $L1 $R "" "Branch Labels: left"
	rev $L2 $L1
	rev $L3 $L2
	rev $X1 $R "" "Branch Labels: right"
	rev $X2 $X1
}

test_expect_success 'specs: head, heads and base' '
	setup
	linear4
	run_migrate 0 upgrade --sql head
	expect_steps ">$A,$A>$B,$B>$C,$C>$D"
	run_migrate 0 upgrade --sql heads
	expect_steps ">$A,$A>$B,$B>$C,$C>$D"
	run_migrate 0 upgrade --sql base
	expect_steps ""
	run_migrate 0 upgrade --sql base:head
	expect_steps ">$A,$A>$B,$B>$C,$C>$D"
	run_migrate 0 show head
	expect_grep "Rev: $D (head)" out
	run_migrate 0 show heads
	expect_grep "Rev: $D (head)" out
	# offline mode never opened the database
	test ! -e app.db
'

test_expect_success 'specs: a full id and a unique prefix' '
	setup
	linear4
	run_migrate 0 upgrade --sql $B
	expect_steps ">$A,$A>$B"
	run_migrate 0 upgrade --sql b7
	expect_steps ">$A,$A>$B"
	run_migrate 0 upgrade --sql c3a
	expect_steps ">$A,$A>$B,$B>$C"
	run_migrate 0 show c3b
	expect_grep "Rev: $D (head)" out
	run_migrate 0 show AE1
	expect_grep "Rev: $A" out
	test ! -e app.db
'

test_expect_success 'specs: an ambiguous prefix lists the candidates' '
	setup
	linear4
	run_migrate 1 upgrade --sql c3
	one_line
	test ! -s out
	expect_text "migrate: Multiple revisions start with ${q}c3$q: $C, $D" err
	run_migrate 1 show c3
	one_line
	expect_grep "$C" err
	expect_grep "$D" err
	test ! -e app.db
'

test_expect_success 'specs: an unknown id' '
	setup
	linear4
	run_migrate 1 upgrade --sql ffff
	one_line
	test ! -s out
	expect_text "migrate: Can${q}t locate revision identified by ${q}ffff$q" err
	run_migrate 1 show ffff
	expect_text "migrate: Can${q}t locate revision identified by ${q}ffff$q" err
	run_migrate 1 upgrade --sql ffff:head
	expect_text "migrate: Can${q}t locate revision identified by ${q}ffff$q" err
	run_migrate 1 history -r ffff:head
	expect_text "migrate: Can${q}t locate revision identified by ${q}ffff$q" err
'

test_expect_success 'specs: head-N' '
	setup
	linear4
	run_migrate 0 upgrade --sql head-1
	expect_steps ">$A,$A>$B,$B>$C"
	run_migrate 0 upgrade --sql head-3
	expect_steps ">$A"
	run_migrate 0 upgrade --sql head-4
	expect_steps ""
	run_migrate 0 show head-2
	expect_grep "Rev: $B" out
	run_migrate 1 upgrade --sql head-5
	one_line
	expect_text "migrate: Relative revision head-5 didn${q}t produce 5 migrations" err
'

test_expect_success 'specs: <id>+N and <id>-N' '
	setup
	linear4
	run_migrate 0 upgrade --sql ae1+2
	expect_steps ">$A,$A>$B,$B>$C"
	run_migrate 0 upgrade --sql $B+2
	expect_steps ">$A,$A>$B,$B>$C,$C>$D"
	run_migrate 0 upgrade --sql c3b-2
	expect_steps ">$A,$A>$B"
	run_migrate 0 show $A+1
	expect_grep "Rev: $B" out
	run_migrate 1 upgrade --sql $B+3
	one_line
	expect_text "migrate: Relative revision $B+3 didn${q}t produce 3 migrations" err
'

test_expect_success 'specs: offline ranges from:to' '
	setup
	linear4
	run_migrate 0 upgrade --sql $B:$D
	expect_steps "$B>$C,$C>$D"
	run_migrate 0 upgrade --sql ae1:c3a
	expect_steps "$A>$B,$B>$C"
	run_migrate 0 upgrade --sql head-2:head
	expect_steps "$B>$C,$C>$D"
	run_migrate 0 upgrade --sql b7:+1
	expect_steps "$B>$C"
	run_migrate 0 upgrade --sql $D:head
	expect_steps ""
	run_migrate 0 downgrade --sql $D:$B
	expect_steps "$D>$C,$C>$B"
	run_migrate 0 downgrade --sql head:base
	expect_steps "$D>$C,$C>$B,$B>$A,$A>"
	run_migrate 0 downgrade --sql c3a:-1
	expect_steps "$C>$B"
	# upgrade to an older revision is no upgrade
	run_migrate 2 upgrade --sql $C:$B
	one_line
	expect_text "migrate: Destination $B is not a valid upgrade target from current head(s)" err
	test ! -e app.db
'

test_expect_success 'specs: history -r ranges resolve the same specs' '
	setup
	linear4
	run_migrate 0 history -r b7:c3a
	expect_text "$B -> $C, step $C
$A -> $B, step $B" out
	run_migrate 0 history -r head-1:
	expect_text "$C -> $D (head), step $D
$B -> $C, step $C" out
	run_migrate 0 history -r base:ae1
	expect_text "<base> -> $A, step $A" out
	run_migrate 1 history -r c3:
	one_line
	expect_grep "Multiple revisions start with ${q}c3$q" err
	run_migrate 1 history -r :head-9
	one_line
	expect_grep "head-9" err
	test ! -e app.db
'

test_expect_success 'specs: +N from base, offline' '
	setup
	linear4
	run_migrate 0 upgrade --sql +2
	expect_steps ">$A,$A>$B"
	run_migrate 0 upgrade --sql base:+1
	expect_steps ">$A"
	run_migrate 0 upgrade --sql base+3
	expect_steps ">$A,$A>$B,$B>$C"
	test ! -e app.db
'

test_expect_success 'specs: a range is for offline mode only' '
	setup
	linear4
	run_migrate 2 upgrade $A:$B
	one_line
	expect_grep "$A:$B" err
	test ! -e app.db
'

test_expect_success 'specs: two heads, upgrade head is the familiar error' '
	setup
	branched
	run_migrate 1 upgrade --sql head
	test ! -s out
	expect_text "migrate: Multiple head revisions are present for given argument ${q}head$q; please specify a specific target revision, ${q}<branchname>@head$q to narrow to a specific head, or ${q}heads$q for all heads" err
	run_migrate 1 show head
	one_line
	expect_grep "Multiple head revisions are present for given argument ${q}head$q" err
	run_migrate 1 upgrade --sql head-1
	one_line
	expect_grep "Multiple head revisions are present for given argument ${q}head-1$q" err
	run_migrate 0 heads
	# as Alembic, a head shows the branch labels it inherits
	expect_text "$X2 (right) (head)
$L3 (left) (head)" out
	test ! -e app.db
'

test_expect_success 'specs: two heads, heads upgrades both' '
	setup
	branched
	run_migrate 0 upgrade --sql heads
	steps | tr , "\n" | sort >got
	printf "%s\n" ">$R" "$R>$L1" "$R>$X1" "$L1>$L2" "$L2>$L3" "$X1>$X2" |
	    sort >want
	cmp want got
	# the base comes first, each step after its parent
	steps | grep -q "^>$R,"
'

test_expect_success 'specs: <label>@head, <id>@head and <label>@base' '
	setup
	branched
	run_migrate 0 upgrade --sql left@head
	expect_steps ">$R,$R>$L1,$L1>$L2,$L2>$L3"
	run_migrate 0 upgrade --sql right@head
	expect_steps ">$R,$R>$X1,$X1>$X2"
	run_migrate 0 upgrade --sql left@heads
	expect_steps ">$R,$R>$L1,$L1>$L2,$L2>$L3"
	run_migrate 0 upgrade --sql $X1@head
	expect_steps ">$R,$R>$X1,$X1>$X2"
	run_migrate 0 upgrade --sql 1b0000000002@head
	expect_steps ">$R,$R>$L1,$L1>$L2,$L2>$L3"
	run_migrate 0 show right@head
	expect_grep "Rev: $X2 (head)" out
	run_migrate 0 show left
	expect_grep "Rev: $L1" out
	run_migrate 0 downgrade --sql left@head:left@base
	expect_steps "$L3>$L2,$L2>$L1,$L1>$R"
	run_migrate 0 downgrade --sql $L3:left@-2
	expect_steps "$L3>$L2,$L2>$L1"
	run_migrate 1 upgrade --sql nolabel@head
	one_line
	expect_text "migrate: Can${q}t locate revision identified by ${q}nolabel$q" err
	test ! -e app.db
'

# A malformed spec: exit 2, one line naming it.
for spec in "head+x" "-" ":" "@head" "++1" "head-" "head--1" "+" "base+x2" "" \
    "base-9223372036854775808" "a2-9223372036854775808" "head+99999999999"; do
	export spec
	test_expect_success "specs: malformed '$spec' is a usage error" '
		setup
		linear4
		run_migrate 2 upgrade --sql "$spec"
		one_line
		test ! -s out
		expect_grep "$q$spec$q" err
		test ! -e app.db
		run_migrate 2 show "$spec"
		one_line
		expect_grep "$q$spec$q" err
	'
done

##
## Relative specs against a real database, and errors that change nothing.
##

# newdb NAME: a fresh database for dialect $d; sets db, MIGRATE_URL.
newdb() {
	case $d in
	sqlite)	db=app.db; unset MIGRATE_URL ;;
	pg)	db=$1; MIGRATE_URL=$(PGOPTIONS="-c client_min_messages=warning" pg_newdb "$1"); export MIGRATE_URL ;;
	esac
}

# current: the ids migrate current prints, comma separated.
current() {
	run_migrate 0 current
	cut -d" " -f1 out | sort | paste -sd, -
}

# Run migrate expecting exit $1 and a one-line stderr, and fail unless the
# database is exactly as before.
unchanged() {
	db_state >before
	run_migrate "$@"
	one_line
	db_state >after
	if ! cmp -s before after; then
		echo "migrate $*: the database changed:"
		diff -u before after || true
		return 1
	fi
}

for d in sqlite pg; do
	export d

	test_expect_success "$d: +N and -N move from the current revision" '
		setup
		linear4
		newdb t21_rel
		run_migrate 0 upgrade ae1+1
		is "$(rows)" $B
		is "$(current)" $B
		run_migrate 0 upgrade +1
		is "$(rows)" $C
		run_migrate 0 downgrade -1
		is "$(rows)" $B
		run_migrate 0 upgrade head
		is "$(current)" $D
		run_migrate 0 downgrade head-2
		is "$(rows)" $B
		run_migrate 0 downgrade -2
		is "$(rows)" ""
		is "$(current)" ""
		run_migrate 0 upgrade $A
		run_migrate 0 upgrade +1
		is "$(rows)" $B
		run_migrate 0 upgrade c3a
		is "$(rows)" $C
		run_migrate 0 downgrade b7
		is "$(rows)" $B
		run_migrate 0 downgrade base
		is "$(rows)" ""
	'

	test_expect_success "$d: spec errors leave the database as it was" '
		setup
		linear4
		newdb t21_specerr
		run_migrate 0 upgrade $B
		is "$(rows)" $B
		unchanged 1 upgrade +5
		expect_text "migrate: Relative revision +5 didn${q}t produce 5 migrations" err
		unchanged 1 downgrade -3
		expect_text "migrate: Relative revision -3 didn${q}t produce 3 migrations" err
		unchanged 1 upgrade c3
		expect_grep "Multiple revisions start with ${q}c3$q" err
		unchanged 1 upgrade ffff
		expect_text "migrate: Can${q}t locate revision identified by ${q}ffff$q" err
		unchanged 1 downgrade ffff
		unchanged 2 upgrade head+x
		expect_grep "${q}head+x$q" err
		unchanged 2 upgrade -
		unchanged 2 downgrade +
		unchanged 2 upgrade $A:$D
		unchanged 2 downgrade $D
		expect_text "migrate: Destination $D is not a valid downgrade target from current head(s)" err
		unchanged 2 upgrade $A
		expect_text "migrate: Destination $A is not a valid upgrade target from current head(s)" err
		is "$(rows)" $B
	'

	test_expect_success "$d: +N from base counts from the first revision" '
		setup
		linear4
		newdb t21_plus
		run_migrate 0 upgrade +2
		is "$(rows)" $B
		run_migrate 0 downgrade base
		run_migrate 0 upgrade base+1
		is "$(rows)" $A
	'

	test_expect_success "$d: malformed specs online leave the database as it was" '
		setup
		linear4
		newdb t21_malformed
		run_migrate 0 upgrade $B
		for spec in : head: :head "" @head; do
			unchanged 2 upgrade "$spec"
			unchanged 2 downgrade "$spec"
		done
		is "$(rows)" $B
	'

	test_expect_success "$d: graph errors leave the database as it was" '
		setup
		linear4
		newdb t21_grapherr
		run_migrate 0 upgrade $B
		rev e5 $D $V/e5.sql
		rev e5 $D $V/e5_again.sql
		unchanged 2 upgrade head
		expect_grep "$PWD/$V/e5_again.sql" err
		unchanged 2 downgrade base
		unchanged 2 current
		rm $V/e5_again.sql
		rev f6 nosuch
		unchanged 2 upgrade heads
		expect_grep "$PWD/$V/f6.sql" err
		rm $V/f6.sql
		printf "\0" >$V/zz.sql
		unchanged 2 upgrade +1
		expect_grep "$PWD/$V/zz.sql" err
		rm $V/zz.sql
		is "$(rows)" $B
	'

	test_expect_success "$d: two heads: upgrade head fails, label specs work" '
		setup
		branched
		newdb t21_heads
		run_migrate 0 upgrade $R
		unchanged 1 upgrade head
		expect_text "migrate: Multiple head revisions are present for given argument ${q}head$q; please specify a specific target revision, ${q}<branchname>@head$q to narrow to a specific head, or ${q}heads$q for all heads" err
		run_migrate 0 upgrade heads
		is "$(rows)" "$L3,$X2"
		is "$(current)" "$L3,$X2"
		unchanged 1 downgrade -1
		run_migrate 0 downgrade left@-1
		is "$(rows)" "$L2,$X2"
		run_migrate 0 downgrade left@base
		is "$(rows)" "$X2"
		run_migrate 0 upgrade $L1
		is "$(rows)" "$L1,$X2"
		run_migrate 0 upgrade left@head
		is "$(rows)" "$L3,$X2"
		run_migrate 0 downgrade right@-1
		is "$(rows)" "$L3,$X1"
		run_migrate 0 upgrade right@+1
		is "$(rows)" "$L3,$X2"
		run_migrate 0 downgrade right@-1
		run_migrate 0 upgrade right@+1
		run_migrate 0 upgrade right@head
		is "$(rows)" "$L3,$X2"
		unchanged 1 upgrade right@+5
		unchanged 1 upgrade nolabel@head
		run_migrate 0 downgrade base
		is "$(rows)" ""
	'

	test_expect_success "$d: <label>@-N below the label undoes only that branch" '
		setup
		branched
		newdb t21_labelminus
		run_migrate 0 upgrade heads
		# as Alembic: right@-2 is right@base; the left branch stays
		run_migrate 0 downgrade right@-2
		is "$(rows)" "$L3"
		run_migrate 0 upgrade heads
		run_migrate 0 downgrade left@-3
		is "$(rows)" "$X2"
	'

	test_expect_success "$d: <label>@+N from below the label" '
		setup
		branched
		newdb t21_labelplus
		run_migrate 0 upgrade right@head
		is "$(rows)" "$X2"
		run_migrate 0 upgrade left@+2
		is "$(rows)" "$L2,$X2"
	'
done

test_done
