#!/bin/sh
# bench/gen-chain.sh DIR N: a project in DIR with a linear chain of N
# one-statement revisions (each creates a small table), migrate.ini with
# url = sqlite:///DIR/bench.db, and DIR/all.sql: the same SQL as one
# script (the floor: what the database itself takes to run it).
set -eu
dir=$1 n=$2
rm -rf "$dir"
mkdir -p "$dir/migrations/versions"
cat > "$dir/migrate.ini" <<INI
[migrate]
script_location = %(here)s/migrations
url = sqlite:///%(here)s/bench.db
INI
awk -v n="$n" -v dir="$dir" 'BEGIN {
	prev = ""
	for (i = 1; i <= n; i++) {
		id = sprintf("r%011d", i)
		f = dir "/migrations/versions/" id "_step_" i ".sql"
		printf "-- step %d\n--\n-- Revision ID: %s\n-- Revises: %s\n", i, id, prev > f
		printf "-- Create Date: 2026-11-25 00:00:00+00:00\n-- Transactional: yes\n\n" > f
		printf "-- migrate:upgrade\nCREATE TABLE t%d (id INTEGER PRIMARY KEY, v TEXT);\n\n", i > f
		printf "-- migrate:downgrade\nDROP TABLE t%d;\n", i > f
		close(f)
		printf "CREATE TABLE t%d (id INTEGER PRIMARY KEY, v TEXT);\n", i > (dir "/all.sql")
		prev = id
	}
}'
