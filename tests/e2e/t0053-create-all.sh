#!/bin/sh
# migrate create-all (issue 4 point 7): the model created in an empty
# database and every head stamped, in one transaction (Alembic's
# metadata.create_all() then stamp head); a database that is not empty is
# refused; a model error leaves nothing; --sql prints the same as SQL.
. "$(dirname "$0")/lib.sh"

sq="'"
head=e29d6f4a0c18	# the example project's head

# newdb NAME: a fresh database of dialect $d; sets url and db.
newdb() {
	case $d in
	sqlite)	db=$PWD/$1.db; url="sqlite:///$db" ;;
	pg)	db=t53_$1; url=$(pg_newdb "$db") ;;
	esac
}

# project: the example project's model and revisions, on $url.
project() {
	mkdir -p migrations/models migrations/versions
	cp "$top/migrations/models/"*.sql migrations/models/
	cp "$top/migrations/versions/"*.sql migrations/versions/
	write_ini
}

# dump DB: the schema without the version and history tables, as the
# database prints it (sqlite_master; pg_dump less what differs between
# two equal databases).
dump() {
	case $d in
	sqlite)	sqlite3 "$1" "SELECT type, name, tbl_name, sql FROM
		    sqlite_master WHERE tbl_name NOT LIKE 'migrate_%'
		    ORDER BY type, name" ;;
	pg)	pg_dump -s -x -O -d "$1" | sed -e '/^--/d' -e '/^SET /d' \
		    -e '/^SELECT pg_catalog/d' -e '/^\\restrict/d' \
		    -e '/^\\unrestrict/d' -e '/^$/d' |
		    awk '/^CREATE TABLE public.migrate_(version|history)/ {
			skip = 1 }
			skip && /^\);/ { skip = 0; next }
			!skip' | grep -v "migrate_version\|migrate_history" ;;
	esac
}

# run_sql FILE: run a SQL script on $db with the database's own client
# (on PostgreSQL as migrate's role, through $url).
run_sql() {
	case $d in
	sqlite)	sqlite3 -bail "$db" <"$1" ;;
	pg)	psql -X -q -v ON_ERROR_STOP=1 -d "$url" -f "$1" >/dev/null ;;
	esac
}

# user_tables: how many tables and views (not migrate_*) the database has.
user_tables() {
	case $d in
	sqlite)	q "SELECT count(*) FROM sqlite_master WHERE type IN
		    (${sq}table$sq, ${sq}view$sq) AND name NOT LIKE
		    ${sq}migrate_%$sq AND name NOT LIKE ${sq}sqlite_%$sq" ;;
	pg)	q "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON
		    n.oid = c.relnamespace WHERE n.nspname = ${sq}public$sq AND
		    c.relkind IN (${sq}r$sq, ${sq}v$sq, ${sq}m$sq) AND
		    c.relname NOT LIKE ${sq}migrate_%$sq" ;;
	esac
}

# qual NAME: a table's name as create-all's refusal names it.
qual() {
	case $d in
	sqlite)	echo "$1" ;;
	pg)	echo "public.$1" ;;
	esac
}

