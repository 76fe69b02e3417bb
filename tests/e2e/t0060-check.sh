#!/bin/sh
# migrate check (issue 5 point 1, and the heads of point 3): exit 0 when
# the database is at head, no applied revision was edited and the database
# equals the model; exit 1 naming each place where that is not so; exit 2
# on usage and configuration errors.
. "$(dirname "$0")/lib.sh"

sq="'"
head=e29d6f4a0c18	# the example project's head

# project: the example project's model and revisions, on $url.
project() {
	mkdir -p migrations/models migrations/versions
	cp "$top/migrations/models/"*.sql migrations/models/
	cp "$top/migrations/versions/"*.sql migrations/versions/
	write_ini
}

# never: a database URL that --replay must not touch (it does not exist)
never() {
	case $d in
	sqlite)	url="sqlite:///$PWD/never.db" ;;
	pg)	url=$(echo "$MIGRATE_TEST_PG_URL" | sed "s,/migrate_test\$,/t60_never,") ;;
	esac
}

for d in sqlite pg; do
	export d

	test_expect_success "$d: at head and equal to the model: exit 0" '
		new_db ck_ok
		project
		run_migrate 0 upgrade head
		run_migrate 0 check
		test ! -s out
		expect_text "OK: the database is at $head, no applied revision was edited, and it equals the model" err
	'

	test_expect_success "$d: behind: exit 1, each pending revision named" '
		new_db ck_behind
		project
		run_migrate 0 upgrade 8c41d07e2b95
		run_migrate 1 check
		expect_text "pending: b7e05a3d91c2 (tag posts) is not applied (the database is at 8c41d07e2b95)
pending: $head (add comments) is not applied (the database is at 8c41d07e2b95)" out
		expect_text "migrate: check failed: 2 problems (the model is compared once the database is at head)" err
	'

	test_expect_success "$d: drift: exit 1, every difference with both sides" '
		new_db ck_drift
		project
		run_migrate 0 upgrade head
		q "ALTER TABLE users ADD COLUMN extra text"
		q "DROP INDEX ix_posts_author_id"
		case $d in
		sqlite)	;;
		pg)	q "ALTER TABLE users ALTER COLUMN name TYPE varchar(50)" ;;
		esac
		run_migrate 1 check
		case $d in
		sqlite)	expect_grep "drift: column users.extra: in the database only (TEXT)" out ;;
		pg)	expect_grep "drift: column users.extra: in the database only (text)" out ;;
		esac
		expect_grep "drift: table posts: index ix_posts_author_id in the model only: CREATE INDEX ix_posts_author_id ON" out
		case $d in
		sqlite)	test "$(wc -l <out)" = 2 ;;
		pg)	expect_grep "drift: column users.name: the type is character varying(100) in the model, character varying(50) in the database" out
			test "$(wc -l <out)" = 3 ;;
		esac
		one_line
		expect_grep "migrate: check failed: " err
		# nothing was changed by looking
		run_migrate 1 check
	'

	test_expect_success "$d: an applied revision edited afterwards: exit 1" '
		new_db ck_edit
		project
		run_migrate 0 upgrade head
		f=$(ls migrations/versions/3f2a9c1b7e4d_*.sql)
		sed -i "s/^-- migrate:upgrade\$/-- migrate:upgrade\n-- an edit/" "$f"
		grep -q "an edit" "$f"
		run_migrate 1 check
		expect_grep "edited: $PWD/$f: the upgrade part of revision 3f2a9c1b7e4d changed after it was applied (it ran as " out
		test "$(wc -l <out)" = 1
		# the downgrade part did not run: editing it is not a finding
		git_free=$(ls migrations/versions/8c41d07e2b95_*.sql)
		printf "%s\n" "-- a note" >>"$git_free"
		run_migrate 1 check
		test "$(wc -l <out)" = 1
		# a revision that is not applied may change
		run_migrate 0 downgrade 3f2a9c1b7e4d
		run_migrate 1 check
		! grep -q "edited: .*8c41d07e2b95" out || false
	'

	test_expect_success "$d: two heads: exit 1 unless --heads names them" '
		new_db ck_heads
		mkdir -p migrations/models
		write_ini
		write_rev a0000000000a "" "users" "CREATE TABLE users (id INTEGER PRIMARY KEY);" "DROP TABLE users;"
		write_rev b0000000000b a0000000000a "posts" "CREATE TABLE posts (id INTEGER PRIMARY KEY);" "DROP TABLE posts;"
		write_rev c0000000000c a0000000000a "tags" "CREATE TABLE tags (id INTEGER PRIMARY KEY);" "DROP TABLE tags;"
		printf "CREATE TABLE users (id INTEGER PRIMARY KEY);\nCREATE TABLE posts (id INTEGER PRIMARY KEY);\nCREATE TABLE tags (id INTEGER PRIMARY KEY);\n" \
		    >migrations/models/1.sql
		run_migrate 0 upgrade heads
		run_migrate 1 check
		expect_text "heads: 2 heads, b0000000000b (posts), c0000000000c (tags): merge them (migrate merge heads) or name them with --heads" out
		run_migrate 0 check --heads b0000000000b,c0000000000c
		run_migrate 1 check --heads b0000000000b
		expect_text "heads: c0000000000c is a head that --heads does not name" out
		run_migrate 1 check --heads a0000000000a,b0000000000b,c0000000000c
		expect_text "heads: a0000000000a is not a head (2 revisions build on it)" out
		run_migrate 2 check --heads nosuch
		one_line
		expect_grep "nosuch" err
	'

	test_expect_success "$d: graph problems: every one listed, exit 1; usage errors: exit 2" '
		new_db ck_conf
		project
		run_migrate 0 upgrade head
		V=$PWD/migrations/versions
		printf "this is not a header\n" >$V/zz_broken.sql
		# an orphan (its parent is not there), an id twice, one in
		# another case
		sed "s/^-- Revision ID: $head\$/-- Revision ID: f00000000001/; s/^-- Revises: .*/-- Revises: gone/" \
		    $V/${head}_add_comments.sql >$V/f00000000001_orphan.sql
		cp $V/${head}_add_comments.sql $V/a_again.sql
		sed "s/^-- Revision ID: $head\$/-- Revision ID: E29D6F4A0C18/" \
		    $V/${head}_add_comments.sql >$V/b_case.sql
		run_migrate 1 check
		expect_text "graph: $V/zz_broken.sql:1: the header has no ${sq}Revision ID:$sq line (a revision script starts with ${sq}-- message$sq, then ${sq}-- Revision ID: ...$sq and ${sq}-- Revises: ...$sq)
