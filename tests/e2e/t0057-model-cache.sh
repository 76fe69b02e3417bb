#!/bin/sh
# SQLite's model cache: the scratch database a model makes is kept under
# the hash of the model's files and SQLite's version, and opened instead
# of running the model again while they do not change.
. "$(dirname "$0")/lib.sh"

d=sqlite
sq="'"

# project: a model of one table, the database at it.
project() {
	mkdir -p migrations/models migrations/versions
	write_ini "$@"
	printf "CREATE TABLE t (id integer PRIMARY KEY, a text);\n" >migrations/models/1.sql
	run_migrate 0 revision --autogenerate -m init
	run_migrate 0 upgrade head
}

test_expect_success "the cache is written, then read while the model stays" '
	new_db mc
	export XDG_CACHE_HOME=$PWD/xdg
	project
	run_migrate 0 diff
	expect_text "No changes detected" err
	set -- xdg/migrate/sqlite-*.db
	test $# = 1 && test -f "$1"
	# what the cache holds is the model the compare sees: a table put
	# into it is one the database lacks
	sqlite3 "$1" "CREATE TABLE planted (id integer)"
	run_migrate 0 diff
	expect_grep "CREATE TABLE \"planted\"" out
	# a model change is another key: the planted table is not seen
	printf "CREATE TABLE t (id integer PRIMARY KEY, a text);\n\n" >migrations/models/1.sql
	run_migrate 0 diff
	expect_text "No changes detected" err
	test "$(ls xdg/migrate | wc -l)" = 2
'

test_expect_success "a broken cache file is passed by and made again" '
	new_db mc_broken
	export XDG_CACHE_HOME=$PWD/xdg
	project
	run_migrate 0 diff
	for f in xdg/migrate/sqlite-*.db; do echo garbage >"$f"; done
	run_migrate 0 diff
	expect_text "No changes detected" err
	test "$(sqlite3 xdg/migrate/sqlite-*.db "SELECT name FROM sqlite_master WHERE type = ${sq}table$sq")" = t
'

test_expect_success "model_cache = off writes none; model_cache = DIR writes there" '
	new_db mc_off
	export XDG_CACHE_HOME=$PWD/xdg
	project "model_cache = off"
	run_migrate 0 diff
	test ! -e xdg/migrate
	mkdir other && cd other
	new_db mc_dir
	project "model_cache = %(here)s/.cache-here"
	run_migrate 0 diff
	test -f .cache-here/sqlite-*.db
	test ! -e xdg/migrate
'

test_done
