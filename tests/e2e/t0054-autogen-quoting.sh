#!/bin/sh
# revision --autogenerate with identifiers that need quoting (issue 4, third
# test point), on SQLite and PostgreSQL: key words ("order", "user",
# "group", "select"), mixed case ("UserAccount", "createdAt"), blanks
# ("line item"), embedded double quotes ("we""ird"), unicode ("café"), a
# line break, and a table named  x"; DROP TABLE y; --  beside a table y
# that must exist, with its rows, at every step.
#
# Each case: model M0, autogenerate + upgrade, rows in; model M1,
# autogenerate + upgrade; then the database equals one built from M1
# directly, diff and a second autogenerate find nothing, the rows are kept;
# downgrade -1 gives back M0 exactly with the rows, and upgrade head again
# gives back M1; and `upgrade head --sql`, run by sqlite3 / psql on a fresh
# database, builds the same M1.
. "$(dirname "$0")/lib.sh"

sq="'"

# the oracles (dump, master, oracle ...) of the op tests; this file has
# its own cycle (qcycle), rows and probe
AG_PREFIX=t54
. "$(dirname "$0")/lib-autogen.sh"

# sql_on DB: run the SQL on stdin on database DB of dialect $d.
sql_on() {
	case $d in
	sqlite)	sqlite3 -bail "$1" ;;
	pg)	psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" ;;
	esac
}

# rows SPEC: the rows of the tables of SPEC, one "TABLE|COLUMNS" a line
# (both as SQL text, quoted as needed), in rowid order on SQLite (rowid
# first), by the first column on PostgreSQL. The sentinel y always.
rows() {
	printf 'y|id, v\n%s\n' "$1" | while IFS='|' read -r _t _c; do
		[ -n "$_t" ] || continue
		echo "SELECT '==';"
		case $d in
		sqlite)	echo "SELECT rowid, $_c FROM $_t ORDER BY rowid;" ;;
		pg)	echo "SELECT $_c FROM $_t ORDER BY 1;" ;;
		esac
	done >rows.sql
	sql_on "$db" <rows.sql
}

# y_ok [DB]: the sentinel table y is there with its three rows.
y_ok() {
	_n=$(echo "SELECT count(*) FROM y;" | sql_on "${1:-$db}") || {
		echo "table y is gone"; return 1; }
	test "$_n" = "${2:-3}" || { echo "y has $_n rows"; return 1; }
}

nfiles() {
	ls migrations/versions | wc -l | tr -d ' '
}

# the sentinel, in every model: a table that a name trying to smuggle in a
# DROP TABLE y would destroy
Y='CREATE TABLE y (id integer PRIMARY KEY, v text);'
Y_ROWS="INSERT INTO y VALUES (1, 'a'), (2, 'b'), (3, NULL);"

# fresh NAME: an empty database of dialect $d, its name (or path) printed.
fresh() {
	case $d in
	sqlite)	rm -f "$PWD/$1.db"; echo "$PWD/$1.db" ;;
	pg)	psql -X -q -v ON_ERROR_STOP=1 -d postgres \
		    -c "DROP DATABASE IF EXISTS t54_$1" \
		    -c "CREATE DATABASE t54_$1 OWNER migrate" 2>/dev/null
		echo "t54_$1" ;;
	esac
}