for d in sqlite pg; do
	export d

	test_expect_success "$d: an empty database gets the model and head" '
		newdb ca_new
		project
		run_migrate 0 create-all
		test ! -s out
		expect_text "Created the model (2 files); stamped the database at $head" err
		expect_tables "users posts tags post_tags comments"
		expect_rows "$head"
		test "$(q "SELECT revision || $sq $sq || direction || $sq $sq ||
		    status FROM migrate_history")" = "$head stamp ok"
		run_migrate 0 current
		expect_text "$head (head)" out
		run_migrate 0 diff
		test ! -s out
		expect_text "No changes detected" err
		dump "$db" >got.txt
		# the same database as the model run by the database client
		newdb ca_ref
		cat migrations/models/*.sql >model.sql
		run_sql model.sql
		dump "$db" >want.txt
		test -s want.txt
		diff -u want.txt got.txt
	'

	test_expect_success "$d: after create-all, upgrade does nothing and downgrade base works" '
		newdb ca_down
		project
		run_migrate 0 create-all
		run_migrate 0 upgrade head
		expect_text "Nothing to do: the database is already at $head" err
		run_migrate 0 downgrade base
		test "$(user_tables)" = 0
		expect_rows ""
		run_migrate 0 upgrade head
		expect_rows "$head"
		run_migrate 0 diff
		test ! -s out
	'

	test_expect_success "$d: a database with a table is refused, unchanged" '
		newdb ca_full
		project
		q "CREATE TABLE other (id INTEGER)"
		run_migrate 1 create-all
		test ! -s out
		expect_text "migrate: create-all needs an empty database: found table $(qual other)" err
		expect_tables "other" "users posts migrate_version migrate_history"
	'

	test_expect_success "$d: a database with only a view is refused" '
		newdb ca_view
		project
		q "CREATE VIEW v AS SELECT 1 AS x"
		run_migrate 1 create-all
		expect_text "migrate: create-all needs an empty database: found view $(qual v)" err
		expect_tables "" "users migrate_version"
	'

	test_expect_success "$d: a version row is refused, unchanged" '
		newdb ca_stamped
		project
		run_migrate 0 stamp 3f2a9c1b7e4d
		run_migrate 1 create-all
		test ! -s out
		expect_text "migrate: create-all needs an empty database: found revision 3f2a9c1b7e4d in migrate_version" err
		expect_rows 3f2a9c1b7e4d
		expect_tables "" "users posts"
	'

	test_expect_success "$d: empty version tables and excluded tables do not count" '
		newdb ca_scope
		project
		write_ini "exclude_tables = legacy*"
		run_migrate 0 stamp base
		expect_tables "migrate_version" ""
		q "CREATE TABLE legacy_users (id INTEGER)"
		q "INSERT INTO legacy_users VALUES (7)"
		run_migrate 0 create-all
		expect_rows "$head"
		expect_tables "users comments legacy_users"
		test "$(q "SELECT id FROM legacy_users")" = 7
		run_migrate 0 diff
		test ! -s out
	'

	test_expect_success "$d: a model error names file and line and leaves nothing" '
		newdb ca_bad
		project
		printf "CREATE TABLE x (\n    id integer,\n    y text REFERENCES\n);\n" \
		    >migrations/models/003_bad.sql
		run_migrate 1 create-all
		test ! -s out
		one_line
		expect_grep "migrations/models/003_bad.sql:" err
		case $d in
		sqlite)	expect_grep "003_bad.sql:4: near \")\": syntax error" err ;;
		pg)	expect_grep "003_bad.sql:4: syntax error at or near \")\"" err ;;
		esac
		test "$(user_tables)" = 0
		expect_tables "" "users x migrate_version migrate_history"
	'

	test_expect_success "$d: a statement the live database refuses rolls it all back" '
		newdb ca_live
		project
		# outside the compared scope, so not a refusal; its index
		# takes a name the model uses (line 10 of 002_posts.sql)
		write_ini "exclude_tables = legacy"
		q "CREATE TABLE legacy (id INTEGER)"
		q "CREATE INDEX ix_posts_author_id ON legacy (id)"
		sed -n 10p migrations/models/002_posts.sql | grep -q "CREATE INDEX ix_posts_author_id"
		run_migrate 1 create-all
		test ! -s out
		one_line
		case $d in
		sqlite)	expect_grep "migrations/models/002_posts.sql:10: index ix_posts_author_id already exists" err ;;
		pg)	expect_grep "migrations/models/002_posts.sql:10: relation \"ix_posts_author_id\" already exists" err ;;
		esac
		expect_tables "legacy" "users posts tags migrate_version migrate_history"
		test "$(user_tables)" = 1
	'

	test_expect_success "$d: --sql prints SQL that builds the same database" '
		newdb ca_sql
		project
		run_migrate 0 create-all --sql
		cp out create.sql
		# offline: the database was not touched
		expect_tables "" "users migrate_version"
		test "$(grep -c "^BEGIN;" create.sql)" = 1
		test "$(grep -c "^COMMIT;" create.sql)" = 1
		expect_grep "CREATE TABLE users" create.sql
		expect_grep "INSERT INTO \"migrate_version\" (version_num) VALUES ($sq$head$sq);" create.sql
		run_sql create.sql
		expect_rows "$head"
		test "$(q "SELECT revision || $sq $sq || direction FROM migrate_history")" = "$head stamp"
		run_migrate 0 diff
		test ! -s out
		run_migrate 0 current
		expect_text "$head (head)" out
		dump "$db" >got.txt
		newdb ca_sql_online
		write_ini
		run_migrate 0 create-all
		dump "$db" >want.txt
		diff -u want.txt got.txt
	'

	test_expect_success "$d: --sql on a database that does not exist (never connects)" '
		case $d in
		sqlite)	url="sqlite:///$PWD/nowhere/x.db" ;;
		pg)	url=$(echo "$MIGRATE_TEST_PG_URL" | sed "s,/migrate_test\$,/t53_nosuch,") ;;
		esac
		project
		run_migrate 0 create-all --sql
		expect_grep "COMMIT;" out
		test ! -e nowhere
	'

	test_expect_success "$d: every head is stamped" '
		newdb ca_heads
		mkdir -p migrations/models
		write_ini
		write_rev a0000000000a "" "users" "CREATE TABLE users (id INTEGER PRIMARY KEY);" \
		    "DROP TABLE users;"
		write_rev b0000000000b a0000000000a "posts" \
		    "CREATE TABLE posts (id INTEGER PRIMARY KEY);" "DROP TABLE posts;"
		write_rev c0000000000c a0000000000a "tags" \
		    "CREATE TABLE tags (id INTEGER PRIMARY KEY);" "DROP TABLE tags;"
		printf "CREATE TABLE users (id INTEGER PRIMARY KEY);\n" >migrations/models/1.sql
		printf "CREATE TABLE posts (id INTEGER PRIMARY KEY);\nCREATE TABLE tags (id INTEGER PRIMARY KEY);\n" \
		    >migrations/models/2.sql
		run_migrate 0 create-all
		expect_grep "stamped the database at " err
		expect_grep "b0000000000b" err
		expect_grep "c0000000000c" err
		expect_rows "b0000000000b c0000000000c"
		test "$(q "SELECT revision || $sq $sq || direction FROM migrate_history ORDER BY revision")" = "b0000000000b stamp
c0000000000c stamp"
		run_migrate 0 upgrade heads
		expect_grep "Nothing to do" err
		run_migrate 0 diff
		test ! -s out
		run_migrate 0 downgrade base
		test "$(user_tables)" = 0
		# offline, the same two rows
		newdb ca_heads_sql
		run_migrate 0 create-all --sql
		cp out heads.sql
		run_sql heads.sql
		expect_rows "b0000000000b c0000000000c"
	'

	test_expect_success "$d: no revisions: the model, an empty version table, and a note" '
		newdb ca_norev
		mkdir -p migrations/models migrations/versions
		write_ini
		printf "CREATE TABLE users (id INTEGER PRIMARY KEY);\n" >migrations/models/1.sql
		printf "CREATE TABLE only_sqlite (id INTEGER);\n" >migrations/models/2.sqlite.sql
		printf "CREATE TABLE only_pg (id INTEGER);\n" >migrations/models/2.postgresql.sql
		run_migrate 0 create-all
		expect_text "Created the model (2 files); no revisions, so the version table stays empty" err
		case $d in
		sqlite)	expect_tables "users only_sqlite migrate_version" "only_pg" ;;
		pg)	expect_tables "users only_pg migrate_version" "only_sqlite" ;;
		esac
		expect_rows "" migrate_version
		run_migrate 0 current
		test ! -s out
		run_migrate 0 diff
		test ! -s out
		run_migrate 0 create-all --sql
		expect_grep "CREATE TABLE users" out
		! grep -q "INSERT INTO \"migrate_version\"" out || false
		expect_grep "No revisions" err
	'
	test_expect_timed "$d: create-all waits for the migration lock as upgrade does" '
		newdb ca_lock
		mkdir -p migrations/models
		write_ini "lock_wait = 1"
		case $d in
		pg)	slow="SELECT pg_sleep(3);" ;;
		sqlite)	slow="WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1
    FROM c WHERE x < 6000000) SELECT count(*) FROM c;" ;;
		esac
		write_rev a0000000000a "" "one" "CREATE TABLE one (id INTEGER);" "DROP TABLE one;"
		write_rev b0000000000b a0000000000a "slow" "$slow" ""
		"$MIGRATE" upgrade head >out.holder 2>err.holder &
		holder=$!
		i=0
		until grep -q -- "-> a0000000000a" err.holder; do
			i=$((i + 1)); test $i -lt 200; sleep 0.05
		done
		run_migrate 1 create-all
		one_line
		expect_grep "the migration lock of ${sq}migrate_version${sq}" err
		expect_grep "waited 1 s (lock_wait)" err
		wait $holder
		expect_rows b0000000000b
		expect_tables "one" ""
	'
done

test_done
