#!/bin/sh
# revision --autogenerate, more ops one by one (issue 4, first and third
# points), beyond t0051: circular foreign keys, views over changed tables
# and over views, index sort order, DEFERRABLE and ON UPDATE, enum values
# in use, NOT NULL without a default, multi-column uniques, check names,
# collations, INCLUDE, drop order, STRICT and WITHOUT ROWID. The cycle is
# that of t0051: model M0, autogenerate + upgrade, rows in; model M1,
# autogenerate + upgrade; then (a) the database equals one built directly
# from M1, (b) diff and a second autogenerate find nothing, (c) the rows
# are still there, (d) downgrade -1 gives back the M0 structure exactly
# and the rows.
. "$(dirname "$0")/lib.sh"

sq="'"

AG_PREFIX=t56
. "$(dirname "$0")/lib-autogen.sh"

# ---- both dialects ----------------------------------------------------

T='CREATE TABLE t (id integer PRIMARY KEY, a text);'
T_ROWS="INSERT INTO t VALUES (1, 'x'), (2, NULL), (5, 'z');"

# two new tables whose foreign keys point at each other: on PostgreSQL one
# key is added once both exist; on SQLite both are in the CREATE TABLEs
# (keys are not checked at create). The downgrade drops them both.
# (a PostgreSQL model cannot name b before it exists: its key is added
# after)
CIRC_SQLITE='CREATE TABLE a (id integer PRIMARY KEY, b_id integer REFERENCES b (id));
CREATE TABLE b (id integer PRIMARY KEY, a_id integer REFERENCES a (id));'
CIRC_PG='CREATE TABLE a (id integer PRIMARY KEY, b_id integer);
CREATE TABLE b (id integer PRIMARY KEY, a_id integer REFERENCES a (id));
ALTER TABLE a ADD FOREIGN KEY (b_id) REFERENCES b (id);'
op_circular_fk_create() {
	CIRC=$(pick "$CIRC_SQLITE" "$CIRC_PG")
	after_up='test "$(probe "INSERT INTO a VALUES (1, NULL);
INSERT INTO b VALUES (1, 1);
UPDATE a SET b_id = 1;
SELECT count(*) FROM a JOIN b ON b.a_id = a.id AND a.b_id = b.id;")" = 1
! probe "INSERT INTO a VALUES (2, 99);" 2>/dev/null' || false
	cycle circ_create "$T" "$T
$CIRC" "$T_ROWS" 't:id,a'
}

# and dropped, with rows pointing both ways
op_circular_fk_drop() {
	CIRC=$(pick "$CIRC_SQLITE" "$CIRC_PG")
	cycle circ_drop "$T
$CIRC" "$T" "$T_ROWS
INSERT INTO a VALUES (1, NULL);
INSERT INTO b VALUES (1, 1);
UPDATE a SET b_id = 1;" 't:id,a'
}

# a table and the view reading it change at once: the view goes before
# the table changes and comes back after
TV0='CREATE TABLE t (id integer PRIMARY KEY, a text, b integer);
CREATE VIEW v AS SELECT id, a FROM t;'
TV1='CREATE TABLE t (id integer PRIMARY KEY, a integer NOT NULL, c text);
CREATE VIEW v AS SELECT id, a, c FROM t WHERE a > 0;'
TV_ROWS="INSERT INTO t VALUES (1, '10', 3), (2, '20', NULL), (5, '-1', 7);"
op_table_and_view() {
	after_up='test "$(q "SELECT id FROM v ORDER BY id" | tr "\n" " ")" = "1 2 "'
	cycle table_view "$TV0" "$TV1" "$TV_ROWS" 't:id,a'
}