# qcycle NAME M0 M1 SEED SPEC: the whole cycle for one case. M0 and M1 are
# the models without the sentinel; SEED is SQL run once M0 is in place
# (foreign keys on, on SQLite); SPEC says the rows that must survive (see
# rows). $after_up, when set, is evaluated with the database at M1;
# $ref_extra, SQL that the model does not hold, is run on the reference
# databases (the one built from M1, the one built offline) too.
qcycle() {
	_name=$1 _m0="$Y
$2" _m1="$Y
$3" _seed="$Y_ROWS
$4" _spec=$5
	db=$(fresh "$_name")
	ref=$(fresh ref)
	off=$(fresh off)
	case $d in
	sqlite)	url="sqlite:///$db" ;;
	pg)	url=$(echo "$MIGRATE_TEST_PG_URL" | sed "s,/migrate_test\$,/$db,") ;;
	esac
	mkdir -p migrations/models migrations/versions
	printf '[migrate]\nscript_location = %%(here)s/migrations\nurl = %s\n' \
	    "$(printf '%s' "$url" | sed 's/%/%%/g')" >migrate.ini
	printf '%s\n' "$_m1" >m1.sql
	printf '%s\n' "${ref_extra:-}" >>m1.sql
	( sql_on "$ref" <m1.sql >/dev/null && oracle_fmt "$ref" >want1.txt ) &
	_ref=$!
	# M0, and the rows
	printf '%s\n' "$_m0" >migrations/models/m.sql
	run_migrate 0 revision --autogenerate -m m0
	test "$(nfiles)" = 1
	run_migrate 0 upgrade head
	case $d in
	sqlite)	printf 'PRAGMA foreign_keys = ON;\n%s\n' "$_seed" | sql_on "$db" ;;
	pg)	printf '%s\n' "$_seed" | sql_on "$db" >/dev/null ;;
	esac
	y_ok
	oracle "$db" >s0.txt
	rows "$_spec" >rows0.txt
	# M1
	printf '%s\n' "$_m1" >migrations/models/m.sql
	run_migrate 0 revision --autogenerate -m m1
	test "$(nfiles)" = 2 || {
		echo "autogenerate wrote no revision for M1:"
		cat err
		return 1
	}
	y_ok
	run_migrate 0 upgrade head
	y_ok
	oracle "$db" >s1.txt
	oracle_fmt "$db" >got1.txt
	# nothing left to do
	run_migrate 0 diff
	if [ -s out ]; then
		echo "diff finds changes left:"
		cat out
		return 1
	fi
	expect_text "No changes detected" err
	run_migrate 0 revision --autogenerate -m again
	expect_text "No changes detected" err
	test "$(nfiles)" = 2
	rows "$_spec" >rows1.txt
	echo "the rows after the upgrade:"
	diff -u rows0.txt rows1.txt
	wait $_ref
	echo "the upgraded database against one built from M1:"
	diff -u want1.txt got1.txt
	eval "${after_up:-:}"
	# back to M0, rows kept
	run_migrate 0 downgrade -1
	y_ok
	oracle "$db" >s0back.txt
	rows "$_spec" >rows2.txt
	echo "the rows after the downgrade:"
	diff -u rows0.txt rows2.txt
	echo "the downgraded database against M0:"
	diff -u s0.txt s0back.txt
	# and up again
	run_migrate 0 upgrade head
	y_ok
	oracle "$db" >s1again.txt
	rows "$_spec" >rows3.txt
	echo "the rows after the second upgrade:"
	diff -u rows0.txt rows3.txt
	echo "the database upgraded twice against once:"
	diff -u s1.txt s1again.txt
	eval "${after_up:-:}"
	# offline: the whole script builds M1 in a fresh database
	run_migrate 0 upgrade head --sql
	cp out offline.sql
	sql_on "$off" <offline.sql >/dev/null
	printf '%s\n' "${ref_extra:-}" | sql_on "$off" >/dev/null
	oracle_fmt "$off" >off1.txt
	echo "the database built by upgrade head --sql against M1:"
	diff -u want1.txt off1.txt
	printf '%s\n' "$Y_ROWS" | sql_on "$off" >/dev/null
	y_ok "$off"
}

# qq SQL: a query on the database of the cycle
qq() {
	printf '%s\n' "$1" | sql_on "$db"
}

