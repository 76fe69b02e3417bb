#!/bin/sh
# The reflection cache of the live database (SQLite): what its reflection
# reads is the text of sqlite_schema, so the reflection is kept on a tape
# (live-sqlite-HASH.tape, one a database file) beside that text, and
# replayed while the text is the same. Any change of the schema is a
# miss, recorded again; a tape that does not check out is a miss too.
. "$(dirname "$0")/lib.sh"

d=sqlite

# live_tape: the live tape of the project (one), or fail
live_tape() {
	set -- xdg/migrate/live-sqlite-*.tape
	test $# = 1 && test -f "$1" || { echo "live tapes: $*"; return 1; }
	echo "$1"
}

# project SQL: a database made by SQL, the same SQL as its model
project() {
	mkdir -p migrations/models migrations/versions
	printf "%s\n" "$1" >migrations/models/1.sql
	write_ini
	cp migrate.ini off.ini
	echo "model_cache = off" >>off.ini
	sqlite3 -bail "$db" "$1"
}

test_expect_success "the reflection is kept, and what is replayed is the tape" '
	export XDG_CACHE_HOME=$PWD/xdg
	new_db keep
	project "CREATE TABLE t (id integer PRIMARY KEY, a text);"
	run_migrate 0 diff
	expect_text "No changes detected" err
	tape=$(live_tape)
	head -n 1 "$tape" | grep -q "^migrate reflection tape 4$"
	# the database column a is TEXT on the tape (same length, summed
	# again): the compare sees BLOB, so it read the tape
	grep -q "^TEXT\$" "$tape"
	sed -i "s/^TEXT\$/BLOB/" "$tape"
	tape_resum "$tape"
	run_migrate 0 diff
	expect_grep "alter column \"t\".\"a\"" out
	run_migrate 1 check
	# the same edit without the sum: removed, recorded again
	sed -i "s/^BLOB\$/BOOL/" "$tape"
	run_migrate 0 diff
	expect_text "No changes detected" err
	grep -q "^TEXT\$" "$(live_tape)"
	run_migrate 0 check
'

test_expect_success "a change of the schema is a miss, recorded again; one tape a database" '
	export XDG_CACHE_HOME=$PWD/xdg
	new_db change
	project "CREATE TABLE t (id integer PRIMARY KEY, a text);"
	run_migrate 0 diff
	expect_text "No changes detected" err
	# a column renamed to a name of the same length
	q "ALTER TABLE t RENAME COLUMN a TO b"
	run_migrate 0 diff
	expect_grep "\"b\"" out
	# a column added, an index made
	q "ALTER TABLE t ADD COLUMN c integer; CREATE INDEX t_c ON t (c)"
	run_migrate 0 diff
	expect_grep "\"c\"" out
	live_tape >/dev/null
	# back as the model says
	q "DROP TABLE t; CREATE TABLE t (id integer PRIMARY KEY, a text)"
	run_migrate 0 diff
	expect_text "No changes detected" err
	live_tape >/dev/null
	# each compare said what a cold one says
	run_migrate 0 -c off.ini diff
	expect_text "No changes detected" err
'

test_expect_success "a tape cut short, garbage or empty is a miss, made again" '
	export XDG_CACHE_HOME=$PWD/xdg
	new_db broken
	project "CREATE TABLE t (id integer PRIMARY KEY, a text);"
	run_migrate 0 diff
	tape=$(live_tape)
	cp "$tape" good
	for n in 10 60 "$(($(wc -c <good) - 3))"; do
		head -c "$n" good >"$tape"
		run_migrate 0 diff
		expect_text "No changes detected" err
		cmp good "$tape"
	done
	head -c "$(($(wc -c <good) / 2))" good >"$tape"
	tape_resum "$tape"
	run_migrate 0 diff
	cmp good "$tape"
	for junk in "" garbage "migrate reflection tape 3"; do
		printf "%s\n" "$junk" >"$tape"
		run_migrate 0 diff
		expect_text "No changes detected" err
		cmp good "$tape"
	done
'

test_expect_success "model_cache = off keeps none; another database is another tape" '
	export XDG_CACHE_HOME=$PWD/xdg
	new_db off
	project "CREATE TABLE t (id integer PRIMARY KEY, a text);"
	run_migrate 0 -c off.ini diff
	test ! -e xdg
	run_migrate 0 diff
	live_tape >/dev/null
	mkdir other && cd other
	new_db other
	project "CREATE TABLE t (id integer PRIMARY KEY, a text);"
	run_migrate 0 diff
	cd ..
	test "$(ls xdg/migrate/live-sqlite-*.tape | wc -l)" = 2
'

test_expect_success "a tape of another user is not read, and ours replaces it" '
	export XDG_CACHE_HOME=$PWD/xdg
	new_db owner
	project "CREATE TABLE t (id integer PRIMARY KEY, a text);"
	run_migrate 0 diff
	tape=$(live_tape)
	if [ "$(id -u)" = 0 ]; then
		sed -i "s/^TEXT\$/BLOB/" "$tape"
		tape_resum "$tape"
		chown nobody "$tape"
		run_migrate 0 diff
		expect_text "No changes detected" err
		is "$(stat -c %U "$(live_tape)")" "$(id -un)"
		grep -q "^TEXT\$" "$(live_tape)"
	fi