# a view on a view; the table under both changes (a rebuild on SQLite, a
# type change on PostgreSQL that both views depend on) and the first view
# changes: both go, both come back, in order
VV0='CREATE TABLE t (id integer PRIMARY KEY, a integer, b text);
CREATE VIEW v1 AS SELECT id, a FROM t WHERE a > 0;
CREATE VIEW v2 AS SELECT id, a * 2 AS a2 FROM v1;'
VV1='CREATE TABLE t (id integer PRIMARY KEY, a bigint, b text);
CREATE VIEW v1 AS SELECT id, a FROM t WHERE a > 1;
CREATE VIEW v2 AS SELECT id, a * 2 AS a2 FROM v1;'
VV_ROWS="INSERT INTO t VALUES (1, 1, 'p'), (2, 2, 'q'), (3, 3, NULL);"
op_view_on_view() {
	after_up='test "$(q "SELECT a2 FROM v2 ORDER BY id" | tr "\n" " ")" = "4 6 "'
	cycle view_on_view "$VV0" "$VV1" "$VV_ROWS" 't:id,a,b'
}

# only the view under another view changes
VV2='CREATE TABLE t (id integer PRIMARY KEY, a integer, b text);
CREATE VIEW v1 AS SELECT id, a, b FROM t WHERE a > 0;
CREATE VIEW v2 AS SELECT id, a * 2 AS a2 FROM v1;'
op_view_under_view() {
	after_up='test "$(q "SELECT count(*) FROM v2")" = 3'
	cycle view_under_view "$VV0" "$VV2" "$VV_ROWS" 't:id,a,b'
}

# an index whose sort order changes, ASC to DESC
SO0='CREATE TABLE t (id integer PRIMARY KEY, a text, b integer);
CREATE INDEX t_ab ON t (a, b);'
SO1='CREATE TABLE t (id integer PRIMARY KEY, a text, b integer);
CREATE INDEX t_ab ON t (a, b DESC);'
SO_ROWS="INSERT INTO t VALUES (1, 'x', 3), (2, NULL, 2), (5, 'z', NULL);"
op_index_desc() {
	cycle index_desc "$SO0" "$SO1" "$SO_ROWS" 't:id,a,b'
	expect_grep "t_ab" "$(m1_rev)"
}

# ON UPDATE changes (none to CASCADE)
P='CREATE TABLE p (id integer PRIMARY KEY, name text);'
FK_ROWS="INSERT INTO p VALUES (1, 'one'), (2, 'two');
INSERT INTO c VALUES (10, 1), (11, 1), (12, 2), (13, NULL);"
op_fk_on_update() {
	after_up='test "$(probe "UPDATE p SET id = 7 WHERE id = 1;
SELECT count(*) FROM c WHERE p_id = 7;")" = 2'
	after_down='! probe "UPDATE p SET id = 7 WHERE id = 1;" 2>/dev/null'
	cycle fk_on_update "$P
CREATE TABLE c (id integer PRIMARY KEY, p_id integer REFERENCES p (id));" "$P
CREATE TABLE c (id integer PRIMARY KEY,
    p_id integer REFERENCES p (id) ON UPDATE CASCADE);" \
	    "$FK_ROWS" 'p:id,name c:id,p_id'
}

# a NOT NULL column without a default, added to an empty table
op_add_not_null_empty() {
	after_up='! probe "INSERT INTO e (id) VALUES (1);" 2>/dev/null'
	cycle not_null_empty "$T
CREATE TABLE e (id integer PRIMARY KEY);" "$T
CREATE TABLE e (id integer PRIMARY KEY, n text NOT NULL);" "$T_ROWS" 't:id,a'
}

# the unique key a foreign key points at becomes a unique index (and
# back): the foreign key goes before and comes back after
UK0='CREATE TABLE parent (id integer PRIMARY KEY, code text CONSTRAINT parent_code_key UNIQUE);
CREATE TABLE child (id integer PRIMARY KEY, pcode text CONSTRAINT child_pcode_fkey REFERENCES parent (code));'
UK1='CREATE TABLE parent (id integer PRIMARY KEY, code text);
CREATE UNIQUE INDEX parent_code_uix ON parent (code);
CREATE TABLE child (id integer PRIMARY KEY, pcode text CONSTRAINT child_pcode_fkey REFERENCES parent (code));'
op_key_under_fk() {
	cycle key_under_fk "$UK0" "$UK1" "INSERT INTO parent VALUES (1, 'a'), (2, 'b');
INSERT INTO child VALUES (1, 'a'), (2, NULL);" 'parent:id,code child:id,pcode'
}

