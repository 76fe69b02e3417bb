#!/bin/sh
# The model cache: the reflection of the model is kept on a tape under
# the hash of the model's files and the database's version, and replayed
# instead of running the model again while they do not change (SQLite,
# and PostgreSQL without dev_url; t0076 has more on SQLite's); with
# dev_url the model stays loaded in the dev database, marked by its hash.
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
	set -- xdg/migrate/sqlite-*.tape
	test $# = 1 && test -f "$1"
	tape=$1
	# what the cache holds is the model the compare sees: a type changed
	# on it (same length, summed again) is one the database lacks
	sed -i "s/^TEXT\$/BLOB/" "$tape"
	tape_resum "$tape"
	run_migrate 0 diff
	expect_grep "alter column \"t\".\"a\"" out
	# a model change is another key: the changed type is not seen
	printf "CREATE TABLE t (id integer PRIMARY KEY, a text);\n\n" >migrations/models/1.sql
	run_migrate 0 diff
	expect_text "No changes detected" err
	test "$(ls xdg/migrate | grep -v "^headers-" | grep -v "^live-" | wc -l)" = 2
'

test_expect_success "a broken cache file is passed by and made again" '
	new_db mc_broken
	export XDG_CACHE_HOME=$PWD/xdg
	project
	run_migrate 0 diff
	for f in xdg/migrate/sqlite-*.tape; do echo garbage >"$f"; done
	run_migrate 0 diff
	expect_text "No changes detected" err
	test "$(head -n 1 xdg/migrate/sqlite-*.tape)" = "migrate reflection tape 4"
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
	test -f .cache-here/sqlite-*.tape
	test ! -e xdg/migrate
'

