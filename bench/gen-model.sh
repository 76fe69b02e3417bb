#!/bin/sh
# bench/gen-model.sh N DIR: a model of N tables as plain *.sql files in DIR
# (100 tables a file, read in name order), valid on SQLite and PostgreSQL
# alike. Each table t00001..: 12 columns of varied types (integer, bigint,
# varchar, text, numeric, real, boolean, timestamp, date), a primary key,
# a foreign key to the table before it and (from the third on) one to the
# table half-way back, a named unique and a named check constraint, and one
# or two indexes (a composite one on every other table). Deterministic: no
# randomness, the same N gives the same bytes.
set -eu
n=$1 dir=$2
rm -rf "$dir"
mkdir -p "$dir"
awk -v n="$n" -v dir="$dir" 'BEGIN {
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
	}
}'