# probe SQL: run SQL in a transaction that is rolled back, printing what
# its queries return (foreign keys on, on SQLite).
probe() {
	case $d in
	sqlite)	printf 'PRAGMA foreign_keys = ON;\nBEGIN;\n%s\nROLLBACK;\n' "$1" ;;
	pg)	printf 'BEGIN;\n%s\nROLLBACK;\n' "$1" ;;
	esac | sql_on "$db" | grep -v '^\(BEGIN\|ROLLBACK\)$' || true
}

# ---- the cases ------------------------------------------------------

# one schema that has each kind of name in each kind of place
ALL='CREATE TABLE "user" (
    id integer PRIMARY KEY,
    "UserName" varchar(40) NOT NULL UNIQUE,
    "line item" text,
    "we""ird" integer CHECK ("we""ird" > 0),
    "café" text DEFAULT '"'"'crème'"'"',
    CONSTRAINT "user ""name"" check" CHECK ("UserName" <> '"'"''"'"')
);
CREATE TABLE "group" (
    "select" integer NOT NULL,
    "createdAt" text NOT NULL,
    "order" integer,
    PRIMARY KEY ("select", "createdAt"),
    CONSTRAINT "group.order unique" UNIQUE ("order")
);
CREATE TABLE "order" (
    id integer PRIMARY KEY,
    "user" integer REFERENCES "user" (id) ON DELETE CASCADE,
    "group select" integer,
    "group createdAt" text,
    "select" text,
    CONSTRAINT "order → group" FOREIGN KEY ("group select", "group createdAt")
        REFERENCES "group" ("select", "createdAt")
);
CREATE INDEX "order ""user"" idx" ON "order" ("user", "select" DESC);
CREATE UNIQUE INDEX "café_uniq" ON "user" ("café") WHERE "we""ird" > 1;
CREATE TABLE "x""; DROP TABLE y; --" (id integer PRIMARY KEY,
    "a""; DROP TABLE y; --" text);
CREATE VIEW "UserAccount" AS SELECT id, "UserName" AS "Name", "café" FROM "user";
CREATE VIEW "line item view" AS SELECT o.id, u."UserName" FROM "order" o
    JOIN "user" u ON u.id = o."user";'

ALL_ROWS="INSERT INTO \"user\" VALUES (1, 'ann', 'li 1', 2, 'crème'),
    (2, 'bob', NULL, 1, NULL);
INSERT INTO \"group\" VALUES (1, '2026-01-01', 10), (2, '2026-01-02', NULL);
INSERT INTO \"order\" VALUES (7, 1, 1, '2026-01-01', 'a'), (8, 2, NULL, NULL, 'b');
INSERT INTO \"x\"\"; DROP TABLE y; --\" VALUES (1, 'DROP TABLE y');"

