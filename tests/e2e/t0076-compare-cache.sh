#!/bin/sh
# The model cache on SQLite: the reflection of the model on a tape
# (src/tape.c), replayed instead of loading the model into scratch and
# reflecting it, while the model's files, SQLite and migrate stay the
# same. A tape that does not fit or check out is a miss, never a wrong
# schema; the live database is always reflected.
. "$(dirname "$0")/lib.sh"

d=sqlite

# the tape of the project (one), or fail
tape_of() {
	set -- xdg/migrate/sqlite-*.tape
	test $# = 1 && test -f "$1" || { echo "tapes: $*"; return 1; }
	echo "$1"
}

# project MODEL-FILE...: those files as the model, the database empty
project() {
	mkdir -p migrations/models migrations/versions
	cp "$@" migrations/models/
	write_ini
	cp migrate.ini off.ini
	echo "model_cache = off" >>off.ini
}

test_expect_success "a compare replayed from the tape says what a cold one says" '
	export XDG_CACHE_HOME=$PWD/xdg
	for m in edge-cases/sqlite.sql sakila/sqlite.sql chinook/sqlite.sql; do
		rm -rf xdg migrations migrate.ini off.ini
		new_db "$(dirname "$m")"
		project "$MIGRATE_CORPUS/$m"
		# an empty database: the whole model, each part of its
		# reflection in the SQL that makes it
		run_migrate 0 -c off.ini diff
		test ! -e xdg
		mv out cold.sql
		run_migrate 0 diff
		cmp cold.sql out
		tape=$(tape_of)
		head -n 1 "$tape" | grep -q "^migrate reflection tape 4$"
		run_migrate 0 diff
		cmp cold.sql out
		# equal: nothing to do, cold or replayed
		run_migrate 0 revision --autogenerate -m init
		run_migrate 0 upgrade head
		run_migrate 0 check
		run_migrate 0 -c off.ini check
		test "$(ls xdg/migrate | grep -c "^sqlite-.*\.tape\$")" = 1
	done
'

test_expect_success "what is replayed is the tape; an edit its sum does not cover is a miss" '
	export XDG_CACHE_HOME=$PWD/xdg
	new_db replay
	mkdir -p migrations/models migrations/versions
	printf "CREATE TABLE t (id integer PRIMARY KEY, a text);\n" >migrations/models/1.sql
	write_ini
	run_migrate 0 revision --autogenerate -m init
	run_migrate 0 upgrade head
	run_migrate 0 diff
	expect_text "No changes detected" err
	tape=$(tape_of)
	# a type changed on the tape (same length), summed again: the
	# compare sees it, with no model loaded
	sed -i "s/^TEXT\$/BLOB/" "$tape"
	tape_resum "$tape"
	run_migrate 0 diff
	expect_grep "alter column \"t\".\"a\"" out
	run_migrate 1 check
	# the same edit without the sum: the file is removed, the model
	# loaded again and a good tape written
	sed -i "s/^BLOB\$/TEXT/" "$tape"
	sed -i "s/^INTEGER\$/NUMERIC/" "$tape"
	run_migrate 0 diff
	expect_text "No changes detected" err
	grep -q "^INTEGER\$" "$tape"
	run_migrate 0 check
'

test_expect_success "a tape cut short, garbage or empty is a miss, made again" '
	export XDG_CACHE_HOME=$PWD/xdg
	new_db broken
	mkdir -p migrations/models migrations/versions
	cp "$MIGRATE_CORPUS/edge-cases/sqlite.sql" migrations/models/
	write_ini
	run_migrate 0 revision --autogenerate -m init
	run_migrate 0 upgrade head
	run_migrate 0 check
	tape=$(tape_of)
	cp "$tape" good
	for n in 100 2000 $(($(wc -c <good) - 1)); do
		head -c "$n" good >"$tape"
		run_migrate 0 check
		cmp good "$tape"
	done
	# cut short but summed again: the tape itself does not fit
	head -c "$(($(wc -c <good) / 2))" good >"$tape"
	tape_resum "$tape"
	run_migrate 0 check
	cmp good "$tape"
	for junk in "" garbage "migrate reflection tape 2"; do
		printf "%s\n" "$junk" >"$tape"
		run_migrate 0 check
		cmp good "$tape"
	done
'

