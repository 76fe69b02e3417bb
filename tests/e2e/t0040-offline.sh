#!/bin/sh
# Offline mode (issue 3 point 9): upgrade --sql, downgrade --sql FROM:TO
# and stamp --sql print a SQL script and touch no database; the script,
# fed to sqlite3 or psql, gives the same schema, version rows and history
# as the online run.
. "$(dirname "$0")/lib.sh"

# migrate.ini without a url (each run passes --url), plus any lines given.
write_ini() {
	printf '[migrate]\nscript_location = %%(here)s/migrations\n' >migrate.ini
	for l in "$@"; do
		printf '%s\n' "$l" >>migrate.ini
	done
}

# Three revisions in a line: users, posts (with a row), a column.
linear_chain() {
	write_ini
	write_rev 1111aaaa0001 "" "add users" \
	    "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);
CREATE INDEX users_name ON users (name);" \
	    "DROP TABLE users;"
	write_rev 2222bbbb0002 1111aaaa0001 "add posts" \
	    "-- a comment; with a semicolon
CREATE TABLE posts (id INTEGER PRIMARY KEY,
    user_id INTEGER REFERENCES users (id), body TEXT);
INSERT INTO users (id, name) VALUES (1, 'it''s; here');" \
	    "DELETE FROM users WHERE id = 1;
DROP TABLE posts;"
	write_rev 3333cccc0003 2222bbbb0002 "post titles" \
	    "ALTER TABLE posts ADD COLUMN title VARCHAR(100);" \
	    "ALTER TABLE posts DROP COLUMN title;"
}

# Branch and merge: A; B and C on A; M merges B and C; D on M.
merge_graph() {
	write_ini
	write_rev aaaa00000001 "" "base a" "CREATE TABLE ta (id INTEGER);" \
	    "DROP TABLE ta;"
	write_rev bbbb00000002 aaaa00000001 "branch b" \
	    "CREATE TABLE tb (id INTEGER);" "DROP TABLE tb;"
	write_rev cccc00000003 aaaa00000001 "branch c" \
	    "CREATE TABLE tc (id INTEGER);" "DROP TABLE tc;"
	write_rev dddd00000004 "bbbb00000002, cccc00000003" "merge b and c" \
	    "CREATE TABLE tm (id INTEGER);" "DROP TABLE tm;"
	write_rev eeee00000005 dddd00000004 "after merge" \
	    "CREATE TABLE te (id INTEGER);" "DROP TABLE te;"
}

# newdb NAME: set url (for migrate) and db (for sqlite3/psql) to a fresh
# database of dialect $d that does not exist yet (SQLite) or is empty (PG).
newdb() {
	case $d in
	sqlite)	db=$1.db; url=sqlite:///$1.db ;;
	pg)	url=$(pg_newdb "t40_$1"); db=$url ;;
	esac
}

# q DB SQL: one query, rows with | between columns.
q() {
	case $d in
	sqlite)	sqlite3 "$1" "$2" ;;
	pg)	psql -X -At -v ON_ERROR_STOP=1 -d "$1" -c "$2" ;;
	esac
}

# run_sql DB FILE: the way a DBA runs the printed script.
run_sql() {
	case $d in
	sqlite)	sqlite3 -bail "$1" <"$2" ;;
	pg)	psql -X -q -v ON_ERROR_STOP=1 -d "$1" -f "$2" ;;
	esac
}

# The user tables of DB, one a line.
tables() {
	case $d in
	sqlite)	q "$1" "SELECT name FROM sqlite_master WHERE type = 'table'
		    ORDER BY name" ;;
	pg)	q "$1" "SELECT tablename FROM pg_tables
		    WHERE schemaname = 'public' ORDER BY 1" ;;
	esac
}

versions() {
	q "$1" "SELECT version_num FROM migrate_version ORDER BY 1"
}

# Schema, version rows and history (without times) of DB.
fingerprint() {
	case $d in
	sqlite)	q "$1" "SELECT type, name, tbl_name, sql FROM sqlite_master
		    ORDER BY type, name" ;;
	pg)	q "$1" "SELECT table_name, column_name, data_type,
		    character_maximum_length, is_nullable, column_default
		    FROM information_schema.columns
		    WHERE table_schema = 'public' ORDER BY 1, ordinal_position"
		q "$1" "SELECT indexname, indexdef FROM pg_indexes
		    WHERE schemaname = 'public' ORDER BY 1" ;;
	esac
	echo "-- versions"
	versions "$1"
	echo "-- history"
	q "$1" "SELECT revision, direction, status, checksum, statements
	    FROM migrate_history ORDER BY id"
	echo "-- users"
	if tables "$1" | grep -qx users; then
		q "$1" "SELECT id, name FROM users ORDER BY id"
	fi
}