# a unique constraint on two columns, added and (downgrade) dropped
MU0='CREATE TABLE t (id integer PRIMARY KEY, a text, b integer);'
MU1='CREATE TABLE t (id integer PRIMARY KEY, a text, b integer, UNIQUE (a, b));'
op_multi_unique() {
	after_up='probe "INSERT INTO t VALUES (9, ${sq}x$sq, 4);"
! probe "INSERT INTO t VALUES (9, ${sq}x$sq, 3);" 2>/dev/null' || false
	cycle multi_unique "$MU0" "$MU1" "$SO_ROWS" 't:id,a,b'
}

# the same check expressions, one gaining a name, one losing it
CN0='CREATE TABLE t (id integer PRIMARY KEY, a integer, b integer,
    CHECK (a > 0), CONSTRAINT b_pos CHECK (b > 0));'
CN1='CREATE TABLE t (id integer PRIMARY KEY, a integer, b integer,
    CONSTRAINT a_pos CHECK (a > 0), CHECK (b > 0));'
CN_ROWS="INSERT INTO t VALUES (1, 1, 1), (2, NULL, 2), (5, 3, NULL);"
op_check_names() {
	cycle check_names "$CN0" "$CN1" "$CN_ROWS" 't:id,a,b'
}

# a table others reference goes: the child loses its key first (child
# kept), or goes first (both dropped)
DR0="$P
CREATE TABLE c (id integer PRIMARY KEY, p_id integer REFERENCES p (id));
CREATE TABLE g (id integer PRIMARY KEY, c_id integer REFERENCES c (id));"
DR_ROWS="INSERT INTO p VALUES (1, 'one'), (2, 'two');
INSERT INTO c VALUES (10, 1), (11, 1), (12, 2), (13, NULL);
INSERT INTO g VALUES (100, 10), (101, 13);"
# (the kept child's rows point at no parent: the downgrade brings back
# the parent's key, not its rows)
op_drop_referenced_kept_child() {
	cycle drop_ref_keep "$DR0" "CREATE TABLE c (id integer PRIMARY KEY, p_id integer);
CREATE TABLE g (id integer PRIMARY KEY, c_id integer REFERENCES c (id));" \
	    "INSERT INTO p VALUES (1, 'one');
INSERT INTO c VALUES (10, NULL), (11, NULL);
INSERT INTO g VALUES (100, 10), (101, NULL);" 'c:id,p_id g:id,c_id'
	f=$(m1_rev)
	expect_grep "-- WARNING: drop table" "$f"
}
op_drop_referenced_chain() {
	cycle drop_ref_chain "$DR0
$T" "$T" "$DR_ROWS
$T_ROWS" 't:id,a'
}

# ---- PostgreSQL -------------------------------------------------------

op_fk_deferrable() {
	after_up='test "$(probe "INSERT INTO c VALUES (20, 99);
DELETE FROM c WHERE id = 20;
SELECT count(*) FROM c;")" = 4'
	after_down='! probe "INSERT INTO c VALUES (20, 99);" 2>/dev/null'
	cycle fk_deferrable "$P
CREATE TABLE c (id integer PRIMARY KEY, p_id integer REFERENCES p (id));" "$P
CREATE TABLE c (id integer PRIMARY KEY,
    p_id integer REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED);" \
	    "$FK_ROWS" 'p:id,name c:id,p_id'
}