q_create_all() {
	after_up='test "$(probe "$ALL_ROWS
SELECT \"Name\" FROM \"UserAccount\" ORDER BY id;
SELECT count(*) FROM \"line item view\";" | tr "\n" " ")" = "ann bob 2 "'
	qcycle create_all '' "$ALL" '' ''
	f=$(ls migrations/versions/*m1.sql)
	expect_grep '"x""; DROP TABLE y; --"' "$f"
}

q_drop_all() {
	qcycle drop_all "$ALL" '' "$ALL_ROWS" ''
	f=$(ls migrations/versions/*m1.sql)
	expect_grep "-- WARNING: drop table" "$f"
}

# keys between quoted names change: the composite foreign key gets ON
# DELETE SET NULL, the other loses its CASCADE, a named unique goes, a
# partial unique index changes its WHERE (SQLite: rebuilds of a parent
# and a child)
ALL2=$(printf '%s\n' "$ALL" | sed \
    -e 's/REFERENCES "user" (id) ON DELETE CASCADE,/REFERENCES "user" (id),/' \
    -e 's/REFERENCES "group" ("select", "createdAt")/& ON DELETE SET NULL/' \
    -e '/CONSTRAINT "group.order unique"/d' \
    -e 's/PRIMARY KEY ("select", "createdAt"),/PRIMARY KEY ("select", "createdAt")/' \
    -e 's/WHERE "we""ird" > 1;/WHERE "we""ird" > 0;/')
q_keys() {
	after_up='test "$(probe "DELETE FROM \"group\" WHERE \"select\" = 1;
SELECT count(*) FROM \"order\" WHERE \"group select\" IS NULL;")" = 2'
	qcycle keys "$ALL" "$ALL2" "$ALL_ROWS" '"user"|id, "UserName", "we""ird"
"group"|"select", "createdAt", "order"
"order"|id, "user", "group select", "group createdAt"'
	test "$(printf '%s\n' "$ALL2" | grep -c "ON DELETE SET NULL")" = 1
}

# add and drop columns, natively on both (the dropped column is the last:
# migrate does not keep the order of columns, see t0056)
COL0='CREATE TABLE "order" (id integer PRIMARY KEY, "select" text,
    "we""ird" text, "group" integer);'
COL1='CREATE TABLE "order" (id integer PRIMARY KEY, "select" text,
    "we""ird" text, "createdAt" text, "line item" integer DEFAULT 0,
    "café" varchar(10));'
COL_ROWS="INSERT INTO \"order\" VALUES (1, 's', 'w\"q', 1), (2, NULL, NULL, 2),
    (5, 'sel', 'x', NULL);"
COL_SPEC='"order"|id, "select", "we""ird"'
q_add_drop_columns() {
	after_up='test "$(qq "SELECT count(*) FROM \"order\" WHERE \"line item\" = 0;")" = 3'
	qcycle add_drop_columns "$COL0" "$COL1" "$COL_ROWS" "$COL_SPEC"
}

# a type change: a rebuild on SQLite, ALTER ... TYPE ... USING on
# PostgreSQL, of a parent (ON DELETE CASCADE children: none lost), with an
# index and a view on it
TY0='CREATE TABLE "user" (id integer PRIMARY KEY, "UserName" text NOT NULL UNIQUE,
    "café" text, "we""ird" text);
CREATE TABLE "order" (id integer PRIMARY KEY,
    "user" integer REFERENCES "user" (id) ON DELETE CASCADE, "select" text);
CREATE INDEX "user ""café"" idx" ON "user" ("café");
CREATE VIEW "UserAccount" AS SELECT id, "we""ird", "café" FROM "user";'
TY1=$(printf '%s\n' "$TY0" | sed 's/"we""ird" text)/"we""ird" integer)/')
TY_ROWS="INSERT INTO \"user\" VALUES (1, 'ann', 'é', '10'), (2, 'bob', NULL, NULL),
    (3, 'cy', 'ç', '-3');
INSERT INTO \"order\" VALUES (7, 1, 'a'), (8, 1, 'b'), (9, 3, NULL);"
TY_SPEC='"user"|id, "UserName", "café", "we""ird"
"order"|id, "user", "select"'
q_alter_type() {
	after_up='test "$(qq "SELECT count(*) FROM \"order\";")" = 3'
	qcycle alter_type "$TY0" "$TY1" "$TY_ROWS" "$TY_SPEC"
	f=$(ls migrations/versions/*m1.sql)
	[ "$d" = pg ] || expect_grep "-- migrate:foreign-keys-off" "$f"
}

# a CHECK, named and not, added and (the downgrade) dropped: a rebuild on
# SQLite
CK0='CREATE TABLE "group" (id integer PRIMARY KEY, "select" text, "we""ird" integer);'
CK1='CREATE TABLE "group" (id integer PRIMARY KEY, "select" text, "we""ird" integer,
    CONSTRAINT "chk ""select"" not empty" CHECK ("select" <> '"'"''"'"'),
    CHECK ("we""ird" >= 0));'
CK_ROWS="INSERT INTO \"group\" VALUES (1, 'a', 0), (2, NULL, 5), (4, 'c', NULL);"
q_add_check() {
	after_up='! printf "INSERT INTO \"group\" VALUES (9, %s%s, 1);\n" "$sq" "$sq" |
	    sql_on "$db" 2>/dev/null'
	qcycle add_check "$CK0" "$CK1" "$CK_ROWS" '"group"|id, "select", "we""ird"'
	f=$(ls migrations/versions/*m1.sql)
	[ "$d" = pg ] || expect_grep "-- migrate:foreign-keys-off" "$f"
}

# indexes on such names: one dropped, others added (unique, DESC, partial,
# expression)
IX_T='CREATE TABLE "order" (id integer PRIMARY KEY, "select" text,
    "group" integer, "café" text);'
IX0="$IX_T
CREATE INDEX \"ix \"\"old\"\"\" ON \"order\" (\"group\");"
IX1="$IX_T
CREATE UNIQUE INDEX \"ix \"\"sel\"\" desc\" ON \"order\" (\"select\" DESC, \"group\");
CREATE INDEX \"order.group>0\" ON \"order\" (\"café\") WHERE \"group\" > 0;
CREATE INDEX \"lower(café)\" ON \"order\" (lower(\"café\"));"
IX_ROWS="INSERT INTO \"order\" VALUES (1, 'a', 1, 'É'), (2, 'b', NULL, NULL),
    (3, NULL, 3, 'e');"
q_indexes() {
	qcycle indexes "$IX0" "$IX1" "$IX_ROWS" '"order"|id, "select", "group", "café"'
}

# views on such names: one replaced, one added (reading the other)
VW_T='CREATE TABLE "user" (id integer PRIMARY KEY, "UserName" text, "createdAt" text);'
VW0="$VW_T
CREATE VIEW \"v \"\"1\"\"\" AS SELECT id FROM \"user\";"
VW1="$VW_T
CREATE VIEW \"v \"\"1\"\"\" AS SELECT id, \"createdAt\" FROM \"user\" WHERE id > 1;
CREATE VIEW \"UserAccount\" AS SELECT \"createdAt\" AS \"select\" FROM \"v \"\"1\"\"\";"
VW_ROWS="INSERT INTO \"user\" VALUES (1, 'a', 'x'), (2, 'b', 'y');"
q_views() {
	after_up='test "$(qq "SELECT \"select\" FROM \"UserAccount\";")" = y'
	qcycle views "$VW0" "$VW1" "$VW_ROWS" '"user"|id, "UserName", "createdAt"'
}

# the injection table: a column added, a column changing type (a rebuild
# on SQLite), an index and a view on it; y still there
IJ0='CREATE TABLE "x""; DROP TABLE y; --" (id integer PRIMARY KEY,
    "a""b" text);'
IJ1='CREATE TABLE "x""; DROP TABLE y; --" (id integer PRIMARY KEY,
    "a""b" integer, "c; DROP TABLE y; --" text);
CREATE INDEX "i""; DROP TABLE y; --" ON "x""; DROP TABLE y; --" ("a""b");
CREATE VIEW "v""; DROP TABLE y; --" AS SELECT "a""b" FROM "x""; DROP TABLE y; --";'
IJ_ROWS="INSERT INTO \"x\"\"; DROP TABLE y; --\" VALUES (1, '1'), (2, NULL);"
q_injection() {
	qcycle injection "$IJ0" "$IJ1" "$IJ_ROWS" '"x""; DROP TABLE y; --"|id, "a""b"'
	f=$(ls migrations/versions/*m1.sql)
	[ "$d" = pg ] || expect_grep "-- migrate:foreign-keys-off" "$f"
}

# names with printf directives, a backslash, a tab; a default and (on
# PostgreSQL) comments whose literals hold quotes, a -- and a ;
OD0='CREATE TABLE "100%s%n" (id integer PRIMARY KEY, "back\slash" text);'
OD1='CREATE TABLE "100%s%n" (id integer PRIMARY KEY, "back\slash" varchar(9),
    "tab	here" text DEFAULT '"'it''s; -- \n %s'"' NOT NULL);
CREATE INDEX "%d%%" ON "100%s%n" ("back\slash", "tab	here");'
OD_ROWS="INSERT INTO \"100%s%n\" VALUES (1, 'a\\b'), (2, NULL);"
OD_PG="
COMMENT ON TABLE \"100%s%n\" IS 'it''s \"%s\" -- ; \\';
COMMENT ON COLUMN \"100%s%n\".\"back\\slash\" IS 'x''; DROP TABLE y; --';"
q_odd_chars() {
	after_up='test "$(qq "SELECT DISTINCT \"tab	here\" FROM \"100%s%n\";")" = "it${sq}s; -- \\n %s"'
	qcycle odd_chars "$OD0" "$OD1$([ "$d" = sqlite ] || printf '%s' "$OD_PG")" \
	    "$OD_ROWS" '"100%s%n"|id, "back\slash"'
}

# SQLite: a trigger and a view with quoted names on a table that is
# rebuilt are recreated; the trigger is part of the model.
TRG='CREATE TRIGGER "trg ""ins""" AFTER INSERT ON "user" BEGIN
    INSERT INTO "log ""x""" VALUES (NEW."UserName");
END;'
TR0='CREATE TABLE "user" (id integer PRIMARY KEY, "UserName" text, "we""ird" text);
CREATE TABLE "log ""x""" (msg text);
CREATE VIEW "UserAccount" AS SELECT "UserName" FROM "user";
'"$TRG"
TR1=$(printf '%s\n' "$TR0" | sed 's/"we""ird" text)/"we""ird" integer NOT NULL DEFAULT 0)/')
q_sqlite_trigger() {
	after_up='test "$(probe "INSERT INTO \"user\" (id, \"UserName\") VALUES (9, ${sq}zed$sq);
SELECT msg FROM \"log \"\"x\"\"\" WHERE msg = ${sq}zed$sq;")" = zed'
	qcycle sqlite_trigger "$TR0" "$TR1" \
	    "INSERT INTO \"user\" VALUES (1, 'ann', '1'), (2, 'bob', '2');" \
	    '"user"|id, "UserName", "we""ird"
"log ""x"""|msg'
	f=$(ls migrations/versions/*m1.sql)
	expect_grep "-- migrate:foreign-keys-off" "$f"
}

# a name with a line break: a comment that names it must not end there
NL_T="CREATE TABLE \"n
DROP TABLE y; --\" (id integer PRIMARY KEY, \"c
DROP TABLE y;\" text);"
q_newline() {
	qcycle newline "$NL_T" '' "INSERT INTO \"n
DROP TABLE y; --\" VALUES (1, 'one');" ''
}

# PostgreSQL: an enum with a quoted name: created with a table using it,
# then a value added and one (unused) removed
EN0="CREATE TYPE \"Mood \"\"x\"\"\" AS ENUM ('sad', 'o''k', 'Happy');
CREATE TABLE \"user\" (id integer PRIMARY KEY,
    m \"Mood \"\"x\"\"\" NOT NULL DEFAULT 'o''k');"
EN1="CREATE TYPE \"Mood \"\"x\"\"\" AS ENUM ('sad', 'Meh \"so\"', 'o''k');
CREATE TABLE \"user\" (id integer PRIMARY KEY,
    m \"Mood \"\"x\"\"\" NOT NULL DEFAULT 'o''k');"
EN_ROWS="INSERT INTO \"user\" VALUES (1, 'sad'), (2, 'o''k'), (3, DEFAULT);"
q_pg_enum_create() {
	qcycle enum_create '' "$EN0" '' ''
}
q_pg_enum_change() {
	qcycle enum_change "$EN0" "$EN1" "$EN_ROWS" '"user"|id, m::text'
}

# PostgreSQL: bare names fold to lower case, quoted ones do not: the two
# are different tables, columns and types
q_pg_case_fold() {
	after_up='test "$(q "SELECT count(*) FROM pg_tables WHERE schemaname =
	    ${sq}public$sq AND tablename IN (${sq}useraccount$sq,
	    ${sq}UserAccount$sq)")" = 2'
	qcycle case_fold \
	    'CREATE TABLE UserAccount (Id integer PRIMARY KEY, CreatedAt text);' \
	    'CREATE TABLE UserAccount (Id integer PRIMARY KEY, CreatedAt text,
    "CreatedAt" integer);
CREATE TYPE "Kind" AS ENUM ('"'"'a'"'"');
CREATE TYPE Kind AS ENUM ('"'"'b'"'"');
CREATE TABLE "UserAccount" ("Id" integer PRIMARY KEY, "createdAt" text,
    k1 "Kind", k2 Kind, k3 kind);' \
	    "INSERT INTO useraccount VALUES (1, 'x'), (2, NULL);" \
	    'useraccount|id, createdat'
}

# SQLite: names are not case sensitive there: a model that only changes
# the case of a table's and a column's names names the same table and
# column; autogenerate may find nothing or rename, but must not fail nor
# lose the rows, and must then find nothing.
q_sqlite_case() {
	db=$(fresh sqlite_case)
	url="sqlite:///$db"
	mkdir -p migrations/models migrations/versions
	write_ini
	printf '%s\n' "$Y" 'CREATE TABLE Foo (Id integer PRIMARY KEY, Name text);' \
	    >migrations/models/m.sql
	run_migrate 0 revision --autogenerate -m m0
	run_migrate 0 upgrade head
	qq "$Y_ROWS INSERT INTO Foo VALUES (1, 'x'), (2, 'y');"
	printf '%s\n' "$Y" 'CREATE TABLE foo (id integer PRIMARY KEY, name text);' \
	    >migrations/models/m.sql
	run_migrate 0 revision --autogenerate -m m1
	cat migrations/versions/*m1.sql 2>/dev/null || true
	run_migrate 0 upgrade head
	y_ok
	test "$(qq "SELECT group_concat(id || name, ' ') FROM foo;")" = "1x 2y"
	run_migrate 0 diff
	expect_text "No changes detected" err
	if [ "$(nfiles)" = 2 ]; then
		run_migrate 0 downgrade -1
		test "$(qq "SELECT group_concat(Id || Name, ' ') FROM Foo;")" = "1x 2y"
	fi
}

run_case() {
	after_up= ref_extra=
	test_expect_success "$d: $2" "$1"
}

for d in sqlite pg; do
	export d
	run_case q_create_all "create tables, keys, checks, indexes, views with quoted names"
	run_case q_drop_all "drop them (in dependency order)"
	run_case q_keys "change keys and constraints between quoted names"
	run_case q_add_drop_columns "add and drop quoted columns"
	run_case q_alter_type "change a quoted column's type (SQLite: a rebuild)"
	run_case q_add_check "add named and unnamed checks on quoted names"
	run_case q_indexes "drop and add indexes with quoted names"
	run_case q_views "replace and add views with quoted names"
	run_case q_injection "a table named x\"; DROP TABLE y; -- changes"
	run_case q_newline "a table whose name holds a line break"
	run_case q_odd_chars "names with %s, a backslash, a tab; literals with quotes and --"
done

d=pg
export d
run_case q_pg_enum_create "create an enum with a quoted name"
run_case q_pg_enum_change "add and remove values of an enum with a quoted name"
run_case q_pg_case_fold "bare names fold to lower case, quoted ones do not"

d=sqlite
export d
run_case q_sqlite_trigger "a rebuild recreates a trigger and a view with quoted names"
run_case q_sqlite_case "a change of case only keeps the rows"

test_done
