#!/bin/sh
# bench/gen-model.sh N DIR: a model of N tables as plain *.sql files in DIR
# (100 tables a file, read in name order), valid on SQLite and PostgreSQL
# alike. Each table t00001..: 12 columns of varied types (integer, bigint,
# varchar, text, numeric, real, boolean, timestamp, date), a primary key,
# a foreign key to the table before it and (from the third on) one to the
# table half-way back, a named unique and a named check constraint, and one
# or two indexes (a composite one on every other table). Deterministic: no
# randomness, the same N gives the same bytes.
# With PYFILE, the same model for Alembic too: SQLAlchemy Table objects in
# one MetaData (`metadata`), the same names, types, nullability, server
# defaults, keys, constraints and indexes, written to PYFILE (models.py).
set -eu
n=$1 dir=$2 py=${3:-}
rm -rf "$dir"
mkdir -p "$dir"
awk -v n="$n" -v dir="$dir" -v py="$py" 'BEGIN {
	if (py != "") {
		printf "# bench/gen-model.sh %d: the model of the SQL files, for Alembic\n", n > py
		printf "from sqlalchemy import (\n    REAL, TIMESTAMP, BigInteger, Boolean, CheckConstraint, Column, Date,\n" > py
		printf "    ForeignKey, Index, Integer, MetaData, Numeric, String, Table, Text,\n" > py
		printf "    UniqueConstraint, text)\n\nmetadata = MetaData()\n" > py
	}
	for (i = 1; i <= n; i++) {
		t = sprintf("t%05d", i)
		f = sprintf("%s/model_%03d.sql", dir, int((i - 1) / 100))
		printf "CREATE TABLE %s (\n", t > f
		printf "    id          INTEGER NOT NULL PRIMARY KEY,\n" > f
		if (i > 1)
			printf "    parent_id   INTEGER REFERENCES t%05d (id) ON DELETE CASCADE,\n", i - 1 > f
		else
			printf "    parent_id   INTEGER,\n" > f
		if (i > 2)
			printf "    ref_id      INTEGER NOT NULL REFERENCES t%05d (id),\n", int(i / 2) > f
		else
			printf "    ref_id      INTEGER NOT NULL,\n" > f
		printf "    code        VARCHAR(32) NOT NULL,\n" > f
		printf "    name        VARCHAR(%d),\n", 100 + i % 7 * 50 > f
		printf "    note        TEXT NOT NULL DEFAULT '\''%s'\'',\n", t > f
		printf "    amount      NUMERIC(12, 2) NOT NULL DEFAULT 0,\n" > f
		printf "    qty         INTEGER NOT NULL DEFAULT %d,\n", i % 5 > f
		printf "    ratio       REAL,\n" > f
		printf "    total       BIGINT,\n" > f
		printf "    active      BOOLEAN NOT NULL DEFAULT FALSE,\n" > f
		printf "    born_on     DATE,\n" > f
		printf "    created_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,\n" > f
		printf "    CONSTRAINT uq_%s_code UNIQUE (code),\n", t > f
		printf "    CONSTRAINT ck_%s_qty CHECK (qty >= 0 AND amount >= 0)\n", t > f
		printf ");\n" > f
		printf "CREATE INDEX ix_%s_parent_id ON %s (parent_id);\n", t, t > f
		if (i % 2 == 0)
			printf "CREATE INDEX ix_%s_name_created ON %s (name, created_at DESC);\n", t, t > f
		printf "\n" > f
		if (py == "")
			continue
		printf "\nt = Table(\n    \"%s\", metadata,\n", t > py
		printf "    Column(\"id\", Integer, primary_key=True, autoincrement=False),\n" > py
		if (i > 1)
			printf "    Column(\"parent_id\", Integer, ForeignKey(\"t%05d.id\", ondelete=\"CASCADE\")),\n", i - 1 > py
		else
			printf "    Column(\"parent_id\", Integer),\n" > py
		if (i > 2)
			printf "    Column(\"ref_id\", Integer, ForeignKey(\"t%05d.id\"), nullable=False),\n", int(i / 2) > py
		else
			printf "    Column(\"ref_id\", Integer, nullable=False),\n" > py
		printf "    Column(\"code\", String(32), nullable=False),\n" > py
		printf "    Column(\"name\", String(%d)),\n", 100 + i % 7 * 50 > py
		printf "    Column(\"note\", Text, nullable=False, server_default=text(\"\x27%s\x27\")),\n", t > py
		printf "    Column(\"amount\", Numeric(12, 2), nullable=False, server_default=text(\"0\")),\n" > py
		printf "    Column(\"qty\", Integer, nullable=False, server_default=text(\"%d\")),\n", i % 5 > py
		printf "    Column(\"ratio\", REAL),\n" > py
		printf "    Column(\"total\", BigInteger),\n" > py
		printf "    Column(\"active\", Boolean, nullable=False, server_default=text(\"FALSE\")),\n" > py
		printf "    Column(\"born_on\", Date),\n" > py
		printf "    Column(\"created_at\", TIMESTAMP, nullable=False,\n           server_default=text(\"CURRENT_TIMESTAMP\")),\n" > py
		printf "    UniqueConstraint(\"code\", name=\"uq_%s_code\"),\n", t > py
		printf "    CheckConstraint(\"qty >= 0 AND amount >= 0\", name=\"ck_%s_qty\"),\n", t > py
		printf ")\n" > py
		printf "Index(\"ix_%s_parent_id\", t.c.parent_id)\n", t > py
		if (i % 2 == 0)
			printf "Index(\"ix_%s_name_created\", t.c.name, t.c.created_at.desc())\n", t > py
	}
}'