'

test_expect_success "on the corpus a replayed reflection says what a cold one says" '
	export XDG_CACHE_HOME=$PWD/xdg
	for m in edge-cases/sqlite.sql sakila/sqlite.sql chinook/sqlite.sql; do
		rm -rf xdg migrations
		new_db "$(dirname "$m")"
		sqlite3 -bail "$db" <"$MIGRATE_CORPUS/$m"
		# no model: the whole database is to drop, every part of
		# its reflection in the SQL that drops and makes it again
		mkdir -p migrations/models migrations/versions
		write_ini
		cp migrate.ini off.ini
		echo "model_cache = off" >>off.ini
		run_migrate 0 -c off.ini diff
		test ! -e xdg
		mv out cold.sql
		test -s cold.sql
		run_migrate 0 diff
		cmp cold.sql out
		live_tape >/dev/null
		run_migrate 0 diff
		cmp cold.sql out
	done
'

test_expect_success "files unused for 30 days go when a file is written; a file read is used" '
	export XDG_CACHE_HOME=$PWD/xdg
	new_db evict
	project "CREATE TABLE t (id integer PRIMARY KEY, a text);"
	write_rev r1 "" "one" "SELECT 1;" "SELECT 1;"
	# older than the header cache doubts (2 s, ctime too): the cache is
	# written once, not again by a read below
	sleep 2.1
	run_migrate 0 diff
	run_migrate 0 heads
	ls xdg/migrate/headers-* >/dev/null
	c=xdg/migrate
	live=$(live_tape)
	h32=0123456789abcdef0123456789abcdef
	h16=fedcba9876543210
	# files of the making of migrate, and files of the user beside them
	gone="sqlite-3.40.1-$h32.tape live-sqlite-$h16.tape
	    postgres-150018-$h32.tape headers-$h32 sqlite-3.40.1-$h32.db
	    headers-$h32.a1B2c3 sqlite-3.40.1-$h32.tape.123.tmp"
	kept="notes.txt sqlite-archive.db live-notes.txt headers-mine
	    sqlite-3.40.1-$h32.tape.old"
	for f in $gone $kept; do
		echo old >"$c/$f"
		touch -d "40 days ago" "$c/$f"
	done
	echo new >"$c/sqlite-3.40.1-$h16$h16.tape"
	touch -d "20 days ago" "$c/sqlite-3.40.1-$h16$h16.tape"
	# the tapes in use, unused for 40 days too (not the header cache:
	# its own mtime is part of what it trusts)
	used="$live $(ls "$c"/sqlite-3*.tape | grep -v -e "$h32" -e "$h16")"
	touch -d "40 days ago" $used
	# read: marked used, nothing written, nothing removed
	run_migrate 0 diff
	run_migrate 0 heads
	test -e "$c/headers-$h32"
	for f in $used; do
		test "$(stat -c %Y "$f")" -gt "$(($(date +%s) - 60))"
	done
	# a schema change: the live tape written again, and the old go
	q "CREATE TABLE u (id integer)"
	run_migrate 0 diff
	expect_grep "DROP TABLE" out
	ls "$c" >left
	for f in $gone; do
		! grep -qx "$f" left || false
	done
	for f in $kept sqlite-3.40.1-$h16$h16.tape; do
		grep -qx "$f" left
	done
	for f in $used; do
		test -e "$f"
	done
'

test_expect_success "a file of schema format 1 (no DESC kept) made 4 by VACUUM is a miss" '
	export XDG_CACHE_HOME=$PWD/xdg
	new_db format
	project "CREATE TABLE t (id integer PRIMARY KEY, a int); CREATE INDEX t_a ON t (a DESC);"
	# as SQLite before 3.7.10 made files: DESC is not kept in them
	printf "\000\000\000\001" | dd of="$db" bs=1 seek=44 conv=notrunc status=none
	run_migrate 0 -c off.ini diff
	mv out cold1
	run_migrate 0 diff
	cmp cold1 out
	grep -q "t_a" out
	# VACUUM writes format 4, and DESC is kept; no row of
	# sqlite_schema changes
	q "VACUUM"
	run_migrate 0 -c off.ini diff
	expect_text "No changes detected" err
	run_migrate 0 diff
	expect_text "No changes detected" err
'

test_expect_success "pg: the live database is reflected every time" '
	d=pg
	export XDG_CACHE_HOME=$PWD/xdg
	new_db pg
	mkdir -p migrations/models migrations/versions
	printf "CREATE TABLE t (id integer PRIMARY KEY, a text);\n" >migrations/models/1.sql
	write_ini
	q "CREATE TABLE t (id integer PRIMARY KEY, a text)"
	run_migrate 0 diff
	expect_text "No changes detected" err
	test -z "$(ls xdg/migrate | grep "^live-")"
'

test_done