# a type change under a view that the model leaves as it is: PostgreSQL
# refuses ALTER TYPE of a column a view uses, so the view goes and comes
# back around it
op_pg_type_under_view() {
	after_up='test "$(q "SELECT pg_typeof(a) FROM v LIMIT 1")" = bigint'
	cycle type_under_view \
	    'CREATE TABLE t (id integer PRIMARY KEY, a integer);
CREATE VIEW v AS SELECT id, a FROM t;' \
	    'CREATE TABLE t (id integer PRIMARY KEY, a bigint);
CREATE VIEW v AS SELECT id, a FROM t;' \
	    "INSERT INTO t VALUES (1, 10), (2, NULL), (5, -3);" 't:id,a'
}

# an enum value goes while columns use the type (one with a default,
# another table's, an array, a view over one): the rows holding the values
# kept survive
EV0="CREATE TYPE mood AS ENUM ('sad', 'ok', 'meh', 'happy');"
EV1="CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');"
EV_T="CREATE TABLE t (id integer PRIMARY KEY, m mood NOT NULL DEFAULT 'ok');
CREATE TABLE u (id integer PRIMARY KEY, m mood, ms mood[]);"
EV_ROWS="INSERT INTO t VALUES (1, 'sad'), (2, 'happy'), (3, DEFAULT);
INSERT INTO u VALUES (1, 'ok', '{sad,ok}'), (2, NULL, NULL), (3, 'sad', '{happy}');"
EV_SPEC='t:id,m::text u:id,m::text,ms::text'
op_pg_enum_remove_used() {
	after_up='test "$(probe "INSERT INTO u VALUES (9, ${sq}meh$sq);" 2>&1)" != ""'
	cycle enum_remove_used "$EV0
$EV_T" "$EV1
$EV_T" "$EV_ROWS" "$EV_SPEC"
}

# the same, with a view over a column of the type
op_pg_enum_remove_under_view() {
	after_up='test "$(q "SELECT string_agg(m::text, $sq,$sq ORDER BY id) FROM v")" = happy,ok'
	cycle enum_remove_view "$EV0
$EV_T
CREATE VIEW v AS SELECT id, m FROM t WHERE m <> 'sad';" "$EV1
$EV_T
CREATE VIEW v AS SELECT id, m FROM t WHERE m <> 'sad';" "$EV_ROWS" "$EV_SPEC"
}

op_pg_collation() {
	after_up='test "$(q "SELECT string_agg(a, $sq$sq ORDER BY a) FROM t")" = BZa'
	cycle collation \
	    'CREATE TABLE t (id integer PRIMARY KEY, a text);
CREATE INDEX t_a ON t (a);' \
	    'CREATE TABLE t (id integer PRIMARY KEY, a text COLLATE "C");
CREATE INDEX t_a ON t (a);' \
	    "INSERT INTO t VALUES (1, 'a'), (2, 'B'), (3, 'Z');" 't:id,a'
}

op_pg_index_include() {
	cycle index_include "$MU0" "$MU0
CREATE UNIQUE INDEX t_a_incl ON t (a) INCLUDE (b);" "$SO_ROWS" 't:id,a,b'
	expect_grep "INCLUDE" "$(m1_rev)"
}

op_pg_index_include_change() {
	cycle index_include_change "$MU0
CREATE INDEX t_a_incl ON t (a) INCLUDE (b);" "$MU0
CREATE INDEX t_a_incl ON t (a) INCLUDE (b, id);" "$SO_ROWS" 't:id,a,b'
}

# a new column with a comment: the comment comes with it
op_pg_add_column_comment() {
	cycle add_column_comment "$T" "CREATE TABLE t (id integer PRIMARY KEY, a text,
    b text);
COMMENT ON COLUMN t.b IS 'the b column';" "$T_ROWS" 't:id,a'
}

# a narrowing type change and, on the same table, a new column with a
# comment: the downgrade must not comment on the column it has dropped
op_pg_add_column_comment_narrow() {
	cycle add_column_comment_narrow 'CREATE TABLE t (id integer PRIMARY KEY, a text);' \
	    "CREATE TABLE t (id integer PRIMARY KEY, a varchar(9), b text);
COMMENT ON COLUMN t.b IS 'bee';" "$T_ROWS" 't:id,a'
}