graph: $V/b_case.sql:3: revision id ${sq}E29D6F4A0C18$sq is also the id of $sq$V/a_again.sql$sq (ids differ only in case)
graph: $V/${head}_add_comments.sql:3: revision id ${sq}$head$sq is also the id of $sq$V/a_again.sql$sq
graph: $V/f00000000001_orphan.sql:4: revision f00000000001 revises ${sq}gone$sq, which does not exist" out
		expect_text "migrate: check failed: 4 problems" err
		run_migrate 1 check --format json
		/usr/bin/python3 -c "
import json
d = json.load(open(\"out\"))
assert [p[\"kind\"] for p in d[\"problems\"]] == [\"graph\"] * 4, d
"
		# other commands stop at the first, exit 2
		run_migrate 2 heads
		one_line
		rm $V/zz_broken.sql $V/f00000000001_orphan.sql $V/a_again.sql $V/b_case.sql
		run_migrate 0 check
		run_migrate 2 check --nosuch
		run_migrate 2 check extra-arg
	'
	test_expect_success "$d: --replay: the revisions build the model, with no live database" '
		never
		project
		run_migrate 0 check --replay
		test ! -s out
		expect_text "OK: the revisions build the model from base to head" err
		run_migrate 0 check --replay --stairway
		expect_text "OK: the revisions build the model from base to head, and each downgrade gives back the schema of before its upgrade" err
		test ! -e never.db
		# a model change without a revision
		printf "CREATE TABLE extra (id integer PRIMARY KEY);\n" >migrations/models/003_extra.sql
		run_migrate 1 check --replay
		expect_text "replay: table extra: in the model only" out
		expect_text "migrate: check failed: 1 problem" err
		rm migrations/models/003_extra.sql
		# no scratch database is left behind
		case $d in
		pg)	test "$(psql -X -At -d postgres -c "SELECT count(*) FROM pg_database WHERE datname LIKE ${sq}migrate_replay%$sq")" = 0 ;;
		esac
	'

	test_expect_success "$d: --replay: a revision that does not apply, named by file and line" '
		never
		project
		f=$(ls migrations/versions/b7e05a3d91c2_*.sql)
		sed -i "0,/^CREATE TABLE tags/s/^CREATE TABLE tags/CREATE TABLE tags (/" "$f"
		run_migrate 1 check --replay
		expect_grep "replay: the upgrade of b7e05a3d91c2 failed: $PWD/$f:" out
		test "$(wc -l <out)" = 1
	'

	test_expect_success "$d: --stairway: a downgrade that leaves a table, and one that fails" '
		never
		project
		f=$(ls migrations/versions/8c41d07e2b95_*.sql)
		cp "$f" saved
		sed -i "s/^DROP TABLE posts;\$/SELECT 1;/" "$f"
		run_migrate 0 check --replay
		run_migrate 1 check --replay --stairway
		expect_text "stairway: the downgrade of 8c41d07e2b95: table posts: in the schema it leaves only" out
		cp saved "$f"
		sed -i "s/^DROP TABLE posts;\$/DROP TABLE postz;/" "$f"
		run_migrate 1 check --replay --stairway
		expect_grep "stairway: the downgrade of 8c41d07e2b95 failed: $PWD/$f:" out
		run_migrate 2 check --stairway
		expect_text "migrate: --stairway goes with --replay" err
	'
done

test_expect_success "pg: --replay as a role that may not create databases: the server says why, and the hint" '
	d=pg
	psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP ROLE IF EXISTS t60_nocreate" -c "CREATE ROLE t60_nocreate LOGIN PASSWORD ${sq}pw${sq} NOCREATEDB"
	url="postgresql://t60_nocreate:pw@$PGHOST:$PGPORT/postgres"
	project
	run_migrate 1 check --replay
	psql -X -q -d postgres -c "DROP ROLE t60_nocreate"
	one_line
	expect_text "migrate: check --replay creates a scratch database and could not: permission denied to create database (SQLSTATE 42501) (grant CREATEDB, or set dev_url to a server where the role may)" err
'

test_expect_success "sqlite: a database file that does not exist is at base and is not created" '
	d=sqlite
	db=$PWD/none.db url="sqlite:///$db"
	project
	run_migrate 1 check
	expect_grep "pending: 3f2a9c1b7e4d (create users) is not applied (the database is at base)" out
	test ! -e none.db
'

test_done