# same_db A B: fail with a diff unless both fingerprints are equal.
same_db() {
	fingerprint "$1" >fp.a
	fingerprint "$2" >fp.b
	diff -u fp.a fp.b
}

# The database was not touched: no SQLite file, no PG table.
untouched() {
	case $d in
	sqlite)	test ! -e "$1" ;;
	pg)	test -z "$(tables "$1")" ;;
	esac
}

for d in sqlite pg; do
	export d

	test_expect_success "$d: upgrade head --sql prints the script and touches no database" '
		linear_chain
		newdb off
		run_migrate 0 --url "$url" upgrade head --sql
		untouched "$db"
		expect_grep "CREATE TABLE IF NOT EXISTS \"migrate_version\"" out
		expect_grep "CREATE TABLE IF NOT EXISTS \"migrate_history\"" out
		# the version table before any revision runs
		vline=$(grep -n "CREATE TABLE IF NOT EXISTS \"migrate_version\"" out | cut -d: -f1)
		uline=$(grep -n "CREATE TABLE users" out | cut -d: -f1)
		test "$vline" -lt "$uline"
		# BEGIN/COMMIT around each of the 3 revisions
		test "$(grep -c "^BEGIN;" out)" = 3
		test "$(grep -c "^COMMIT;" out)" = 3
		expect_grep "INSERT INTO \"migrate_version\" (version_num) VALUES ('"'"'1111aaaa0001'"'"');" out
		expect_grep "UPDATE \"migrate_version\" SET version_num = '"'"'2222bbbb0002'"'"' WHERE version_num = '"'"'1111aaaa0001'"'"';" out
		expect_grep "UPDATE \"migrate_version\" SET version_num = '"'"'3333cccc0003'"'"' WHERE version_num = '"'"'2222bbbb0002'"'"';" out
		# each revision: BEGIN, its statements, the version update, COMMIT
		awk "/^BEGIN;/ { b++ } /^COMMIT;/ { c++ }
		    /CREATE TABLE posts/ { if (b != 2 || c != 1) exit 1 }
		    /SET version_num = .3333cccc0003./ { if (b != 3 || c != 2) exit 1 }" out
		untouched "$db"
	'

	test_expect_success "$d: the printed upgrade, run by the DBA, equals an online upgrade" '
		linear_chain
		newdb offeq; off=$db
		run_migrate 0 --url "$url" upgrade head --sql
		cp out up.sql
		untouched "$off"
		run_sql "$off" up.sql
		newdb oneq; on=$db
		run_migrate 0 --url "$url" upgrade head
		test "$(versions "$off")" = 3333cccc0003
		test "$(q "$off" "SELECT count(*) FROM migrate_history WHERE direction = '"'"'upgrade'"'"'")" = 3
		same_db "$off" "$on"
	'

	test_expect_success "$d: downgrade FROM:base --sql undoes it the same way as online" '
		linear_chain
		newdb offdn; off=$db; offurl=$url
		newdb ondn; on=$db; onurl=$url
		run_migrate 0 --url "$offurl" upgrade head --sql
		run_sql "$off" out
		run_migrate 0 --url "$onurl" upgrade head
		run_migrate 0 --url "$offurl" downgrade head:base --sql
		cp out down.sql
		test "$(grep -c "^BEGIN;" down.sql)" = 3
		expect_grep "DELETE FROM \"migrate_version\" WHERE version_num = '"'"'1111aaaa0001'"'"';" down.sql
		# no version table created going down
		! grep -q "CREATE TABLE" down.sql || false
		# printing it changed nothing
		test "$(versions "$off")" = 3333cccc0003
		run_sql "$off" down.sql
		run_migrate 0 --url "$onurl" downgrade base
		test -z "$(versions "$off")"
		test "$(tables "$off" | tr "\n" " ")" = "migrate_history migrate_version "
		same_db "$off" "$on"
	'

	test_expect_success "$d: upgrade a:b --sql and downgrade b:a --sql over a part of the chain" '
		linear_chain
		newdb offpart; off=$db; offurl=$url
		newdb onpart; on=$db; onurl=$url
		run_migrate 0 --url "$offurl" upgrade 1111aaaa0001
		run_migrate 0 --url "$onurl" upgrade 1111aaaa0001
		run_migrate 0 --url "$offurl" upgrade 1111aaaa0001:3333cccc0003 --sql
		cp out up.sql
		test "$(grep -c "^BEGIN;" up.sql)" = 2
		! grep -q "CREATE TABLE users" up.sql || false
		! grep -q "INSERT INTO \"migrate_version\"" up.sql || false
		expect_grep "UPDATE \"migrate_version\" SET version_num = '"'"'2222bbbb0002'"'"' WHERE version_num = '"'"'1111aaaa0001'"'"';" up.sql
		test "$(versions "$off")" = 1111aaaa0001
		run_sql "$off" up.sql
		run_migrate 0 --url "$onurl" upgrade head
		test "$(versions "$off")" = 3333cccc0003
		same_db "$off" "$on"
		# partial ids and relative specs work in ranges too
		run_migrate 0 --url "$offurl" downgrade 3333:1111 --sql
		cp out down.sql
		test "$(grep -c "^BEGIN;" down.sql)" = 2
		expect_grep "UPDATE \"migrate_version\" SET version_num = '"'"'1111aaaa0001'"'"' WHERE version_num = '"'"'2222bbbb0002'"'"';" down.sql
		run_sql "$off" down.sql
		run_migrate 0 --url "$onurl" downgrade 1111aaaa0001
		test "$(versions "$off")" = 1111aaaa0001
		same_db "$off" "$on"
	'

	test_expect_success "$d: stamp --sql REV prints the version rows and touches no database" '
		linear_chain
		newdb offstamp; off=$db; offurl=$url
		newdb onstamp; on=$db; onurl=$url
		run_migrate 0 --url "$offurl" stamp --sql 2222bbbb0002
		cp out stamp.sql
		untouched "$off"
		expect_grep "INSERT INTO \"migrate_version\" (version_num) VALUES ('"'"'2222bbbb0002'"'"');" stamp.sql
		expect_grep "BEGIN;" stamp.sql
		expect_grep "COMMIT;" stamp.sql
		! grep -q "CREATE TABLE users" stamp.sql || false
		run_sql "$off" stamp.sql
		run_migrate 0 --url "$onurl" stamp 2222bbbb0002
		test "$(versions "$off")" = 2222bbbb0002
		test "$(tables "$off" | tr "\n" " ")" = "migrate_history migrate_version "
		same_db "$off" "$on"
	'

	test_expect_success "$d: stamp --sql FROM:TO moves the rows as online, history included" '
		linear_chain
		newdb offsr; off=$db; offurl=$url
		newdb onsr; on=$db; onurl=$url
		for u in "$offurl" "$onurl"; do
			run_migrate 0 --url "$u" stamp 1111aaaa0001
		done
		run_migrate 0 --url "$offurl" stamp --sql 1111aaaa0001:3333cccc0003
		cp out stamp.sql
		untouched_since=$(versions "$off")
		test "$untouched_since" = 1111aaaa0001
		expect_grep "DELETE FROM \"migrate_version\" WHERE version_num = '"'"'1111aaaa0001'"'"';" stamp.sql
		run_sql "$off" stamp.sql
		run_migrate 0 --url "$onurl" stamp 3333cccc0003
		test "$(versions "$off")" = 3333cccc0003
		same_db "$off" "$on"
		# a relative target from FROM, base included
		run_migrate 0 --url "$offurl" stamp --sql base:+2
		expect_grep "VALUES ('"'"'2222bbbb0002'"'"');" out
		# one FROM for all ranges, as Alembic
		run_migrate 0 --url "$offurl" stamp --sql 1111:2222 1111:3333
		run_migrate 2 --url "$offurl" stamp --sql 1111:2222 2222:3333
		expect_text "migrate: Stamp operation with --sql only supports a single starting revision at a time" err
		# --purge needs the rows, which offline cannot read
		run_migrate 2 --url "$offurl" stamp --sql --purge head
		expect_text "migrate: Can'"'"'t use --purge with --sql mode" err
		test ! -s out
	'

	test_expect_success "$d: branches and a merge offline give the online version rows" '
		merge_graph
		newdb offm; off=$db; offurl=$url
		newdb onm; on=$db; onurl=$url
		run_migrate 0 --url "$offurl" upgrade heads --sql
		cp out up.sql
		untouched "$off"
		test "$(grep -c "^BEGIN;" up.sql)" = 5
		run_sql "$off" up.sql
		run_migrate 0 --url "$onurl" upgrade heads
		test "$(versions "$off")" = eeee00000005
		same_db "$off" "$on"
		# down through the merge to one branch: the merge point splits
		# (as in Alembic, only descendants of the target are undone, so
		# the other branch stays)
		run_migrate 0 --url "$offurl" downgrade eeee00000005:bbbb00000002 --sql
		cp out down.sql
		expect_grep "UPDATE \"migrate_version\" SET version_num = '"'"'dddd00000004'"'"' WHERE version_num = '"'"'eeee00000005'"'"';" down.sql
		run_sql "$off" down.sql
		run_migrate 0 --url "$onurl" downgrade bbbb00000002
		test "$(versions "$off" | tr "\n" " ")" = "bbbb00000002 cccc00000003 "
		same_db "$off" "$on"
		# the whole way down from the merged head
		run_migrate 0 --url "$offurl" downgrade eeee00000005:base --sql
		cp out all.sql
		test "$(grep -c "^BEGIN;" all.sql)" = 5
		newdb offm2; off2=$db
		run_sql "$off2" up.sql
		run_sql "$off2" all.sql
		test -z "$(versions "$off2")"
		test "$(tables "$off2" | tr "\n" " ")" = "migrate_history migrate_version "
	'

	test_expect_success "$d: one branch, then the other branch offline: two heads" '
		merge_graph
		newdb offbr; off=$db; offurl=$url
		newdb onbr; on=$db; onurl=$url
		run_migrate 0 --url "$offurl" upgrade bbbb00000002 --sql
		cp out b.sql
		test "$(grep -c "^BEGIN;" b.sql)" = 2
		! grep -q "CREATE TABLE tc" b.sql || false
		run_sql "$off" b.sql
		run_migrate 0 --url "$onurl" upgrade bbbb00000002
		same_db "$off" "$on"
		# up the other branch from there: its row is added
		run_migrate 0 --url "$offurl" upgrade bbbb00000002:cccc00000003 --sql
		cp out branch.sql
		test "$(grep -c "^BEGIN;" branch.sql)" = 1
		expect_grep "INSERT INTO \"migrate_version\" (version_num) VALUES ('"'"'cccc00000003'"'"');" branch.sql
		! grep -q "CREATE TABLE tb" branch.sql || false
		! grep -q "CREATE TABLE ta" branch.sql || false
		run_sql "$off" branch.sql
		run_migrate 0 --url "$onurl" upgrade cccc00000003
		test "$(versions "$off" | tr "\n" " ")" = "bbbb00000002 cccc00000003 "
		same_db "$off" "$on"
	'

	test_expect_success "$d: two branches from base offline: both heads in the version table" '
		merge_graph
		rm migrations/versions/dddd00000004_rev.sql migrations/versions/eeee00000005_rev.sql
		newdb offh; off=$db; offurl=$url
		newdb onh; on=$db; onurl=$url
		run_migrate 0 --url "$offurl" upgrade heads --sql
		cp out up.sql
		test "$(grep -c "^BEGIN;" up.sql)" = 3
		run_sql "$off" up.sql
		run_migrate 0 --url "$onurl" upgrade heads
		test "$(versions "$off" | tr "\n" " ")" = "bbbb00000002 cccc00000003 "
		same_db "$off" "$on"
		# without a target: the multiple-heads error, offline too
		run_migrate 1 --url "$offurl" upgrade head --sql
		expect_grep "Multiple head revisions are present" err
		test ! -s out
	'

	test_expect_success "$d: a Transactional: no script is printed outside BEGIN/COMMIT" '
		write_ini
		write_rev 1111aaaa0001 "" "add t" "CREATE TABLE t (id INTEGER);" "DROP TABLE t;"
		if [ $d = pg ]; then
			notx="CREATE INDEX CONCURRENTLY t_id ON t (id);"
			notxdown="DROP INDEX CONCURRENTLY t_id;"
		else
			notx="VACUUM;"
			notxdown="VACUUM;"
		fi
		write_rev 2222bbbb0002 1111aaaa0001 "no txn" "$notx" "$notxdown" \
		    "Transactional: no"
		write_rev 3333cccc0003 2222bbbb0002 "add u" "CREATE TABLE u (id INTEGER);" "DROP TABLE u;"
		newdb offnotx; off=$db; offurl=$url
		newdb onnotx; on=$db; onurl=$url
		run_migrate 0 --url "$offurl" upgrade head --sql
		cp out up.sql
		test "$(grep -c "^BEGIN;" up.sql)" = 2
		awk -v s="$notx" "\$0 == s { if (b != c) exit 1; found = 1 }
		    /^BEGIN;/ { b++ } /^COMMIT;/ { c++ }
		    END { exit !found }" up.sql
		# would fail inside a transaction block
		run_sql "$off" up.sql
		run_migrate 0 --url "$onurl" upgrade head
		test "$(versions "$off")" = 3333cccc0003
		same_db "$off" "$on"
		run_migrate 0 --url "$offurl" downgrade head:base --sql
		cp out down.sql
		run_sql "$off" down.sql
		run_migrate 0 --url "$onurl" downgrade base
		test -z "$(versions "$off")"
		same_db "$off" "$on"
	'

	test_expect_success "$d: transaction_per_migration = false: one BEGIN/COMMIT for the run" '
		linear_chain
		write_ini "transaction_per_migration = false"
		newdb offone; off=$db; offurl=$url
		newdb onone; on=$db; onurl=$url
		run_migrate 0 --url "$offurl" upgrade head --sql
		cp out up.sql
		test "$(grep -c "^BEGIN;" up.sql)" = 1
		test "$(grep -c "^COMMIT;" up.sql)" = 1
		run_sql "$off" up.sql
		run_migrate 0 --url "$onurl" upgrade head
		same_db "$off" "$on"
	'

	test_expect_success "$d: downgrade --sql without FROM:TO is a usage error" '
		linear_chain
		newdb offdnerr
		run_migrate 2 --url "$url" downgrade base --sql
		test ! -s out
		expect_grep "downgrade with --sql requires <fromrev>:<torev>" err
		run_migrate 2 --url "$url" downgrade -1 --sql
		test ! -s out
		untouched "$db"
	'

	test_expect_success "$d: a range without --sql is refused" '
		linear_chain
		newdb onrange
		run_migrate 2 --url "$url" upgrade 1111aaaa0001:head
		expect_grep "for offline mode (--sql) only" err
		untouched "$db"
	'