# ---- SQLite -------------------------------------------------------------

# a column gets COLLATE NOCASE (a rebuild), with an index on it
op_sqlite_collation() {
	after_up='! probe "INSERT INTO t VALUES (9, ${sq}X$sq);" 2>/dev/null'
	cycle sqlite_collation \
	    'CREATE TABLE t (id integer PRIMARY KEY, a text UNIQUE);
CREATE INDEX t_a ON t (a);' \
	    'CREATE TABLE t (id integer PRIMARY KEY, a text COLLATE NOCASE UNIQUE);
CREATE INDEX t_a ON t (a);' \
	    "INSERT INTO t VALUES (1, 'x'), (2, 'B'), (3, NULL);" 't:id,a'
}

ST='CREATE TABLE s (id INTEGER PRIMARY KEY, a TEXT NOT NULL, n INT) STRICT;'
WR='CREATE TABLE w (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID;'
op_sqlite_strict_create() {
	after_up='! probe "INSERT INTO s VALUES (1, ${sq}x$sq, ${sq}not a number$sq);" 2>/dev/null'
	cycle strict_create "$T" "$T
$ST
$WR" "$T_ROWS" 't:id,a'
}
op_sqlite_strict_drop() {
	cycle strict_drop "$T
$ST
$WR" "$T" "$T_ROWS
INSERT INTO s VALUES (1, 'x', 2);
INSERT INTO w VALUES ('k', x'00');" 't:id,a'
}

# a table becomes STRICT, another WITHOUT ROWID: rebuilds
op_sqlite_strict_alter() {
	cycle strict_alter "CREATE TABLE s (id INTEGER PRIMARY KEY, a TEXT NOT NULL, n INT);
CREATE TABLE w (k TEXT PRIMARY KEY NOT NULL, v BLOB);" \
	    "CREATE TABLE s (id INTEGER PRIMARY KEY, a TEXT NOT NULL, n INT) STRICT;
CREATE TABLE w (k TEXT PRIMARY KEY NOT NULL, v BLOB) WITHOUT ROWID;" \
	    "INSERT INTO s VALUES (1, 'x', 2), (3, 'y', NULL);
INSERT INTO w VALUES ('k', x'00'), ('l', NULL);" 's:id,a,n -w:k,hex(v)'
}

# SQLite triggers are part of the model: created, changed, dropped
TRG_T='CREATE TABLE t (id integer PRIMARY KEY, a text);
CREATE TABLE audit (msg text);'
TRG1='CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN
    INSERT INTO audit VALUES (NEW.a);
END;'
TRG2='CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN
    INSERT INTO audit VALUES (upper(NEW.a));
END;'
op_sqlite_trigger_create() {
	after_up='test "$(probe "INSERT INTO t VALUES (9, ${sq}zed$sq);
SELECT msg FROM audit;")" = zed'
	cycle trigger_create "$TRG_T" "$TRG_T
$TRG1" "INSERT INTO t VALUES (1, 'x');" 't:id,a'
}
op_sqlite_trigger_change() {
	after_up='test "$(probe "INSERT INTO t VALUES (9, ${sq}zed$sq);
SELECT msg FROM audit ORDER BY rowid DESC LIMIT 1;")" = ZED'
	cycle trigger_change "$TRG_T
$TRG1" "$TRG_T
$TRG2" "INSERT INTO t VALUES (1, 'x');" 't:id,a'
}
op_sqlite_trigger_drop() {
	cycle trigger_drop "$TRG_T
$TRG1" "$TRG_T" "INSERT INTO t VALUES (1, 'x');" 't:id,a'
}
# a trigger kept through a rebuild of its table, and one changed with it
op_sqlite_trigger_rebuild() {
	cycle trigger_rebuild "$TRG_T
$TRG1" "CREATE TABLE t (id integer PRIMARY KEY, a text NOT NULL DEFAULT '');
CREATE TABLE audit (msg text);
$TRG2" "INSERT INTO t VALUES (1, 'x');" 't:id,a'
}
# an FTS5 virtual table: made as such, its shadow tables left to SQLite
op_sqlite_virtual() {
	after_up='test "$(probe "INSERT INTO docs VALUES (${sq}hello world$sq);
SELECT count(*) FROM docs WHERE docs MATCH ${sq}hello$sq;")" = 1'
	cycle virtual "$TRG_T" "$TRG_T
CREATE VIRTUAL TABLE docs USING fts5(body);" "INSERT INTO t VALUES (1, 'x');" 't:id,a'
}

