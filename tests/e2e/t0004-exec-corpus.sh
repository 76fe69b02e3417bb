#!/bin/sh
# The splitter on real schemas: every corpus file run statement by statement
# through migrate exec gives the same database as the file run whole by the
# database's own client (judged by sqlite_master and by pg_dump).
. "$(dirname "$0")/lib.sh"

test -d "$MIGRATE_CORPUS" || { echo "not ok - corpus not found at $MIGRATE_CORPUS"; exit 1; }

for f in "$MIGRATE_CORPUS"/*/sqlite*.sql; do
	export f
	name=$(basename "$(dirname "$f")")/$(basename "$f")
	test_expect_success "sqlite: $name split equals whole" '
		sqlite3 whole.db <"$f"
		run_migrate 0 --url sqlite:///split.db exec "$f"
		q="SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
		sqlite3 whole.db "$q" >whole.txt
		sqlite3 split.db "$q" >split.txt
		test -s whole.txt
		diff -u whole.txt split.txt
	'
done

n=0
for f in "$MIGRATE_CORPUS"/*/postgres*.sql; do
	n=$((n + 1))
	export f n
	name=$(basename "$(dirname "$f")")/$(basename "$f")
	test_expect_success "pg: $name split equals whole" '
		psql -X -q -d postgres -c "DROP DATABASE IF EXISTS whole_$n" -c "CREATE DATABASE whole_$n" >/dev/null
		psql -X -q -d postgres -c "DROP DATABASE IF EXISTS split_$n" -c "CREATE DATABASE split_$n" >/dev/null
		# one simple-protocol query: the server parses the file whole
		psql -X -q -v ON_ERROR_STOP=1 -d whole_$n -c "$(cat "$f")" >/dev/null
		super="postgresql://postgres:$PGPASSWORD@127.0.0.1:$PGPORT/split_$n"
		run_migrate 0 --url "$super" exec "$f"
		# pg_dump marks its output with a random \restrict key
		"$MIGRATE_TEST_PG_BIN/pg_dump" -s -d whole_$n | grep -v "^.\(un\)\?restrict " >whole.txt
		"$MIGRATE_TEST_PG_BIN/pg_dump" -s -d split_$n | grep -v "^.\(un\)\?restrict " >split.txt
		grep -q "CREATE TABLE" whole.txt
		diff -u whole.txt split.txt
	'
done

test_done
