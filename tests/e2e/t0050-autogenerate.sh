#!/bin/sh
# revision --autogenerate and diff (issue 4, in progress): from an empty
# database to the model and back, judged by the database itself: pg_dump
# of the migrated database against one built from the model by psql, and
# on SQLite sqlite_master against one built by sqlite3.
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
	expect_grep "-- WARNING: drop table \"likes\": drops the table and its rows" "$f"
	run_migrate 0 upgrade head
	test "$(q "SELECT name FROM users WHERE id = 1")" = Ann
	run_migrate 0 diff
	test ! -s out
	run_migrate 0 downgrade -1
	test "$(q "SELECT name FROM users WHERE id = 1")" = Ann
	! has_table likes || false
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

# PostgreSQL corpus schemas from empty to the model and back (sakila,
# pagila and edge-cases, which need domains, functions, partitions and a
# second schema, are in t0052).
for f in chinook/postgres.sql chinook/postgres-identity.sql \
    chinook/postgres-serial.sql northwind/postgres.sql blog/postgres.sql; do
	export f
	test_expect_success "pg: corpus $f: to the model, nothing left, back to empty" '
		new_db ag_corpus
		# as a model that names public.x would need (pagila does)
		dev=$(pg_newdb t0050_dev | sed "s/%/%%/g")
		project "$MIGRATE_CORPUS/$f"
		write_ini "dev_url = $dev"
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

# sqlite_master without our tables: what SQLite keeps of a schema.
master() {
	# the name of a rendered CREATE TABLE is quoted, the model's may not be
	sqlite3 "$1" "SELECT type, name, tbl_name, sql FROM sqlite_master
	    WHERE name NOT LIKE 'migrate_%' AND name NOT LIKE 'sqlite_%'
	    ORDER BY type, name" |
	    sed -E 's/CREATE TABLE "([A-Za-z_][A-Za-z0-9_]*)"/CREATE TABLE \1/'
}

test_expect_success 'sqlite: autogenerate, upgrade, nothing left, downgrade to empty' '
	d=sqlite new_db ag_blog
	project "$top/migrations/models/"*.sql
	run_migrate 0 revision --autogenerate -m "initial"
	run_migrate 0 upgrade head
	cat migrations/models/*.sql | sqlite3 -bail ref.db
	master "$db" >got.txt
	master ref.db >want.txt
	diff -u want.txt got.txt
	run_migrate 0 revision --autogenerate -m "again"
	expect_text "No changes detected" err
	run_migrate 0 downgrade base
	test -z "$(master "$db")"
'

test_expect_success 'sqlite: a change that rebuilds a parent table keeps its rows and its children' '
	d=sqlite new_db ag_rebuild
	project "$top/migrations/models/"*.sql
	run_migrate 0 revision --autogenerate -m "initial"
	run_migrate 0 upgrade head
	sqlite3 -bail "$db" "PRAGMA foreign_keys = ON;
	    INSERT INTO users (id, email, name) VALUES (1, ${sq}a@b$sq, ${sq}Ann$sq);
	    INSERT INTO posts (id, author_id, title) VALUES (7, 1, ${sq}Hi$sq);
	    INSERT INTO comments (id, post_id, body) VALUES (9, 7, ${sq}yo$sq)"
	# posts.title: a longer type and a CHECK: SQLite rebuilds posts
	sed -i "s/title       VARCHAR(200) NOT NULL,/title VARCHAR(300) NOT NULL CHECK (length(title) > 0),/" \
	    migrations/models/002_posts.sql
	grep -q "VARCHAR(300)" migrations/models/002_posts.sql
	run_migrate 0 revision --autogenerate -m "longer titles"
	f=$(ls migrations/versions/*longer_titles.sql)
	expect_grep "-- migrate:foreign-keys-off" "$f"
	run_migrate 0 upgrade head
	test "$(sqlite3 "$db" "SELECT count(*) FROM comments WHERE post_id = 7")" = 1
	test "$(sqlite3 "$db" "SELECT title FROM posts WHERE id = 7")" = Hi
	test -z "$(sqlite3 "$db" "PRAGMA foreign_key_check")"
	run_migrate 0 diff
	test ! -s out
	run_migrate 0 downgrade -1
	test "$(sqlite3 "$db" "SELECT count(*) FROM comments WHERE post_id = 7")" = 1
	# offline, the switch is printed around that revision
	run_migrate 0 upgrade head --sql
	expect_grep "PRAGMA foreign_keys = OFF;" out
	! grep -q "PRAGMA foreign_keys = ON;" out || false
	expect_grep "INSERT INTO migrate_fk_check SELECT count(*) FROM pragma_foreign_key_check;" out
	# run by sqlite3, it commits when the keys hold
	before=$(sqlite3 "$db" "SELECT version_num FROM migrate_version")
	run_migrate 0 upgrade "$before:head" --sql
	cp "$db" ok.db
	sqlite3 -bail ok.db <out
	test "$(sqlite3 ok.db "SELECT version_num FROM migrate_version")" = \
	    "$(basename "$f" | cut -d_ -f1)"
	# and stops before COMMIT when a row points at nothing
	sqlite3 -bail "$db" "INSERT INTO comments (id, post_id, body) VALUES (10, 99, ${sq}orphan$sq)"
	! sqlite3 -bail "$db" <out 2>fk.err || false
	expect_grep "CHECK constraint failed: a row points at nothing: see PRAGMA foreign_key_check" fk.err
	test "$(sqlite3 "$db" "SELECT version_num FROM migrate_version")" = "$before"
	test "$(sqlite3 "$db" "SELECT count(*) FROM comments")" = 2
'

for f in chinook/sqlite.sql chinook/sqlite-autoincrement.sql \
    northwind/sqlite.sql sakila/sqlite.sql edge-cases/sqlite.sql \
    blog/sqlite.sql; do
	export f
	test_expect_success "sqlite: corpus $f: to the model, nothing left, back to empty" '
		d=sqlite new_db ag_corpus
		project "$MIGRATE_CORPUS/$f"
		run_migrate 0 revision --autogenerate -m "initial"
		run_migrate 0 upgrade head
		run_migrate 0 revision --autogenerate -m "again"
		expect_text "No changes detected" err
		run_migrate 0 downgrade base
		test -z "$(sqlite3 "$db" "SELECT name FROM sqlite_master
		    WHERE type IN (${sq}table$sq, ${sq}view$sq)
		    AND name NOT LIKE ${sq}migrate_%$sq
		    AND name NOT LIKE ${sq}sqlite_%$sq")"
	'
done

test_done