done

test_expect_success 'pg: offline needs no server (url to a closed port), and never shows the password' '
	linear_chain
	url="postgresql://dba:Sup3rS3cretPw@127.0.0.1:1/none"
	run_migrate 0 --url "$url" upgrade head --sql
	cp out up.sql
	! grep -q Sup3rS3cretPw out err || false
	expect_grep "CREATE TABLE users" up.sql
	test "$(grep -c "^BEGIN;" up.sql)" = 3
	run_migrate 0 --url "$url" upgrade 1111aaaa0001:head --sql
	! grep -q Sup3rS3cretPw out err || false
	test "$(grep -c "^BEGIN;" out)" = 2
	run_migrate 0 --url "$url" downgrade head:base --sql
	! grep -q Sup3rS3cretPw out err || false
	test "$(grep -c "^BEGIN;" out)" = 3
	run_migrate 0 --url "$url" stamp --sql 2222bbbb0002
	! grep -q Sup3rS3cretPw out err || false
	expect_grep "2222bbbb0002" out
	# a url in migrate.ini, a bad spec: the error does not show it either
	write_ini "url = $url"
	run_migrate 1 upgrade nosuchrev --sql
	! grep -q Sup3rS3cretPw out err || false
	# the same script as with a real, running server
	d=pg
	run_migrate 0 --url "$(pg_newdb t40_pw)" upgrade head --sql
	diff -u up.sql out
'

test_expect_success 'pg: the test password of a real url never appears in offline output' '
	linear_chain
	d=pg
	url=$(pg_newdb t40_realpw)
	for args in "upgrade head --sql" "downgrade head:base --sql" \
	    "stamp --sql head"; do
		run_migrate 0 --url "$url" $args
		! grep -qF "$MIGRATE_TEST_PG_PASSWORD" out err || false
		! grep -qF "p%40ss" out err || false
	done
	untouched "$url"
'

test_expect_success 'sqlite: offline with a url whose directory does not exist' '
	linear_chain
	run_migrate 0 --url "sqlite:///no/such/dir/app.db" upgrade head --sql
	test ! -e no
	expect_grep "CREATE TABLE users" out
	run_migrate 0 --url "sqlite:///no/such/dir/app.db" stamp --sql head
	test ! -e no
'

test_done