test_expect_success "a model change is another key; a model error is never kept" '
	export XDG_CACHE_HOME=$PWD/xdg
	new_db key
	mkdir -p migrations/models migrations/versions
	printf "CREATE TABLE t (id integer PRIMARY KEY, a text);\n" >migrations/models/1.sql
	write_ini
	run_migrate 0 revision --autogenerate -m init
	run_migrate 0 upgrade head
	first=$(tape_of)
	printf "CREATE TABLE t (id integer PRIMARY KEY, a text, b int);\n" >migrations/models/1.sql
	run_migrate 0 diff
	expect_grep "ADD COLUMN b int" out
	test "$(ls xdg/migrate/sqlite-*.tape | wc -l)" = 2
	# a file renamed is another key too (names are in the hash)
	mv migrations/models/1.sql migrations/models/2.sql
	run_migrate 0 diff
	test "$(ls xdg/migrate/sqlite-*.tape | wc -l)" = 3
	printf "CREATE TABLE t (id integer PRIMARY KEY, a text);\n" >migrations/models/2.sql
	printf "CREATE TABLE x (y);\nCREATE TABL oops;\n" >migrations/models/3.sql
	run_migrate 1 diff
	expect_grep "3.sql:2: near \"TABL\": syntax error" err
	test "$(ls xdg/migrate/sqlite-*.tape | wc -l)" = 3
	rm migrations/models/3.sql
	mv migrations/models/2.sql migrations/models/1.sql
	run_migrate 0 diff
	expect_text "No changes detected" err
	test "$(ls xdg/migrate/sqlite-*.tape | wc -l)" = 3
	test -f "$first"
'

test_expect_success "another SQLite library is another key" '
	command -v cc >/dev/null || { echo "# skip: no cc"; exit 0; }
	export XDG_CACHE_HOME=$PWD/xdg
	new_db lib
	mkdir -p migrations/models migrations/versions
	printf "CREATE TABLE t (id integer PRIMARY KEY, a text);\n" >migrations/models/1.sql
	write_ini
	run_migrate 0 diff
	tape=$(tape_of)
	# the same model under another build of SQLite (its source id)
	printf "const char *sqlite3_sourceid(void);\nconst char *sqlite3_sourceid(void) { return \"2099-01-01 00:00:00 other\"; }\n" >other.c
	cc -shared -fPIC -o other.so other.c
	# ASan wants its runtime first: a build with it lets this one in
	LD_PRELOAD=$PWD/other.so ASAN_OPTIONS=verify_asan_link_order=0 \
	    run_migrate 0 diff
	test "$(ls xdg/migrate/sqlite-*.tape | wc -l)" = 2
	LD_PRELOAD=$PWD/other.so ASAN_OPTIONS=verify_asan_link_order=0 \
	    run_migrate 0 diff
	test "$(ls xdg/migrate/sqlite-*.tape | wc -l)" = 2
	# and the version is in the name
	case $tape in *"/sqlite-$(sqlite3 -version | cut -d" " -f1)-"*) ;;
	*) echo "name: $tape"; false ;; esac
'

test_expect_success "model_cache = off reads and writes no tape; a folder of its own" '
	export XDG_CACHE_HOME=$PWD/xdg
	new_db off
	mkdir -p migrations/models migrations/versions
	printf "CREATE TABLE t (id integer PRIMARY KEY, a text);\n" >migrations/models/1.sql
	write_ini
	run_migrate 0 revision --autogenerate -m init
	run_migrate 0 upgrade head
	tape=$(tape_of)
	sed -i "s/^TEXT\$/BLOB/" "$tape"
	tape_resum "$tape"
	run_migrate 0 diff
	expect_grep "alter column" out
	write_ini "model_cache = off"
	run_migrate 0 diff
	expect_text "No changes detected" err
	write_ini "model_cache = %(here)s/.cache-here"
	run_migrate 0 diff
	expect_text "No changes detected" err
	test -f .cache-here/sqlite-*.tape
	test "$(ls xdg/migrate/sqlite-*.tape | wc -l)" = 1
'

test_expect_success "a tape replays under another filter (the filter is applied to its rows)" '
	export XDG_CACHE_HOME=$PWD/xdg
	new_db filter
	mkdir -p migrations/models migrations/versions
	printf "CREATE TABLE keep (id integer PRIMARY KEY);\nCREATE TABLE tmp_x (id integer);\n" >migrations/models/1.sql
	write_ini
	run_migrate 0 diff
	expect_grep "tmp_x" out
	tape=$(tape_of)
	cp "$tape" before
	write_ini "exclude_tables = tmp_*"
	run_migrate 0 diff
	expect_grep "keep" out
	! grep -q "tmp_x" out || false
	cmp before "$tape"
'

test_done