test_expect_success "pg: the reflection of the model on tape, replayed while the model stays" '
	d=pg
	new_db mc_tape
	export XDG_CACHE_HOME=$PWD/xdg
	project
	set -- xdg/migrate/postgres-*.tape
	test $# = 1 && test -f "$1"
	tape=$1
	run_migrate 0 diff
	expect_text "No changes detected" err
	# what is replayed is the tape: a type changed on it (same length)
	# is a difference, with no model loaded
	sed -i "s/^integer\$/numeric/" "$tape"
	tape_resum "$tape"
	run_migrate 0 diff
	expect_grep "ALTER TABLE \"public\".\"t\" ALTER COLUMN \"id\" TYPE numeric" out
	# a tape that does not fit (cut short, or garbage) is removed and
	# the model loaded again
	head -c 300 "$tape" >cut && mv cut "$tape"
	run_migrate 0 diff
	expect_text "No changes detected" err
	echo garbage >"$tape"
	run_migrate 0 diff
	expect_text "No changes detected" err
	test "$(head -c 25 "$tape")" = "migrate reflection tape 4"
	# an edit the sum does not cover is not replayed
	sed -i "s/^integer\$/numeric/" "$tape"
	run_migrate 0 diff
	expect_text "No changes detected" err
	# what the model may read of the live database besides its own
	# schema is in the key: a table the model copies changed there
	q "CREATE SCHEMA shared AUTHORIZATION migrate; CREATE TABLE shared.audit (at timestamptz NOT NULL DEFAULT now()); ALTER TABLE shared.audit OWNER TO migrate"
	printf "CREATE TABLE t (id integer PRIMARY KEY, a text, LIKE shared.audit INCLUDING DEFAULTS);\n" >migrations/models/1.sql
	run_migrate 0 diff
	expect_grep "ADD COLUMN \"at\" timestamp with time zone" out
	q "ALTER TABLE shared.audit ADD COLUMN by_whom text"
	run_migrate 0 diff
	expect_grep "ADD COLUMN \"by_whom\" text" out
	q "DROP SCHEMA shared CASCADE"
	printf "CREATE TABLE t (id integer PRIMARY KEY, a text);\n" >migrations/models/1.sql
	rm xdg/migrate/*
	run_migrate 0 diff
	# a model change is another key; a model error is never kept
	printf "CREATE TABLE t (id integer PRIMARY KEY, a text);\nCREATE TABLE x (y nosuchtype);\n" >migrations/models/1.sql
	run_migrate 1 diff
	expect_grep "1.sql:2: type \"nosuchtype\" does not exist" err
	run_migrate 1 diff
	expect_grep "1.sql:2: type \"nosuchtype\" does not exist" err
	test "$(ls xdg/migrate | grep -v "^headers-" | wc -l)" = 1
	# another database on the server is another key
	new_db mc_tape2
	write_ini
	run_migrate 0 upgrade head
	run_migrate 1 diff
	test "$(ls xdg/migrate | grep -v "^headers-" | wc -l)" = 1
	printf "CREATE TABLE t (id integer PRIMARY KEY, a text);\n" >migrations/models/1.sql
	run_migrate 0 diff
	test "$(ls xdg/migrate | grep -v "^headers-" | grep -v "^live-" | wc -l)" = 2
'

# devmark: the comment migrate leaves on the dev database, or nothing
devmark() {
	psql -X -At -d t57_dev -c "SELECT shobj_description(oid, ${sq}pg_database$sq)
	    FROM pg_database WHERE datname = ${sq}t57_dev$sq"
}

test_expect_success "pg: dev_url keeps the model loaded, marked by its hash" '
	d=pg
	new_db mc_pg
	dev=$(pg_newdb t57_dev | sed "s/%/%%/g")
	project "dev_url = $dev"
	mark=$(devmark)
	case $mark in "migrate model "*) ;; *) echo "mark: $mark"; false ;; esac
	test "$(psql -X -At -d t57_dev -c "SELECT count(*) FROM pg_tables WHERE tablename = ${sq}t$sq")" = 1
	# while the model stays, the dev database is only read: a table
	# taken from it is missing from the model the compare sees
	psql -X -q -d t57_dev -c "DROP TABLE t"
	run_migrate 0 diff
	expect_grep "DROP TABLE \"public\".\"t\"" out
	# a model change loads it again, under a new mark
	printf "CREATE TABLE t (id integer PRIMARY KEY, a text);\n\n" >migrations/models/1.sql
	run_migrate 0 diff
	expect_text "No changes detected" err
	test "$(devmark)" != "$mark"
	# a model error leaves the dev database as it was
	mark=$(devmark)
	printf "CREATE TABLE t (id integer PRIMARY KEY, a text);\nCREATE TABLE x (y nosuchtype);\n" >migrations/models/1.sql
	run_migrate 1 diff
	expect_grep "1.sql:2: type \"nosuchtype\" does not exist" err
	test "$(devmark)" = "$mark"
	test "$(psql -X -At -d t57_dev -c "SELECT count(*) FROM pg_tables WHERE tablename = ${sq}t$sq")" = 1
'

test_expect_success "pg: a dev database that is neither empty nor marked is not touched" '
	d=pg
	new_db mc_pg_other
	dev=$(pg_newdb t57_dev | sed "s/%/%%/g")
	psql -X -q -d t57_dev -c "CREATE TABLE keep (id integer)" -c "INSERT INTO keep VALUES (1)"
	project "dev_url = $dev"
	run_migrate 0 diff
	expect_text "No changes detected" err
	test -z "$(devmark)"
	test "$(psql -X -At -d t57_dev -c "SELECT id FROM keep")" = 1
	# nor one whose data lies outside what the filters look at
	dev=$(pg_newdb t57_dev | sed "s/%/%%/g")
	psql -X -q -d t57_dev -c "CREATE SCHEMA app" -c "CREATE TABLE app.keep (id integer)" \
	    -c "INSERT INTO app.keep VALUES (1)"
	write_ini "dev_url = $dev"
	run_migrate 0 diff
	test -z "$(devmark)"
	test "$(psql -X -At -d t57_dev -c "SELECT id FROM app.keep")" = 1
'

test_done
