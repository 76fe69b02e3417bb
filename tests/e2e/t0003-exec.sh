#!/bin/sh
# migrate exec on a real SQLite file and a real PostgreSQL server: connect,
# run, report a failing statement by file and line, roll back, and fail
# cleanly on bad credentials and unreachable servers.
. "$(dirname "$0")/lib.sh"

# The same checks on both dialects: $1 is the URL, $2 the dialect.
sql_count_tables() {
	case $2 in
	sqlite)	sqlite3 "$3" "SELECT count(*) FROM sqlite_master WHERE type = 'table'" ;;
	pg)	psql -X -At -d "$3" -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'" ;;
	esac
}

for d in sqlite pg; do
	case $d in
	sqlite)	db=; url='sqlite:///app.db' ;;
	pg)	db=exec_ok; url=$(pg_newdb exec_ok) ;;
	esac
	export url d db

	test_expect_success "$d: exec runs a script and the tables exist" '
		cat >s.sql <<-\SQL
		-- users first
		CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
		CREATE TABLE posts (id INTEGER PRIMARY KEY,
		    user_id INTEGER REFERENCES users (id), body TEXT);
		INSERT INTO users (id, name) VALUES (1, '"'"'a;b'"'"');
		SQL
		run_migrate 0 --url "$url" exec s.sql
		sed "s/ (.*//" err >e
		expect_text "s.sql: 3 statements" e
		if [ $d = sqlite ]; then
			test "$(sql_count_tables x sqlite app.db)" = 2
			test "$(sqlite3 app.db "SELECT name FROM users")" = "a;b"
		else
			test "$(sql_count_tables x pg $db)" = 2
			test "$(psql -X -At -d $db -c "SELECT name FROM users")" = "a;b"
		fi
	'

	test_expect_success "$d: a failing statement names file and line, and nothing is left" '
		if [ $d = pg ]; then url=$(pg_newdb exec_fail); db=exec_fail; fi
		cat >bad.sql <<-\SQL
		CREATE TABLE a (id INTEGER PRIMARY KEY);

		/* a comment; with a semicolon */
		CREATE TABLE b (id INTEGER PRIMARY KEY);
		INSERT INTO a VALUES (1);
		INSERT INTO
		  nosuchtable VALUES (1);
		CREATE TABLE c (id INTEGER);
		SQL
		run_migrate 1 --url "$url" exec bad.sql
		test ! -s out
		test "$(wc -l <err)" -eq 1
		if [ $d = sqlite ]; then
			# SQLite says where a statement fails, not where in it
			expect_text "bad.sql:6: no such table: nosuchtable" err
			test "$(sql_count_tables x sqlite app.db)" = 0
		else
			expect_text "bad.sql:7: relation \"nosuchtable\" does not exist (SQLSTATE 42P01)" err
			test "$(sql_count_tables x pg $db)" = 0
		fi
	'

	test_expect_success "$d: --no-transaction keeps what ran before the failure" '
		if [ $d = pg ]; then url=$(pg_newdb exec_notx); db=exec_notx; fi
		printf "CREATE TABLE a (id INTEGER);\nSELECT * FROM nope;\n" >bad.sql
		run_migrate 1 --url "$url" exec --no-transaction bad.sql
		expect_grep "bad.sql:2: " err
		if [ $d = sqlite ]; then
			test "$(sql_count_tables x sqlite app.db)" = 1
		else
			test "$(sql_count_tables x pg $db)" = 1
		fi
	'

	test_expect_success "$d: several files and stdin run in one transaction" '
		if [ $d = pg ]; then url=$(pg_newdb exec_multi); db=exec_multi; fi
		echo "CREATE TABLE one (id INTEGER);" >1.sql
		echo "CREATE TABLE two (id INTEGER); SELECT 1 FROM nope;" >2.sql
		run_migrate 1 --url "$url" exec 1.sql 2.sql
		expect_grep "2.sql:1: " err
		echo "CREATE TABLE three (id INTEGER);" | "$MIGRATE" -q --url "$url" exec 1.sql - >out 2>err
		test ! -s err
		if [ $d = sqlite ]; then
			test "$(sql_count_tables x sqlite app.db)" = 2
		else
			test "$(sql_count_tables x pg $db)" = 2
		fi
	'

	test_expect_success "$d: a syntax error points at its line inside the statement" '
		if [ $d = pg ]; then url=$(pg_newdb exec_syntax); fi
		printf "SELECT 1;\nCREATE TABLE t (\n  id INTEGER,\n  name TEXT,,\n  x INTEGER);\n" >syn.sql
		run_migrate 1 --url "$url" exec syn.sql
		expect_grep "syn.sql:4: " err
	'

	test_expect_success "$d: an unterminated string is reported where it starts" '
		printf "SELECT 1;\nSELECT '"'"'abc;\nSELECT 2;\n" >open.sql
		run_migrate 1 --url "$url" exec open.sql
		expect_grep "open.sql:2: unterminated" err
	'

	test_expect_success "$d: a missing file is a one-line error" '
		run_migrate 1 --url "$url" exec nope.sql
		expect_text "migrate: cannot read '"'"'nope.sql'"'"': No such file or directory" err
	'
done

