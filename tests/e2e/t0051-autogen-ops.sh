#!/bin/sh
# revision --autogenerate, every op one by one (issue 4, first test point),
# on SQLite and PostgreSQL: model M0, autogenerate + upgrade, rows in;
# model M1, autogenerate + upgrade; then (a) the database equals one built
# directly from M1 (pg_dump -s / sqlite_master), (b) diff and a second
# autogenerate find nothing, (c) the rows are still there (and on SQLite
# their rowids), (d) downgrade -1 gives back the M0 structure exactly and
# the rows the op did not drop.
. "$(dirname "$0")/lib.sh"

sq="'"

AG_PREFIX=t51
. "$(dirname "$0")/lib-autogen.sh"

# Each op: a function, run for each dialect it applies to.

op_create_table() {
	cycle create_table \
	    'CREATE TABLE t (id integer PRIMARY KEY, a text);' \
	    'CREATE TABLE t (id integer PRIMARY KEY, a text);
CREATE TABLE u (id integer PRIMARY KEY, b varchar(20) NOT NULL);' \
	    "INSERT INTO t VALUES (1, 'x'), (2, NULL), (5, 'z');" 't:id,a'
}

op_drop_table() {
	cycle drop_table \
	    'CREATE TABLE t (id integer PRIMARY KEY, a text);
CREATE TABLE u (id integer PRIMARY KEY, b varchar(20) NOT NULL);' \
	    'CREATE TABLE t (id integer PRIMARY KEY, a text);' \
	    "INSERT INTO t VALUES (1, 'x'), (2, NULL), (5, 'z');
INSERT INTO u VALUES (1, 'gone');" 't:id,a'
	f=$(ls migrations/versions/*m1.sql)
	expect_grep "-- WARNING: drop table" "$f"
	expect_grep "WARNING" m1.err
}

op_add_column_null() {
	after_up='test "$(q "SELECT count(*) FROM t WHERE b IS NULL")" = 3'
	cycle add_column_null \
	    'CREATE TABLE t (id integer PRIMARY KEY, a text);' \
	    'CREATE TABLE t (id integer PRIMARY KEY, a text, b text);' \
	    "INSERT INTO t VALUES (1, 'x'), (2, NULL), (5, 'z');" 't:id,a'
}

op_add_column_default() {
	after_up=$(pick \
	    'test "$(q "SELECT group_concat(b, $sq,$sq) FROM t")" = 7,7,7' \
	    'test "$(q "SELECT string_agg(b::text, $sq,$sq) FROM t")" = 7,7,7')
	cycle add_column_default \
	    'CREATE TABLE t (id integer PRIMARY KEY, a text);' \
	    'CREATE TABLE t (id integer PRIMARY KEY, a text,
    b integer NOT NULL DEFAULT 7);' \
	    "INSERT INTO t VALUES (1, 'x'), (2, NULL), (5, 'z');" 't:id,a'
}

op_drop_column() {
	cycle drop_column \
	    'CREATE TABLE t (id integer PRIMARY KEY, a text, b text);' \
	    'CREATE TABLE t (id integer PRIMARY KEY, a text);' \
	    "INSERT INTO t VALUES (1, 'x', 'b1'), (2, NULL, 'b2'), (5, 'z', NULL);" \
	    't:id,a'
	f=$(ls migrations/versions/*m1.sql)
	expect_grep "-- WARNING: drop column" "$f"
	expect_grep "WARNING" m1.err
}

T='CREATE TABLE t (id integer PRIMARY KEY, a text);'
T_ROWS="INSERT INTO t VALUES (1, 'x'), (2, NULL), (5, 'z');"

op_alter_type_bigint() {
	cycle type_bigint \
	    'CREATE TABLE t (id integer PRIMARY KEY, a integer);' \
	    'CREATE TABLE t (id integer PRIMARY KEY, a bigint);' \
	    "INSERT INTO t VALUES (1, 10), (2, NULL), (5, -3);" 't:id,a'
}

op_alter_type_using() {
	cycle type_using \
	    'CREATE TABLE t (id integer PRIMARY KEY, a text);' \
	    'CREATE TABLE t (id integer PRIMARY KEY, a integer);' \
	    "INSERT INTO t VALUES (1, '10'), (2, NULL), (5, '-3');" 't:id,a'
	f=$(ls migrations/versions/*m1.sql)
	expect_grep "USING" "$f"
}

op_alter_type_narrow() {
	cycle type_narrow \
	    'CREATE TABLE t (id integer PRIMARY KEY, a varchar(20));' \
	    'CREATE TABLE t (id integer PRIMARY KEY, a varchar(10));' \
	    "INSERT INTO t VALUES (1, 'x'), (2, NULL), (5, 'z');" 't:id,a'
	f=$(ls migrations/versions/*m1.sql)
	expect_grep "-- WARNING:" "$f"
	expect_grep "WARNING" m1.err
}

# SQLite: a declared type changes only by rebuilding the table; a value
# that is not a number stays text under INTEGER affinity.
op_sqlite_type_rebuild() {
	cycle type_rebuild \
	    'CREATE TABLE t (id integer PRIMARY KEY, a text, b text);
CREATE INDEX t_b ON t (b);' \
	    'CREATE TABLE t (id integer PRIMARY KEY, a integer, b text);
CREATE INDEX t_b ON t (b);' \
	    "INSERT INTO t VALUES (1, '10', 'p'), (2, NULL, 'q'), (5, 'x', NULL);" \
	    't:id,a,b'
	test "$(q "SELECT typeof(a) FROM t WHERE id = 5")" = text
}

# a table without an INTEGER PRIMARY KEY: its rowids are its own
op_sqlite_rowids() {
	cycle rowids \
	    'CREATE TABLE t (a text, b text);' \
	    'CREATE TABLE t (a text NOT NULL, b integer);' \
	    "INSERT INTO t VALUES ('x', '1'), ('y', '2'), ('z', '3');
DELETE FROM t WHERE a = 'y';
INSERT INTO t VALUES ('w', '4');" 't:a,b'
}

op_set_not_null() {
	cycle set_not_null "$T" \
	    'CREATE TABLE t (id integer PRIMARY KEY, a text NOT NULL);' \
	    "INSERT INTO t VALUES (1, 'x'), (2, 'y'), (5, 'z');" 't:id,a'
}

op_drop_not_null() {
	cycle drop_not_null \
	    'CREATE TABLE t (id integer PRIMARY KEY, a text NOT NULL);' "$T" \
	    "INSERT INTO t VALUES (1, 'x'), (2, 'y'), (5, 'z');" 't:id,a'
}

op_default_add() {
	after_up="test \"\$(probe \"INSERT INTO t (id) VALUES (9);
SELECT a FROM t WHERE id = 9;\")\" = new"
	cycle default_add "$T" \
	    "CREATE TABLE t (id integer PRIMARY KEY, a text DEFAULT 'new');" \
	    "$T_ROWS" 't:id,a'
}

op_default_change() {
	after_up="test \"\$(probe \"INSERT INTO t (id) VALUES (9);
SELECT a || b FROM t WHERE id = 9;\")\" = new8"
	cycle default_change \
	    "CREATE TABLE t (id integer PRIMARY KEY, a text DEFAULT 'old', b integer DEFAULT 7);" \
	    "CREATE TABLE t (id integer PRIMARY KEY, a text DEFAULT 'new', b integer DEFAULT 8);" \
	    "INSERT INTO t (id, a) VALUES (1, 'x'), (2, NULL), (5, 'z');" 't:id,a,b'
}

op_default_drop() {
	after_up="test -z \"\$(probe \"INSERT INTO t (id) VALUES (9);
SELECT a FROM t WHERE id = 9 AND a IS NOT NULL;\")\""
	cycle default_drop \
	    "CREATE TABLE t (id integer PRIMARY KEY, a text DEFAULT 'old');" "$T" \
	    "$T_ROWS" 't:id,a'
}

PK0='CREATE TABLE t (code text NOT NULL, a text);'
PK1='CREATE TABLE t (code text NOT NULL, a text, PRIMARY KEY (code));'
PK_ROWS="INSERT INTO t VALUES ('k1', 'x'), ('k2', NULL), ('k0', 'z');"

op_pk_add() {
	cycle pk_add "$PK0" "$PK1" "$PK_ROWS" 't:code,a'
}

op_pk_drop() {
	cycle pk_drop "$PK1" "$PK0" "$PK_ROWS" 't:code,a'
}

P='CREATE TABLE p (id integer PRIMARY KEY, name text);'
FK0="$P
CREATE TABLE c (id integer PRIMARY KEY, p_id integer);"
FK1="$P
CREATE TABLE c (id integer PRIMARY KEY, p_id integer REFERENCES p (id));"
FK2="$P
CREATE TABLE c (id integer PRIMARY KEY,
    p_id integer REFERENCES p (id) ON DELETE CASCADE);"
FK_ROWS="INSERT INTO p VALUES (1, 'one'), (2, 'two');
INSERT INTO c VALUES (10, 1), (11, 1), (12, 2), (13, NULL);"

op_fk_add() {
	after_up='! probe "INSERT INTO c VALUES (20, 99);" 2>/dev/null'
	cycle fk_add "$FK0" "$FK1" "$FK_ROWS" 'p:id,name c:id,p_id'
}

op_fk_drop() {
	after_up='probe "INSERT INTO c VALUES (20, 99);"'
	cycle fk_drop "$FK1" "$FK0" "$FK_ROWS" 'p:id,name c:id,p_id'
}

op_fk_cascade() {
	after_up='test "$(probe "DELETE FROM p WHERE id = 1;
SELECT count(*) FROM c;")" = 2'
	after_down='! probe "DELETE FROM p WHERE id = 1;" 2>/dev/null'
	cycle fk_cascade "$FK1" "$FK2" "$FK_ROWS" 'p:id,name c:id,p_id'
}

U1='CREATE TABLE t (id integer PRIMARY KEY, a text, UNIQUE (a));'
op_unique_add() {
	after_up='! probe "INSERT INTO t VALUES (9, ${sq}x$sq);" 2>/dev/null'
	cycle unique_add "$T" "$U1" "$T_ROWS" 't:id,a'
}

op_unique_drop() {
	cycle unique_drop "$U1" "$T" "$T_ROWS" 't:id,a'
}

C1="CREATE TABLE t (id integer PRIMARY KEY, a text,
    CONSTRAINT a_not_empty CHECK (a <> ''), CHECK (id > 0));"
op_check_add() {
	after_up='! probe "INSERT INTO t VALUES (9, $sq$sq);" 2>/dev/null'
	cycle check_add "$T" "$C1" "$T_ROWS" 't:id,a'
}

op_check_drop() {
	cycle check_drop "$C1" "$T" "$T_ROWS" 't:id,a'
}

# index_op NAME INDEX-DDL: add the index, and drop it.
I0='CREATE TABLE t (id integer PRIMARY KEY, a text, b integer);'
I_ROWS="INSERT INTO t VALUES (1, 'x', 3), (2, NULL, 2), (5, 'Z', NULL);"
index_add() {
	cycle "ix_add_$1" "$I0" "$I0
$2" "$I_ROWS" 't:id,a,b'
}
index_drop() {
	cycle "ix_drop_$1" "$I0
$2" "$I0" "$I_ROWS" 't:id,a,b'
}

op_index_add() { index_add plain 'CREATE INDEX t_a ON t (a, b DESC);'; }
op_index_drop() { index_drop plain 'CREATE INDEX t_a ON t (a, b DESC);'; }
op_unique_index_add() { index_add uniq 'CREATE UNIQUE INDEX t_ab ON t (a, b);'; }
op_unique_index_drop() { index_drop uniq 'CREATE UNIQUE INDEX t_ab ON t (a, b);'; }
op_partial_index_add() {
	index_add part 'CREATE INDEX t_a_part ON t (a) WHERE a IS NOT NULL AND b > 0;'
}
op_partial_index_drop() {
	index_drop part 'CREATE INDEX t_a_part ON t (a) WHERE a IS NOT NULL AND b > 0;'
}
op_expr_index_add() { index_add expr 'CREATE INDEX t_lower_a ON t (lower(a), (b + 1));'; }
op_expr_index_drop() { index_drop expr 'CREATE INDEX t_lower_a ON t (lower(a), (b + 1));'; }

G0='CREATE TABLE t (id integer PRIMARY KEY, tags text[], doc jsonb);'
G1="$G0
CREATE INDEX t_tags ON t USING gin (tags);
CREATE INDEX t_doc ON t USING gin (doc jsonb_path_ops);"
G_ROWS="INSERT INTO t VALUES (1, '{a,b}', '{\"k\": 1}'), (2, NULL, NULL);"
op_pg_gin_add() { cycle gin_add "$G0" "$G1" "$G_ROWS" 't:id,tags,doc'; }
op_pg_gin_drop() { cycle gin_drop "$G1" "$G0" "$G_ROWS" 't:id,tags,doc'; }

op_pg_enum_create() {
	cycle enum_create "$T" \
	    "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE t (id integer PRIMARY KEY, a text, m mood DEFAULT 'ok');" \
	    "$T_ROWS" 't:id,a'
}

op_pg_enum_add_value() {
	after_up='test "$(q "SELECT string_agg(e::text, $sq,$sq) FROM
    unnest(enum_range(NULL::mood)) AS e")" = sad,ok,happy'
	cycle enum_add_value \
	    "CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE TABLE t (id integer PRIMARY KEY, m mood NOT NULL DEFAULT 'happy');" \
	    "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE t (id integer PRIMARY KEY, m mood NOT NULL DEFAULT 'happy');" \
	    "INSERT INTO t VALUES (1, 'sad'), (2, 'happy'), (3, 'sad');" 't:id,m'
}

op_pg_enum_remove_value() {
	cycle enum_remove_value \
	    "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE t (id integer PRIMARY KEY, m mood NOT NULL DEFAULT 'happy');
CREATE INDEX t_m ON t (m);" \
	    "CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE TABLE t (id integer PRIMARY KEY, m mood NOT NULL DEFAULT 'happy');
CREATE INDEX t_m ON t (m);" \
	    "INSERT INTO t VALUES (1, 'sad'), (2, 'happy'), (3, 'sad');" 't:id,m'
}

op_pg_enum_drop() {
	cycle enum_drop \
	    "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TYPE color AS ENUM ('red', 'green');
CREATE TABLE t (id integer PRIMARY KEY, a text, m mood);" \
	    "$T" \
	    "INSERT INTO t VALUES (1, 'x', 'sad'), (2, NULL, 'ok'), (5, 'z', NULL);" \
	    't:id,a'
}

V0="$I0"
V1="$I0
CREATE VIEW v AS SELECT id, a FROM t WHERE b > 0;"
V2="$I0
CREATE VIEW v AS SELECT id, a FROM t WHERE b > 2;"
op_view_create() {
	after_up='test "$(q "SELECT id FROM v ORDER BY id" | tr "\n" " ")" = "1 2 "'
	cycle view_create "$V0" "$V1" "$I_ROWS" 't:id,a,b'
}
op_view_replace() {
	after_up='test "$(q "SELECT id FROM v ORDER BY id" | tr "\n" " ")" = "1 "'
	cycle view_replace "$V1" "$V2" "$I_ROWS" 't:id,a,b'
}
op_view_drop() { cycle view_drop "$V1" "$V0" "$I_ROWS" 't:id,a,b'; }

CM1="$T
COMMENT ON TABLE t IS 'the t table';
COMMENT ON COLUMN t.a IS 'an ''a'' column';"
CM2="$T
COMMENT ON TABLE t IS 'the T table';
COMMENT ON COLUMN t.a IS 'the a column';"
op_pg_comment_add() { cycle comment_add "$T" "$CM1" "$T_ROWS" 't:id,a'; }
op_pg_comment_change() { cycle comment_change "$CM1" "$CM2" "$T_ROWS" 't:id,a'; }
op_pg_comment_drop() { cycle comment_drop "$CM1" "$T" "$T_ROWS" 't:id,a'; }

# The parent of an ON DELETE CASCADE foreign key changes in a way SQLite
# can only rebuild: dropping the old parent table must not cascade into
# the children (foreign keys are switched off outside the transaction).
op_parent_rebuild() {
	after_up='test "$(probe "DELETE FROM p WHERE id = 1;
SELECT count(*) FROM c;")" = 1
[ "$d" = pg ] || test -z "$(q "PRAGMA foreign_key_check")"'
	cycle parent_rebuild \
	    "$P
CREATE TABLE c (id integer PRIMARY KEY,
    p_id integer NOT NULL REFERENCES p (id) ON DELETE CASCADE);
CREATE VIEW pc AS SELECT p.name, c.id FROM p JOIN c ON c.p_id = p.id;" \
	    "CREATE TABLE p (id integer PRIMARY KEY, name text NOT NULL,
    CHECK (length(name) > 0));
CREATE TABLE c (id integer PRIMARY KEY,
    p_id integer NOT NULL REFERENCES p (id) ON DELETE CASCADE);
CREATE VIEW pc AS SELECT p.name, c.id FROM p JOIN c ON c.p_id = p.id;" \
	    "INSERT INTO p VALUES (1, 'one'), (2, 'two');
INSERT INTO c VALUES (10, 1), (11, 1), (12, 2);" 'p:id,name c:id,p_id'
	test "$(q "SELECT count(*) FROM c")" = 3
}

# AUTOINCREMENT: the counter (3, though the largest id left is 2) survives
# the rebuild both ways: the next row gets 4, then 5.
op_sqlite_autoincrement() {
	after_up='q "INSERT INTO t (a) VALUES (${sq}up$sq)"
test "$(q "SELECT max(id) FROM t")" = 4
q "DELETE FROM t WHERE id = 4"'
	after_down='q "INSERT INTO t (a) VALUES (${sq}down$sq)"
test "$(q "SELECT max(id) FROM t")" = 5'
	cycle autoincrement \
	    'CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, a text);' \
	    'CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, a text NOT NULL);' \
	    "INSERT INTO t (a) VALUES ('x'), ('y'), ('z');
DELETE FROM t WHERE id = 3;" 't:id,a'
}

op_pg_identity() {
	after_up='test "$(probe "INSERT INTO t (a) VALUES (NULL) RETURNING id;")" = 1'
	cycle identity \
	    'CREATE TABLE t (id integer NOT NULL, a text);' \
	    'CREATE TABLE t (id integer GENERATED BY DEFAULT AS IDENTITY, a text);' \
	    "INSERT INTO t VALUES (11, 'x'), (12, NULL);" 't:id,a'
}

op_pg_identity_table() {
	cycle identity_table "$T" \
	    "$T
CREATE TABLE u (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    n serial, b text);" "$T_ROWS" 't:id,a'
}

op_pg_serial() {
	after_up='test "$(q "SELECT string_agg(n::text, $sq,$sq ORDER BY id) FROM t")" = 1,2,3'
	cycle serial "$T" \
	    'CREATE TABLE t (id integer PRIMARY KEY, a text, n serial);' \
	    "$T_ROWS" 't:id,a'
}

op_pg_generated() {
	after_up='test "$(q "SELECT string_agg(coalesce(b::text, $sq$sq), $sq,$sq ORDER BY id) FROM t")" = 20,,-6'
	cycle generated \
	    'CREATE TABLE t (id integer PRIMARY KEY, a integer);' \
	    'CREATE TABLE t (id integer PRIMARY KEY, a integer,
    b integer GENERATED ALWAYS AS (a * 2) STORED);' \
	    "INSERT INTO t VALUES (1, 10), (2, NULL), (5, -3);" 't:id,a'
}

op_sqlite_generated_virtual() {
	after_up='test "$(q "SELECT group_concat(ifnull(b, $sq$sq), $sq,$sq) FROM t")" = 20,,-6'
	cycle gen_virtual \
	    'CREATE TABLE t (id integer PRIMARY KEY, a integer);' \
	    'CREATE TABLE t (id integer PRIMARY KEY, a integer,
    b integer GENERATED ALWAYS AS (a * 2) VIRTUAL);' \
	    "INSERT INTO t VALUES (1, 10), (2, NULL), (5, -3);" 't:id,a'
}

op_sqlite_generated_stored() {
	after_up='test "$(q "SELECT group_concat(ifnull(b, $sq$sq), $sq,$sq) FROM t")" = 20,,-6'
	cycle gen_stored \
	    'CREATE TABLE t (id integer PRIMARY KEY, a integer);' \
	    'CREATE TABLE t (id integer PRIMARY KEY, a integer,
    b integer GENERATED ALWAYS AS (a * 2) STORED);' \
	    "INSERT INTO t VALUES (1, 10), (2, NULL), (5, -3);" 't:id,a'
}

# run_op FUNCTION DESCRIPTION: the test, for dialect $d.
run_op() {
	after_up= after_down=
	test_expect_success "$d: $2" "$1"
}

for d in sqlite pg; do
	export d
	run_op op_create_table "create table"
	run_op op_drop_table "drop table"
	run_op op_add_column_null "add a nullable column"
	run_op op_add_column_default "add a NOT NULL column with a default"
	run_op op_drop_column "drop column"
	run_op op_alter_type_narrow "narrow a type (varchar(20) to varchar(10)): a warning"
	run_op op_set_not_null "set NOT NULL"
	run_op op_drop_not_null "drop NOT NULL"
	run_op op_default_add "add a default"
	run_op op_default_change "change defaults"
	run_op op_default_drop "drop a default"
	run_op op_pk_add "add a primary key"
	run_op op_pk_drop "drop a primary key"
	run_op op_fk_add "add a foreign key"
	run_op op_fk_drop "drop a foreign key"
	run_op op_fk_cascade "a foreign key gets ON DELETE CASCADE"
	run_op op_unique_add "add unique constraints"
	run_op op_unique_drop "drop unique constraints"
	run_op op_check_add "add check constraints"
	run_op op_check_drop "drop check constraints"
	run_op op_index_add "add an index"
	run_op op_index_drop "drop an index"
	run_op op_unique_index_add "add a unique index"
	run_op op_unique_index_drop "drop a unique index"
	run_op op_partial_index_add "add a partial index"
	run_op op_partial_index_drop "drop a partial index"
	run_op op_expr_index_add "add an expression index"
	run_op op_expr_index_drop "drop an expression index"
	run_op op_view_create "create a view"
	run_op op_view_replace "replace a view"
	run_op op_view_drop "drop a view"
	run_op op_parent_rebuild "change a parent of ON DELETE CASCADE children"
done

d=sqlite
export d
run_op op_sqlite_type_rebuild "change a type (text to integer): a rebuild"
run_op op_sqlite_rowids "rebuild a table without INTEGER PRIMARY KEY: rowids kept"
run_op op_sqlite_autoincrement "rebuild an AUTOINCREMENT table: its counter kept"
run_op op_sqlite_generated_virtual "add a VIRTUAL generated column"
run_op op_sqlite_generated_stored "add a STORED generated column (a rebuild)"

d=pg
export d
run_op op_alter_type_bigint "alter type integer to bigint"
run_op op_alter_type_using "alter type text to integer (USING)"
run_op op_pg_gin_add "add gin indexes"
run_op op_pg_gin_drop "drop gin indexes"
run_op op_pg_enum_create "create an enum"
run_op op_pg_enum_add_value "add an enum value in the middle"
run_op op_pg_enum_remove_value "remove an enum value (recreate the type)"
run_op op_pg_enum_drop "drop enums"
run_op op_pg_comment_add "add table and column comments"
run_op op_pg_comment_change "change table and column comments"
run_op op_pg_comment_drop "drop table and column comments"
run_op op_pg_identity "a column becomes an identity"
run_op op_pg_identity_table "create a table with identity and serial columns"
run_op op_pg_serial "add a serial column"
run_op op_pg_generated "add a STORED generated column"

test_done
