#!/bin/sh
# bench/gen-chain.sh DIR N [model]: two projects in DIR with the same
# linear chain of N one-statement revisions (each creates a small table):
#   migrate: migrate.ini (url = sqlite:///DIR/bench.db) and
#            migrations/versions/rNNNNNNNNNNN_step_I.sql;
#   Alembic: alembic.ini (url = sqlite:///DIR/alembic.db), alembic/env.py
#            (bench/alembic/env.py) and alembic/versions/rNNNNNNNNNNN_step_I.py,
#            static files whose upgrade() and downgrade() op.execute() the
#            same SQL, with the same revision ids;
# and DIR/all.sql, the same SQL as one script (the floor: what the
# database itself takes to run it). With "model", the model of the chain's
# end for `check --replay` too: migrations/models/all.sql for migrate and
# alembic/models.py (SQLAlchemy MetaData) for Alembic.
set -eu
dir=$1 n=$2 model=${3:-}
bench=$(cd "$(dirname "$0")" && pwd)
rm -rf "$dir"
mkdir -p "$dir/migrations/versions" "$dir/alembic/versions"
cat > "$dir/migrate.ini" <<INI
[migrate]
script_location = %(here)s/migrations
url = sqlite:///%(here)s/bench.db
INI
cp "$bench/alembic/alembic.ini" "$dir/alembic.ini"
cp "$bench/alembic/env.py" "$bench/alembic/script.py.mako" "$dir/alembic/"
awk -v n="$n" -v dir="$dir" -v model="$model" 'BEGIN {
	prev = ""
	if (model != "") {
		system("mkdir -p \"" dir "/migrations/models\"")
		py = dir "/alembic/models.py"
		printf "from sqlalchemy import Column, Integer, MetaData, Table, Text\n\nmetadata = MetaData()\n\n" > py
	}
	for (i = 1; i <= n; i++) {
		id = sprintf("r%011d", i)
		up = sprintf("CREATE TABLE t%d (id INTEGER NOT NULL PRIMARY KEY, v TEXT)", i)
		down = sprintf("DROP TABLE t%d", i)
		f = dir "/migrations/versions/" id "_step_" i ".sql"
		printf "-- step %d\n--\n-- Revision ID: %s\n-- Revises: %s\n", i, id, prev > f
		printf "-- Create Date: 2026-11-25 00:00:00+00:00\n-- Transactional: yes\n\n" > f
		printf "-- migrate:upgrade\n%s;\n\n-- migrate:downgrade\n%s;\n", up, down > f
		close(f)
		f = dir "/alembic/versions/" id "_step_" i ".py"
		printf "\"\"\"step %d\n\nRevision ID: %s\nRevises: %s\n", i, id, prev > f
		printf "Create Date: 2026-11-25 00:00:00+00:00\n\n\"\"\"\n" > f
		printf "from alembic import op\n\n# revision identifiers, used by Alembic.\n" > f
		printf "revision = \"%s\"\n", id > f
		printf "down_revision = %s\n", (prev == "" ? "None" : "\"" prev "\"") > f
		printf "branch_labels = None\ndepends_on = None\n\n\n" > f
		printf "def upgrade() -> None:\n    op.execute(\"%s\")\n\n\n", up > f
		printf "def downgrade() -> None:\n    op.execute(\"%s\")\n", down > f
		close(f)
		printf "%s;\n", up > (dir "/all.sql")
		if (model != "") {
			printf "%s;\n", up > (dir "/migrations/models/all.sql")
			printf "Table(\"t%d\", metadata, Column(\"id\", Integer, primary_key=True), Column(\"v\", Text))\n", i > py
		}
		prev = id
	}
}'