# its module's arguments change: made again (its rows are the module's)
op_sqlite_virtual_change() {
	after_up='test "$(probe "INSERT INTO docs VALUES (${sq}running$sq);
SELECT count(*) FROM docs WHERE docs MATCH ${sq}run$sq;")" = 1'
	cycle virtual_change "$TRG_T
CREATE VIRTUAL TABLE docs USING fts5(body);" "$TRG_T
CREATE VIRTUAL TABLE docs USING fts5(body, tokenize='porter');" \
	    "INSERT INTO t VALUES (1, 'x');" 't:id,a'
	f=$(ls migrations/versions/*m1.sql)
	expect_grep "-- WARNING: change table options \"docs\": the virtual table is made again, empty" "$f"
}

# run_op FUNCTION DESCRIPTION: the test, for dialect $d.
run_op() {
	after_up= after_down=
	test_expect_success "$d: $2" "$1"
}

for d in sqlite pg; do
	export d
	run_op op_circular_fk_create "create two tables with circular foreign keys"
	run_op op_circular_fk_drop "drop two tables with circular foreign keys"
	run_op op_table_and_view "a table and the view reading it change at once"
	run_op op_view_on_view "a view on a view, the table under both changes"
	run_op op_view_under_view "the view under another view changes"
	run_op op_index_desc "an index column goes from ASC to DESC"
	run_op op_fk_on_update "a foreign key gets ON UPDATE CASCADE"
	run_op op_fk_deferrable "a foreign key becomes DEFERRABLE INITIALLY DEFERRED"
	run_op op_add_not_null_empty "add a NOT NULL column without default to an empty table"
	run_op op_key_under_fk "the unique key a foreign key uses becomes a unique index"
	run_op op_multi_unique "add a two-column unique constraint"
	run_op op_check_names "checks gain and lose their names"
	run_op op_drop_referenced_kept_child "drop a referenced table, its child kept"
	run_op op_drop_referenced_chain "drop a chain of referencing tables"
done

d=pg
export d
run_op op_pg_type_under_view "change a column type a view depends on"
run_op op_pg_enum_remove_used "remove an enum value from a type columns and arrays use"
run_op op_pg_enum_remove_under_view "remove an enum value from a type a view's column uses"
run_op op_pg_collation "a column gets COLLATE \"C\""
run_op op_pg_index_include "add a unique index with INCLUDE"
run_op op_pg_index_include_change "change the INCLUDE columns of an index"
run_op op_pg_add_column_comment "add a column with a comment"
run_op op_pg_add_column_comment_narrow "add a commented column beside a narrowing change"

d=sqlite
export d
run_op op_sqlite_strict_create "create STRICT and WITHOUT ROWID tables"
run_op op_sqlite_strict_drop "drop STRICT and WITHOUT ROWID tables"
run_op op_sqlite_collation "a column gets COLLATE NOCASE"
run_op op_sqlite_strict_alter "tables become STRICT and WITHOUT ROWID (rebuilds)"
run_op op_sqlite_trigger_create "create a trigger"
run_op op_sqlite_trigger_change "change a trigger"
run_op op_sqlite_trigger_drop "drop a trigger"
run_op op_sqlite_trigger_rebuild "a rebuild with a trigger that changes too"
run_op op_sqlite_virtual "create an FTS5 virtual table"
run_op op_sqlite_virtual_change "change an FTS5 virtual table's options"

test_done
