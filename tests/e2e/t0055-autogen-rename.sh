#!/bin/sh
# Renames in autogenerate (issue 4 point 6): a "-- migrate:renamed-from"
# comment in the model, or --rename once, makes a RENAME that keeps the
# rows instead of a drop and an add; a drop and an add of the same shape
# get a suggestion; a hint that matches nothing is an error naming it.
. "$(dirname "$0")/lib.sh"

sq="'"

# model TEXT: the project's one model file, with that text.
model() {
	mkdir -p migrations/models migrations/versions
	printf '%s\n' "$1" >migrations/models/1.sql
	test -f migrate.ini || write_ini
}

# autogen MSG: revision --autogenerate, then upgrade head; sets rev (the
# file written).
autogen() {
	run_migrate 0 revision --autogenerate -m "$1"
	rev=$(ls migrations/versions/*_"$(echo "$1" | tr " " _)".sql)
	run_migrate 0 upgrade head
}

# nothing_left: diff and a second autogenerate find nothing.
nothing_left() {
	run_migrate 0 diff
	test ! -s out
	expect_text "No changes detected" err
}

m0="CREATE TABLE persons (
    id integer PRIMARY KEY,
    name varchar(80) NOT NULL,
    age integer CHECK (age >= 0)
);
CREATE INDEX ix_persons_name ON persons (name);
CREATE TABLE pets (
    id integer PRIMARY KEY,
    owner_id integer REFERENCES persons (id) ON DELETE CASCADE,
    label text
);"

# the same tables, persons renamed people and name full_name
m1="CREATE TABLE people ( -- migrate:renamed-from persons
    id integer PRIMARY KEY,
    full_name varchar(80) NOT NULL, -- migrate:renamed-from name
    age integer CHECK (age >= 0)
);
CREATE INDEX ix_persons_name ON people (full_name);
CREATE TABLE pets (
    id integer PRIMARY KEY,
    owner_id integer REFERENCES people (id) ON DELETE CASCADE,
    label text
);"

for d in sqlite pg; do
	export d

	test_expect_success "$d: model hints rename a table and a column, rows and children kept" '
		new_db rn_hint
		model "$m0"
		autogen init
		q "INSERT INTO persons VALUES (1, ${sq}Ann$sq, 30), (2, ${sq}Bob$sq, 40)"
		q "INSERT INTO pets VALUES (7, 1, ${sq}rex$sq)"
		model "$m1"
		autogen "rename people"
		expect_grep "RENAME TO \"people\"" "$rev"
		expect_grep "RENAME COLUMN \"name\" TO \"full_name\"" "$rev"
		! grep -q "DROP TABLE\|DROP COLUMN\|WARNING" "$rev" || false
		! grep -q "WARNING" err || false
		test "$(q "SELECT id || $sq:$sq || full_name FROM people ORDER BY id")" = "1:Ann
2:Bob"
		test "$(q "SELECT owner_id FROM pets")" = 1
		nothing_left
		# the child still points at the renamed table
		case $d in
		sqlite)	sqlite3 "$db" "PRAGMA foreign_keys = ON;
			    DELETE FROM people WHERE id = 1" ;;
		pg)	q "DELETE FROM people WHERE id = 1" >/dev/null ;;
		esac
		test "$(q "SELECT count(*) FROM pets")" = 0
		run_migrate 0 downgrade -1
		test "$(q "SELECT name FROM persons ORDER BY id")" = Bob
		model "$m0"
		nothing_left
	'

	test_expect_success "$d: a rename and a type change at once (a SQLite rebuild)" '
		new_db rn_type
		model "$m0"
		autogen init
		q "INSERT INTO persons VALUES (1, ${sq}Ann$sq, 30)"
		q "INSERT INTO pets VALUES (7, 1, ${sq}rex$sq)"
		model "$(echo "$m1" | sed "s/full_name varchar(80)/full_name varchar(200)/;
		    s/    age integer CHECK/    years bigint CHECK/;
		    s/years bigint CHECK (age >= 0)/years bigint CHECK (years >= 0), -- migrate:renamed-from age/;
		    s/, -- migrate:renamed-from age/ -- migrate:renamed-from age/")"
		expect_grep "years bigint CHECK (years >= 0) -- migrate:renamed-from age" migrations/models/1.sql
		autogen "rename and widen"
		test "$(q "SELECT full_name || $sq:$sq || years FROM people")" = "Ann:30"
		test "$(q "SELECT owner_id FROM pets")" = 1
		case $d in
		sqlite)	test -z "$(sqlite3 "$db" "PRAGMA foreign_key_check")" ;;
		esac
		nothing_left
		run_migrate 0 downgrade -1
		test "$(q "SELECT name || $sq:$sq || age FROM persons")" = "Ann:30"
		test "$(q "SELECT owner_id FROM pets")" = 1
	'

	test_expect_success "$d: --rename once, on the command line" '
		new_db rn_arg
		model "$m0"
		autogen init
		q "INSERT INTO pets VALUES (7, NULL, ${sq}rex$sq)"
		model "$(echo "$m0" | sed "s/    label text/    title text/")"
		run_migrate 0 revision --autogenerate -m "title" --rename pets.label=pets.title
		rev=$(ls migrations/versions/*_title.sql)
		expect_grep "RENAME COLUMN \"label\" TO \"title\"" "$rev"
		! grep -q "DROP COLUMN" "$rev" || false
		run_migrate 0 upgrade head
		test "$(q "SELECT title FROM pets")" = rex
		nothing_left
		run_migrate 0 downgrade -1
		test "$(q "SELECT label FROM pets")" = rex
	'

	test_expect_success "$d: a drop and an add of the same shape get a suggestion" '
		new_db rn_suggest
		model "$m0"
		autogen init
		model "$(echo "$m0" | sed "s/    label text/    title text/;
		    s/persons/humans/g")"
		run_migrate 0 revision --autogenerate -m "maybe"
		rev=$(ls migrations/versions/*_maybe.sql)
		expect_grep "-- RENAME? column pets.label is dropped and pets.title added" "$rev"
		expect_grep "-- RENAME? table persons is dropped and humans created with the same columns" "$rev"
		expect_grep "hint: table persons is dropped and humans created" err
		expect_grep "pass --rename persons=humans" err
		expect_grep "WARNING: drop table persons" err
		expect_grep "WARNING: drop column pets.label" err
	'

	test_expect_success "$d: a hint that matches nothing is an error naming it" '
		new_db rn_typo
		model "$m0"
		autogen init
		model "$(echo "$m1" | sed "s/renamed-from name/renamed-from nmae/")"
		run_migrate 2 revision --autogenerate -m "typo"
		one_line
		expect_text "$PWD/migrations/models/1.sql:3: \"-- migrate:renamed-from nmae\" on full_name: the database${sq}s table has no column nmae, and the revision would drop its column name" err
		test -z "$(ls migrations/versions/*_typo.sql 2>/dev/null)"
		run_migrate 2 diff
		one_line
		# a table hint that names no table, where a table would go
		model "$(echo "$m1" | sed "s/renamed-from persons/renamed-from prsons/")"
		run_migrate 2 diff
		one_line
		expect_grep "1.sql:1: \"-- migrate:renamed-from prsons\" on people: the database has no table prsons, and the revision would drop its table persons" err
		# --rename that names nothing, badly written, or without --autogenerate
		model "$m0"
		run_migrate 2 diff --rename pets.nothing=pets.title
		one_line
		expect_grep "nothing" err
		run_migrate 2 diff --rename pets.label
		one_line
		run_migrate 2 revision -m x --rename pets.label=pets.title
		expect_text "migrate: --rename goes with --autogenerate" err
		test -z "$(ls migrations/versions/*_x.sql 2>/dev/null)"
	'

	test_expect_success "$d: a hint on no column line is an error naming file and line" '
		new_db rn_place
		model "CREATE TABLE t (
    id integer PRIMARY KEY,
    -- migrate:renamed-from old
    a integer
);"
		run_migrate 2 diff
		one_line
		expect_grep "1.sql:3: \"-- migrate:renamed-from\": it must stand on the line of the column" err
	'

	test_expect_success "$d: applied hints stay in the model and do nothing more" '
		new_db rn_stay
		model "$m1"
		run_migrate 0 revision --autogenerate -m init
		run_migrate 0 upgrade head
		nothing_left
		run_migrate 0 create-all --sql
		expect_grep "CREATE TABLE people" out
	'
done

test_expect_success "pg: a serial table renamed keeps its sequence, renamed too" '
	d=pg
	new_db rn_serial
	model "CREATE TABLE persons (id serial PRIMARY KEY, name text);"
	autogen init
	q "INSERT INTO persons (name) VALUES (${sq}Ann$sq)" >/dev/null
	model "CREATE TABLE people ( -- migrate:renamed-from persons
    id serial PRIMARY KEY, name text);"
	autogen "rename"
	expect_grep "ALTER TABLE \"public\".\"people\" RENAME CONSTRAINT \"persons_pkey\" TO \"people_pkey\";" "$rev"
	expect_grep "RENAME TO \"people_id_seq\"" "$rev"
	q "INSERT INTO people (name) VALUES (${sq}Bob$sq)" >/dev/null
	test "$(q "SELECT id || name FROM people ORDER BY id")" = "1Ann
2Bob"
	nothing_left
	run_migrate 0 downgrade -1
	q "INSERT INTO persons (name) VALUES (${sq}Cy$sq)" >/dev/null
	test "$(q "SELECT max(id) FROM persons")" = 3
'

test_expect_success "sqlite: mixed case and quoted names are matched as SQLite does" '
	d=sqlite
	new_db rn_case
	model "CREATE TABLE \"Order Items\" (id integer PRIMARY KEY, \"Qty\" integer);"
	autogen init
	q "INSERT INTO \"Order Items\" VALUES (1, 5)"
	model "CREATE TABLE \"order_lines\" ( -- migrate:renamed-from \"order items\"
    id integer PRIMARY KEY,
    \"quantity\" integer -- migrate:renamed-from qty
);"
	autogen "rename"
	test "$(q "SELECT quantity FROM order_lines")" = 5
	nothing_left
	run_migrate 0 downgrade -1
	test "$(q "SELECT \"Qty\" FROM \"Order Items\"")" = 5
'

test_done
