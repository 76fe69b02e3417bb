#!/bin/sh
# diff --from-ref REF [--to-ref REF2] (issue 5 point 4): the SQL between
# the model at a git commit and the model at another (or in the work
# tree), read with libgit2, with no database read or changed. The
# repositories are made by the test with git; migrate never runs git.
. "$(dirname "$0")/lib.sh"

export GIT_AUTHOR_NAME=T GIT_AUTHOR_EMAIL=t@example.com \
    GIT_COMMITTER_NAME=T GIT_COMMITTER_EMAIL=t@example.com
sq="'"

# repo [INI-LINES...]: a git repository holding a project whose model is
# one table, committed on main.
repo() {
	git init -q -b main .
	mkdir -p migrations/models migrations/versions
	printf "CREATE TABLE users (id integer PRIMARY KEY, name text);\n" \
	    >migrations/models/001_users.sql
	write_ini "$@"
	git add -A
	git commit -q -m init
}

# commit MSG: commit the work tree as it is.
commit() {
	git add -A
	git commit -q -m "$1"
}

for d in sqlite pg; do
	export d

	test_expect_success "$d: the work tree against a ref, two refs, and back" '
		new_db dr_refs
		repo "models = %(here)s/migrations/models"
		printf "CREATE TABLE \"order\" (id integer PRIMARY KEY, \"na me\" text NOT NULL);\n" \
		    >migrations/models/002_order.sql
		run_migrate 0 diff --from-ref main
		expect_grep "CREATE TABLE " out
		expect_grep "\"order\"" out
		expect_grep "\"na me\" text NOT NULL" out
		cp out first
		commit order
		run_migrate 0 diff --from-ref main
		test ! -s out
		expect_text "No changes detected" err
		run_migrate 0 diff --from-ref HEAD~1 --to-ref HEAD
		cmp out first
		run_migrate 0 diff --from-ref HEAD --to-ref HEAD~1
		expect_grep "DROP TABLE " out
		expect_grep "WARNING: drop table " err
		# a column added on a branch, renamed as the model says
		git checkout -q -b feature
		sed -i "s/name text/full_name text, -- migrate:renamed-from name\n email text/" migrations/models/001_users.sql
		commit rename
		run_migrate 0 diff --from-ref main --to-ref feature --format json
		/usr/bin/python3 -c "
import json
d = json.load(open(\"out\"))
assert d[\"changes\"] == 2, d
sql = d[\"sql\"].replace(chr(34), \"\")
assert \"RENAME COLUMN name TO full_name\" in sql, d
assert \"ADD COLUMN email text\" in sql, d
"
		# the database was never read: still empty, or not there
		case $d in
		sqlite)	test ! -e "$db" ;;
		pg)	test "$(q "SELECT count(*) FROM pg_tables WHERE schemaname = ${sq}public${sq}")" = 0 ;;
		esac
	'

	test_expect_success "$d: a glob of models, and files for one dialect only" '
		new_db dr_glob
		repo "models = %(here)s/migrations/models/*.sql"
		printf "CREATE TABLE only_sqlite (id integer);\n" >migrations/models/003.sqlite.sql
		printf "CREATE TABLE only_pg (id integer);\n" >migrations/models/003.postgresql.sql
		commit dialects
		run_migrate 0 diff --from-ref HEAD~1
		case $d in
		sqlite)	expect_grep "only_sqlite" out; ! grep -q only_pg out ;;
		pg)	expect_grep "only_pg" out; ! grep -q only_sqlite out ;;
		esac
		# a model folder the ref did not have yet: no model there
		git rm -q -r migrations/models
		commit nomodel
		mkdir -p migrations/models
		printf "CREATE TABLE users (id integer PRIMARY KEY);\n" >migrations/models/001.sql
		run_migrate 0 diff --from-ref HEAD
		expect_grep "CREATE TABLE " out
		expect_grep "users" out
	'

	test_expect_success "$d: errors: a model at the ref that does not load, a ref that names nothing" '
		new_db dr_errors
		repo "models = %(here)s/migrations/models"
		printf "CREATE TABLE broken (\n id integer PRIMARY KEY,\n x integer REFERENCES\n);\n" \
		    >migrations/models/002_broken.sql
		commit broken
		rm migrations/models/002_broken.sql
		run_migrate 1 diff --from-ref HEAD
		one_line
		expect_grep "$PWD/migrations/models/002_broken.sql:4: at HEAD: " err
		run_migrate 0 diff --from-ref HEAD~1
		run_migrate 2 diff --from-ref nosuch
		one_line
		expect_grep "migrate: cannot resolve git ref nosuch" err
		run_migrate 2 diff --to-ref HEAD
		expect_text "migrate: --to-ref goes with --from-ref" err
		# nothing left in the temporary folder, whatever happened
		mkdir tmp
		TMPDIR=$PWD/tmp run_migrate 1 diff --from-ref HEAD
		TMPDIR=$PWD/tmp run_migrate 0 diff --from-ref HEAD~1
		test -z "$(ls -A tmp)"
	'

	test_expect_success "$d: what a tree at a ref may hold: a symbolic link, a name like .., a folder it lacks" '
		new_db dr_tree
		repo "models = %(here)s/migrations/models/*/*.sql"
		mkdir -p migrations/models/a shared
		printf "CREATE TABLE s (id integer);\n" >shared/s.sql
		ln -s ../../../shared/s.sql migrations/models/a/s.sql
		commit link
		run_migrate 0 diff
		expect_grep "CREATE TABLE " out
		run_migrate 2 diff --from-ref HEAD
		one_line
		expect_text "migrate: $PWD/migrations/models/a/s.sql at HEAD is a symbolic link, which is not followed" err
		# a tree that climbs out of the folder: refused, nothing written
		blob=$(printf "CREATE TABLE evil (id integer);\n" | git hash-object -w --stdin)
		t1=$(printf "100644 blob $blob\tevil.sql\n" | git mktree)
		t2=$(printf "040000 tree $t1\t..\n" | git mktree)
		t3=$(printf "040000 tree $t2\tmodels\n" | git mktree)
		t4=$(printf "040000 tree $t3\tmigrations\n" | git mktree)
		git branch evil $(git commit-tree -m evil $t4)
		mkdir tmp
		TMPDIR=$PWD/tmp run_migrate 2 diff --from-ref evil
		expect_text "migrate: ${sq}..${sq} at evil is not a valid path" err
		test -z "$(ls -A tmp)"
		test ! -e migrations/evil.sql
		# a models folder the ref does not have: said, and empty there
		printf "%s\n" "[migrate]" "script_location = %(here)s/migrations" "url = $url" "models = %(here)s/schema" >migrate.ini
		mkdir schema
		printf "CREATE TABLE s2 (id integer);\n" >schema/1.sql
		run_migrate 0 diff --from-ref HEAD
		expect_text "warning: $PWD/schema is not at HEAD: the model is empty there" err
		expect_grep "s2" out
	'
done

test_expect_success "pg: with dev_url, no connection to the database at all" '
	d=pg
	dev=$(pg_newdb t0064_dr_dev)
	url=$(echo "$MIGRATE_TEST_PG_URL" | sed "s,/migrate_test\$,/t0064_never,")
	repo "models = %(here)s/migrations/models" "dev_url = $dev"
	printf "CREATE TABLE more (id integer PRIMARY KEY);\n" >migrations/models/002_more.sql
	run_migrate 0 diff --from-ref main
	expect_grep "\"more\"" out
'

test_done
