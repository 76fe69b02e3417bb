#!/bin/sh
# revision --autogenerate and diff on PostgreSQL (issue 4, in progress):
# from an empty database to the model and back, judged by pg_dump of the
# migrated database against a database built from the model by psql.
. "$(dirname "$0")/lib.sh"

d=pg
sq="'"

# dump DB: the schema as pg_dump prints it, without what differs between
# two equal databases (comments, SET lines, restrict keys, the version and
# history tables).
dump() {
	pg_dump -s -x -O -d "$1" | sed -e '/^--/d' -e '/^SET /d' \
	    -e '/^SELECT pg_catalog/d' -e '/^\\restrict/d' \
	    -e '/^\\unrestrict/d' -e '/^$/d' |
	    awk '/^CREATE TABLE public.migrate_(version|history)/ { skip = 1 }
		skip && /^\);/ { skip = 0; next }
		!skip' | grep -v "migrate_version\|migrate_history"
}

# project MODEL-FILE...: a project whose model is those files.
project() {
	mkdir -p migrations/models migrations/versions
	cp "$@" migrations/models/
	write_ini
}

test_expect_success 'pg: autogenerate, upgrade, nothing left, downgrade to empty' '
	new_db ag_blog
	project "$top/migrations/models/"*.sql
	run_migrate 0 revision --autogenerate -m "initial"
	test "$(ls migrations/versions | wc -l)" = 1
	expect_grep "Generating" err
	run_migrate 0 upgrade head
	# the same as the model run by psql
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS t0050_ref" \
	    -c "CREATE DATABASE t0050_ref OWNER migrate"
	cat migrations/models/*.sql | psql -X -q -v ON_ERROR_STOP=1 -d t0050_ref
	dump "$db" >got.sql
	dump t0050_ref >want.sql
	diff -u want.sql got.sql
	# a second autogenerate writes nothing
	run_migrate 0 revision --autogenerate -m "again"
	expect_text "No changes detected" err
	test "$(ls migrations/versions | wc -l)" = 1
	run_migrate 0 diff
	test ! -s out
	expect_text "No changes detected" err
	# --allow-empty writes one anyway
	run_migrate 0 revision --autogenerate --allow-empty -m "empty"
	test "$(ls migrations/versions | wc -l)" = 2
	run_migrate 0 downgrade base
	test "$(q "SELECT count(*) FROM pg_tables WHERE schemaname = ${sq}public$sq")" = 2
'

test_expect_success 'pg: a model change: the revision keeps the rows, warns, and goes back' '
	new_db ag_change
	project "$top/migrations/models/"*.sql
	run_migrate 0 revision --autogenerate -m "initial"
	run_migrate 0 upgrade head
	q "INSERT INTO users (id, email, name) VALUES (1, ${sq}a@b$sq, ${sq}Ann$sq)"
	cat >>migrations/models/001_users.sql <<-EOF
	CREATE TABLE likes (id INTEGER PRIMARY KEY,
	    user_id INTEGER NOT NULL REFERENCES users (id));
	EOF
	sed -i "s/name        VARCHAR(100) NOT NULL/name VARCHAR(100), nick TEXT/" \
	    migrations/models/001_users.sql
	grep -q nick migrations/models/001_users.sql
	run_migrate 0 revision --autogenerate -m "likes and nicks"
	f=$(ls migrations/versions/*likes_and_nicks.sql)
	expect_grep "ADD COLUMN \"nick\" text" "$f"
	expect_grep "DROP NOT NULL" "$f"
	expect_grep "CREATE TABLE \"public\".\"likes\"" "$f"
	expect_grep "-- WARNING: drop table likes" "$f"
	run_migrate 0 upgrade head
	test "$(q "SELECT name FROM users WHERE id = 1")" = Ann
	run_migrate 0 diff
	test ! -s out
	run_migrate 0 downgrade -1
	test "$(q "SELECT name FROM users WHERE id = 1")" = Ann
	! has_table likes
	test "$(q "SELECT count(*) FROM information_schema.columns
	    WHERE table_name = ${sq}users$sq AND column_name = ${sq}nick$sq")" = 0
'

test_expect_success 'pg: a model error names the model file and line, writes nothing' '
	new_db ag_bad
	project "$top/migrations/models/"*.sql
	printf "CREATE TABLE x (\n    id integer,\n    y txet\n);\n" \
	    >migrations/models/003_bad.sql
	run_migrate 1 revision --autogenerate -m "bad"
	expect_grep "migrations/models/003_bad.sql:3: type \"txet\" does not exist" err
	test "$(wc -l <err)" = 1
	test -z "$(ls migrations/versions)"
	test "$(q "SELECT count(*) FROM pg_namespace WHERE nspname LIKE ${sq}migrate_scratch%$sq")" = 0
'

# Each PostgreSQL corpus schema the reflection covers today, from empty
# to the model and back (sakila and edge-cases need domains: not yet).
for f in chinook/postgres.sql chinook/postgres-identity.sql \
    chinook/postgres-serial.sql northwind/postgres.sql pagila/postgres.sql \
    blog/postgres.sql; do
	export f
	test_expect_success "pg: corpus $f: to the model, nothing left, back to empty" '
		new_db ag_corpus
		project "$MIGRATE_CORPUS/$f"
		run_migrate 0 revision --autogenerate -m "initial"
		run_migrate 0 upgrade head
		run_migrate 0 revision --autogenerate -m "again"
		expect_text "No changes detected" err
		run_migrate 0 downgrade base
		test "$(q "SELECT count(*) FROM pg_class c JOIN pg_namespace n
		    ON n.oid = c.relnamespace WHERE n.nspname = ${sq}public$sq
		    AND c.relkind IN (${sq}r$sq, ${sq}v$sq, ${sq}m$sq)")" = 2
	'
done

test_done