test_expect_success 'pg: the URL password is percent-decoded and works' '
	case $MIGRATE_TEST_PG_URL in *p%40ss%3Aw%2Frd%2525@*) ;; *) false ;; esac
	echo "SELECT 1;" >one.sql
	run_migrate 0 --url "$MIGRATE_TEST_PG_URL" exec one.sql
'

test_expect_success 'every output of migrate is checked for the password, as it is and encoded' '
	[ -n "${MIGRATE_TEST_PG_PASSWORD:-}" ]
	printf "ok\n" >clean
	no_password clean
	printf "x %s y\n" "$MIGRATE_TEST_PG_PASSWORD" >plain
	! no_password plain || false
	printf "x p%%40ss%%3Aw%%2Frd%%2525 y\n" >encoded
	! no_password encoded || false
'

test_expect_success 'pg: a wrong password is one line, exit 1, no password' '
	bad=$(echo "$MIGRATE_TEST_PG_URL" | sed "s/p%40ss%3Aw%2Frd%2525/wr0ng-pw%40x/")
	echo "SELECT 1;" >one.sql
	run_migrate 1 --url "$bad" exec one.sql
	test "$(wc -l <err)" -eq 1
	expect_grep "cannot connect to postgresql://migrate:***@127.0.0.1:$PGPORT/migrate_test: " err
	expect_grep "password authentication failed for user \"migrate\"" err
	! grep -q "wr0ng" err || false
	! grep -q "p@ss" err || false
	test ! -s out
'

test_expect_success 'pg: a refused connection says so in one line' '
	port=1
	echo "SELECT 1;" >one.sql
	run_migrate 1 --url "postgresql://migrate:secretpw@127.0.0.1:$port/x?connect_timeout=5" exec one.sql
	test "$(wc -l <err)" -eq 1
	expect_grep "cannot connect to postgresql://migrate:***@127.0.0.1:1/x" err
	expect_grep "Connection refused" err
	! grep -q secretpw err || false
'

test_expect_success 'pg: an unknown URL parameter is a configuration error' '
	echo "SELECT 1;" >one.sql
	run_migrate 2 --url "$MIGRATE_TEST_PG_URL?bogus_opt=1" exec one.sql
	expect_grep "bogus_opt" err
	! grep -q "p@ss" err || false
'

test_expect_success 'pg: COPY from the client is refused and the rest rolls back' '
	url=$(pg_newdb exec_copy)
	printf "CREATE TABLE z (x INTEGER);\nCOPY z FROM stdin;\n" >copy.sql
	run_migrate 1 --url "$url" exec copy.sql
	expect_grep "copy.sql:2: COPY ... FROM STDIN and TO STDOUT cannot run" err
	test "$(psql -X -At -d exec_copy -c "SELECT count(*) FROM pg_tables WHERE tablename = '"'"'z'"'"'")" = 0
'

test_expect_success 'pg: query parameters reach libpq (application_name)' '
	echo "CREATE TABLE app AS SELECT current_setting('"'"'application_name'"'"') AS n;" >app.sql
	url=$(pg_newdb exec_app)
	run_migrate 0 --url "$url?application_name=my%20app&sslmode=disable" exec app.sql
	test "$(psql -X -At -d exec_app -c "SELECT n FROM app")" = "my app"
'

test_expect_success 'sqlite: ?mode=ro refuses writes' '
	sqlite3 ro.db "CREATE TABLE t (id INTEGER)"
	echo "INSERT INTO t VALUES (1);" >w.sql
	run_migrate 1 --url "sqlite:///ro.db?mode=ro" exec w.sql
	expect_grep "w.sql:1: " err
	expect_grep "/ro.db" err
	expect_grep "attempt to write a readonly database" err
	test "$(sqlite3 ro.db "SELECT count(*) FROM t")" = 0
'

test_expect_success 'sqlite: odd file names survive URI parameters' '
	echo "CREATE TABLE t (id INTEGER);" >t.sql
	run_migrate 0 --url "sqlite:///we#i%rd&=.db?mode=rwc&cache=private" exec t.sql
	test "$(sqlite3 "we#i%rd&=.db" "SELECT name FROM sqlite_master")" = t
'

test_expect_success 'sqlite: an absolute path and a missing folder' '
	echo "CREATE TABLE t (id INTEGER);" >t.sql
	run_migrate 0 --url "sqlite:///$PWD/abs.db" exec t.sql
	test -s "$PWD/abs.db"
	run_migrate 1 --url "sqlite:///no/such/dir/x.db" exec t.sql
	expect_text "migrate: cannot open SQLite database '"'"'no/such/dir/x.db'"'"': unable to open database file" err
'

test_expect_success 'sqlite: a file that is not a database' '
	echo "hello" >notdb.db
	echo "SELECT 1;" >t.sql
	run_migrate 1 --url "sqlite:///notdb.db" exec t.sql
	expect_grep "file is not a database" err
'

test_expect_success 'a malformed URL is a usage error naming what is wrong' '
	echo "SELECT 1;" >t.sql
	run_migrate 2 --url "postgresql://u:pw@host:99999/db" exec t.sql
	expect_grep "invalid port" err
	run_migrate 2 --url "oracle://x/y" exec t.sql
	expect_grep "unknown database URL scheme" err
	MIGRATE_URL="postgresql://u:pw@host/" run_migrate 2 exec t.sql
	expect_text "MIGRATE_URL: no database name in URL" err
'

test_done
