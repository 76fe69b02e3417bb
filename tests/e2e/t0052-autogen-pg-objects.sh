#!/bin/sh
# revision --autogenerate on PostgreSQL with what is not a table, a view
# or an enum type: domains, functions (plpgsql and sql), aggregates,
# triggers, rules, sequences (OWNED BY, nextval defaults), materialized
# views and their indexes, partitioned and inheriting tables, collations,
# composite types, exclusion constraints, schemas, comments. (a) Each one
# created, changed or dropped alone, as t0051 does for the other ops: the
# upgraded database equals one built from the model (pg_dump -s), a second
# autogenerate finds nothing, the rows stay, downgrade -1 gives the first
# structure back. (b) sakila, pagila and edge-cases from an empty database
# to the model and back to empty.
. "$(dirname "$0")/lib.sh"

d=pg
sq="'"

# dump DB: pg_dump -s without what differs between two equal databases
# (the oracle of t0050 and t0051), nor the comment on schema public, which
# the model cannot own (it is not the model's schema).
dump() {
	pg_dump -s -x -O -d "$1" | sed -e '/^--/d' -e '/^SET /d' \
	    -e '/^SELECT pg_catalog/d' -e '/^\\restrict/d' \
	    -e '/^\\unrestrict/d' -e '/^$/d' \
	    -e '/^COMMENT ON SCHEMA public IS/d' |
	    awk '/^CREATE TABLE public.migrate_(version|history)/ { skip = 1 }
		skip && /^\);/ { skip = 0; next }
		!skip' | grep -v "migrate_version\|migrate_history" || true
}

# dburl NAME: the URL of database NAME, '%' doubled for migrate.ini.
dburl() {
	echo "$MIGRATE_TEST_PG_URL" | sed -e "s,/migrate_test\$,/$1," \
	    -e 's/%/%%/g'
}

# newdbs NAME...: fresh databases.
newdbs() {
	for _n in "$@"; do
		set -- "$@" -c "DROP DATABASE IF EXISTS $_n" \
		    -c "CREATE DATABASE $_n OWNER migrate"
		shift
	done
	psql -X -q -v ON_ERROR_STOP=1 -d postgres "$@" 2>/dev/null
}

# rows SPEC: the rows of "table:columns ...", by the first column.
rows() {
	for _s in $1; do
		echo "SELECT '== ${_s%%:*}';"
		echo "SELECT ${_s#*:} FROM ${_s%%:*} ORDER BY 1;"
	done >rows.sql
	psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" -f rows.sql
}

nfiles() {
	ls migrations/versions | wc -l | tr -d ' '
}

# cycle NAME M0 M1 SEED SPEC: model M0, autogenerate, upgrade, SEED; model
# M1, autogenerate, upgrade: (a) pg_dump equals that of M1 run by psql,
# (b) nothing left to do, (c) the rows of SPEC stay; downgrade -1: the M0
# structure again, rows kept. With $dev set, the model is loaded into a
# dev_url database (a model naming schemas); $ini adds lines to
# migrate.ini; $after_up runs at M1.
cycle() {
	_name=$1 _m0=$2 _m1=$3 _seed=$4 _spec=$5
	db=t52_$_name ref=t52_ref devdb=t52_dev
	newdbs "$db" "$ref" "$devdb"
	mkdir -p migrations/models migrations/versions
	{
		printf '[migrate]\nscript_location = %%(here)s/migrations\n'
		printf 'url = %s\n' "$(dburl "$db")"
		[ -z "${dev:-}" ] || printf 'dev_url = %s\n' "$(dburl "$devdb")"
		[ -z "${ini:-}" ] || printf '%s\n' "$ini"
	} >migrate.ini
	printf '%s\n' "$_m1" >m1.sql
	( psql -X -q -v ON_ERROR_STOP=1 -d "$ref" -f m1.sql >/dev/null &&
	    dump "$ref" >want1.txt ) &
	_ref=$!
	printf '%s\n' "$_m0" >migrations/models/m.sql
	run_migrate 0 revision --autogenerate -m m0
	run_migrate 0 upgrade head
	[ -z "$_seed" ] || q "$_seed" >/dev/null
	dump "$db" >s0.txt
	rows "$_spec" >rows0.txt
	printf '%s\n' "$_m1" >migrations/models/m.sql
	run_migrate 0 revision --autogenerate -m m1
	cp err m1.err
	test "$(nfiles)" = 2
	run_migrate 0 upgrade head
	dump "$db" >got1.txt
	run_migrate 0 revision --autogenerate -m again
	expect_text "No changes detected" err
	rows "$_spec" >rows1.txt
	echo "(c) the rows after the upgrade:"
	diff -u rows0.txt rows1.txt
	wait $_ref
	echo "(a) the upgraded database against one built from M1:"
	diff -u want1.txt got1.txt
	eval "${after_up:-:}"
	run_migrate 0 downgrade -1
	dump "$db" >s0back.txt
	rows "$_spec" >rows2.txt
	echo "(d) the rows after the downgrade:"
	diff -u rows0.txt rows2.txt
	echo "(d) the downgraded database against M0:"
	diff -u s0.txt s0back.txt
}

# m1_has TEXT: the upgrade written for M1 holds TEXT.
m1_has() {
	expect_grep "$1" "$(ls migrations/versions/*_m1.sql)"
}

T='CREATE TABLE t (id integer PRIMARY KEY, a integer);'
T_ROWS="INSERT INTO t VALUES (1, 10), (2, NULL), (3, 30);"

# Domains: used by a column; changed in place (ALTER DOMAIN keeps rows).
D1="CREATE DOMAIN pos AS integer DEFAULT 1 NOT NULL
    CONSTRAINT pos_check CHECK (VALUE > 0);
CREATE TABLE t (id integer PRIMARY KEY, a pos);"
D2="CREATE DOMAIN pos AS integer DEFAULT 2
    CONSTRAINT pos_check CHECK (VALUE >= 0)
    CONSTRAINT pos_small CHECK (VALUE < 1000);
CREATE TABLE t (id integer PRIMARY KEY, a pos);"
D_ROWS="INSERT INTO t VALUES (1, 10), (2, 20);"
op_domain_create() {
	cycle domain_create "$T" "$D1" "$D_ROWS" 't:id,a'
	m1_has "CREATE DOMAIN public.pos AS integer DEFAULT 1 NOT NULL"
}
op_domain_change() {
	cycle domain_change "$D1" "$D2" "$D_ROWS" 't:id,a'
	m1_has "ALTER DOMAIN public.pos DROP NOT NULL;"
	m1_has 'ALTER DOMAIN public.pos DROP CONSTRAINT "pos_check";'
	m1_has "ALTER DOMAIN public.pos SET DEFAULT 2;"
}

# Functions: plpgsql and sql, one used by a column default; a body
# changed in place, a result changed (dropped and made again).
F1="CREATE FUNCTION twice(x integer) RETURNS integer LANGUAGE sql
    IMMUTABLE AS \$\$ SELECT x * 2 \$\$;
CREATE TABLE t (id integer PRIMARY KEY, a integer DEFAULT twice(21));
CREATE FUNCTION t_count() RETURNS bigint LANGUAGE sql
    AS \$\$ SELECT count(*) FROM t \$\$;
CREATE FUNCTION bump(INOUT n integer) LANGUAGE plpgsql AS \$\$
BEGIN n := n + 1; END \$\$;
COMMENT ON FUNCTION bump(integer) IS 'adds one';"
F2="CREATE FUNCTION twice(x integer) RETURNS integer LANGUAGE sql
    IMMUTABLE AS \$\$ SELECT x + x \$\$;
CREATE TABLE t (id integer PRIMARY KEY, a integer DEFAULT twice(21));
CREATE FUNCTION t_count() RETURNS integer LANGUAGE sql
    AS \$\$ SELECT count(*)::integer FROM t \$\$;
CREATE FUNCTION bump(INOUT n integer) LANGUAGE plpgsql AS \$\$
BEGIN n := n + 1; END \$\$;
COMMENT ON FUNCTION bump(integer) IS 'adds 1';"
op_function_create() {
	after_up='test "$(q "SELECT bump(41), t_count()")" = "42|3"'
	cycle function_create "$T" "$F1" "$T_ROWS" 't:id,a'
	m1_has "SET LOCAL check_function_bodies = off;"
}
op_function_change() {
	after_up='test "$(q "SELECT twice(4), t_count()")" = "8|3"'
	cycle function_change "$F1" "$F2" "$T_ROWS" 't:id,a'
	m1_has "CREATE OR REPLACE FUNCTION public.twice(x integer)"
	m1_has "DROP FUNCTION public.t_count();"
	m1_has "COMMENT ON FUNCTION public.bump(INOUT n integer) IS 'adds 1';"
}

# Aggregates, over a function of their own; procedures.
A1="$T
CREATE FUNCTION cat(text, text) RETURNS text LANGUAGE sql IMMUTABLE
    AS \$\$ SELECT coalesce(\$1 || ',', '') || \$2 \$\$;
CREATE AGGREGATE cat_all(text) (SFUNC = cat, STYPE = text, INITCOND = '');
CREATE PROCEDURE wipe(k integer) LANGUAGE sql
    AS \$\$ DELETE FROM t WHERE id = k \$\$;"
op_aggregate_create() {
	after_up='test "$(q "SELECT cat_all(id::text ORDER BY id) FROM t")" = ",1,2,3"'
	cycle aggregate_create "$T" "$A1" "$T_ROWS" 't:id,a'
	m1_has "CREATE AGGREGATE public.cat_all(text) (SFUNC = cat, STYPE = text, INITCOND = '')"
}

# Triggers: on a table, with their function; one changed, one goes.
G1="$T
CREATE TABLE log (id serial PRIMARY KEY, what text);
CREATE FUNCTION t_log() RETURNS trigger LANGUAGE plpgsql AS \$\$
BEGIN INSERT INTO log (what) VALUES (TG_OP); RETURN NEW; END \$\$;
CREATE TRIGGER t_ins AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION t_log();
CREATE TRIGGER \"t upd\" BEFORE UPDATE ON t
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION t_log();
COMMENT ON TRIGGER t_ins ON t IS 'logs inserts';"
G2="$T
CREATE TABLE log (id serial PRIMARY KEY, what text);
CREATE FUNCTION t_log() RETURNS trigger LANGUAGE plpgsql AS \$\$
BEGIN INSERT INTO log (what) VALUES (lower(TG_OP)); RETURN NEW; END \$\$;
CREATE TRIGGER t_ins AFTER INSERT OR DELETE ON t
    FOR EACH ROW EXECUTE FUNCTION t_log();"
op_trigger_create() {
	after_up='q "INSERT INTO t VALUES (9, 9); DELETE FROM t WHERE id = 9" && test "$(q "SELECT what FROM log")" = INSERT'
	cycle trigger_create "$T" "$G1" "$T_ROWS" 't:id,a'
}
op_trigger_change() {
	after_up='q "INSERT INTO t VALUES (9, 9); DELETE FROM t WHERE id = 9" && test "$(q "SELECT string_agg(what, $sq,$sq ORDER BY id) FROM log WHERE what = lower(what)")" = insert,delete'
	cycle trigger_change "$G1" "$G2" "$T_ROWS" 't:id,a'
	m1_has 'DROP TRIGGER "t upd" ON public.t;'
}

# Rules; and a table inheriting from another (sakila's partitions).
R1="$T
CREATE TABLE t_big (CHECK (a >= 100)) INHERITS (t);
ALTER TABLE t_big ALTER COLUMN a SET DEFAULT 100;
CREATE RULE t_big_ins AS ON INSERT TO t WHERE new.a >= 100
    DO INSTEAD INSERT INTO t_big VALUES (new.id, new.a);"
op_rule_inherits() {
	after_up='q "INSERT INTO t VALUES (7, 700)" && test "$(q "SELECT id FROM ONLY t_big")" = 7 && q "DELETE FROM t WHERE id = 7"'
	cycle rule_inherits "$T" "$R1" "$T_ROWS" 't:id,a'
	m1_has 'INHERITS ("public"."t")'
}

# Sequences: a free one used by a default and OWNED BY its column,
# changed by ALTER SEQUENCE (the counter goes on); serial stays serial.
S1="CREATE SEQUENCE n_seq AS integer START WITH 100 INCREMENT BY 5;
CREATE TABLE t (id integer PRIMARY KEY, a integer,
    n integer DEFAULT nextval('n_seq') NOT NULL, s serial);
ALTER SEQUENCE n_seq OWNED BY t.n;
COMMENT ON SEQUENCE n_seq IS 'numbers';"
S2="CREATE SEQUENCE n_seq AS bigint START WITH 100 INCREMENT BY 10
    MAXVALUE 1000000;
CREATE TABLE t (id integer PRIMARY KEY, a integer,
    n integer DEFAULT nextval('n_seq') NOT NULL, s serial);"
S_ROWS="INSERT INTO t (id, a) VALUES (1, 10), (2, NULL), (3, 30);"
op_sequence_create() {
	# the three rows took 100, 105 and 110
	after_up='test "$(q "SELECT nextval($sq"n_seq"$sq)")" = 115'
	cycle sequence_create "$T" "$S1" "$T_ROWS" 't:id,a'
	m1_has "ALTER SEQUENCE public.n_seq OWNED BY \"public\".\"t\".\"n\";"
	m1_has '"s" serial'
}
op_sequence_change() {
	after_up='test "$(q "SELECT nextval($sq"n_seq"$sq)")" = 120'
	cycle sequence_change "$S1" "$S2" "$S_ROWS" 't:id,a,n,s'
	m1_has "ALTER SEQUENCE public.n_seq AS bigint INCREMENT BY 10"
	m1_has "ALTER SEQUENCE public.n_seq OWNED BY NONE;"
}

# Materialized views and their indexes: a definition that changes takes
# its index along, which comes back.
MV1="$T
CREATE MATERIALIZED VIEW tm AS SELECT id, a FROM t WITH NO DATA;
CREATE UNIQUE INDEX tm_id ON tm (id);
COMMENT ON MATERIALIZED VIEW tm IS 'the t rows';
COMMENT ON COLUMN tm.a IS 'a of t';"
MV2="$T
CREATE MATERIALIZED VIEW tm AS SELECT id, a, a * 2 AS b FROM t;
CREATE UNIQUE INDEX tm_id ON tm (id);
CREATE INDEX tm_b ON tm (b);
COMMENT ON MATERIALIZED VIEW tm IS 'the t rows';
COMMENT ON COLUMN tm.a IS 'a of t';"
op_matview_create() {
	cycle matview_create "$T" "$MV1" "$T_ROWS" 't:id,a'
}
op_matview_change() {
	cycle matview_change "$MV1" "$MV2" "$T_ROWS" 't:id,a'
	m1_has "CREATE UNIQUE INDEX tm_id ON public.tm USING btree (id);"
}

# A function of a view's row type goes and comes back with the view.
VF1="$T
CREATE VIEW tv AS SELECT id, a FROM t;
CREATE FUNCTION tv_rows() RETURNS SETOF tv LANGUAGE sql
    AS \$\$ SELECT * FROM tv \$\$;"
VF2="$T
CREATE VIEW tv AS SELECT id, a, a * 2 AS b FROM t;
CREATE FUNCTION tv_rows() RETURNS SETOF tv LANGUAGE sql
    AS \$\$ SELECT * FROM tv \$\$;"
op_view_function() {
	after_up='test "$(q "SELECT b FROM tv_rows() WHERE id = 3")" = 60'
	cycle view_function "$VF1" "$VF2" "$T_ROWS" 't:id,a'
	m1_has "DROP FUNCTION public.tv_rows();"
}

# Partitioned tables: partitions made PARTITION OF their parent (which
# gives them its keys, foreign keys, checks and indexes); one added (in
# the model by ATTACH, with the parent's check declared too), one's bound
# changed (detached, attached again, rows kept), a column added to all.
P0='CREATE TABLE k (id integer PRIMARY KEY);
CREATE TABLE p (id integer NOT NULL, d date NOT NULL,
    k integer REFERENCES k, PRIMARY KEY (id, d),
    CONSTRAINT p_id_check CHECK (id > 0)) PARTITION BY RANGE (d);
CREATE INDEX p_k ON p (k);
CREATE TABLE p_2020 PARTITION OF p
    FOR VALUES FROM ($$2020-01-01$$) TO ($$2021-01-01$$);
CREATE TABLE p_2021 PARTITION OF p
    FOR VALUES FROM ($$2021-01-01$$) TO ($$2021-07-01$$);'
P1='CREATE TABLE k (id integer PRIMARY KEY);
CREATE TABLE p (id integer NOT NULL, d date NOT NULL,
    k integer REFERENCES k, note text, PRIMARY KEY (id, d),
    CONSTRAINT p_id_check CHECK (id > 0)) PARTITION BY RANGE (d);
CREATE INDEX p_k ON p (k);
CREATE TABLE p_2020 PARTITION OF p
    FOR VALUES FROM ($$2020-01-01$$) TO ($$2021-01-01$$);
CREATE TABLE p_2021 PARTITION OF p
    FOR VALUES FROM ($$2021-01-01$$) TO ($$2022-01-01$$);
CREATE TABLE p_rest (id integer NOT NULL, d date NOT NULL, k integer,
    note text DEFAULT $$late$$, CONSTRAINT p_id_check CHECK (id > 0));
ALTER TABLE p ATTACH PARTITION p_rest DEFAULT;
CREATE INDEX p_rest_d ON p_rest (d);'
P_ROWS="INSERT INTO k VALUES (1), (2);
INSERT INTO p VALUES (1, '2020-05-01', 1), (2, '2021-02-01', 2);"
op_partition_create() {
	cycle partition_create "$T" "$T
$P0" "$T_ROWS" 't:id,a'
	m1_has 'PARTITION OF "public"."p" FOR VALUES FROM'
}
op_partition_change() {
	after_up='q "INSERT INTO p_rest (id, d) VALUES (3, $sq"2030-01-01"$sq)" && test "$(q "SELECT note FROM p_rest")" = late && q "DELETE FROM p WHERE id = 3"'
	cycle partition_change "$P0" "$P1" "$P_ROWS" 'p:id,d,k'
	m1_has 'ALTER TABLE "public"."p" DETACH PARTITION "public"."p_2021";'
	m1_has 'ALTER TABLE "public"."p" ADD COLUMN "note" text;'
}

# Collations, composite types, exclusion constraints, NOT VALID checks,
# identity options, comments on views, indexes and constraints.
X1="CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2',
    deterministic = false);
CREATE TYPE pair AS (x integer, y text COLLATE \"C\");
CREATE TABLE t (id integer PRIMARY KEY, a integer, name text COLLATE ci,
    p pair, r int4range,
    CONSTRAINT t_no_overlap EXCLUDE USING gist (r WITH &&));
ALTER TABLE t ADD CONSTRAINT t_a_check CHECK (a > 0) NOT VALID;
CREATE TABLE u (id integer GENERATED BY DEFAULT AS IDENTITY
    (START WITH 100 INCREMENT BY 10) PRIMARY KEY);
CREATE INDEX t_a ON t (a);
CREATE VIEW tv AS SELECT id, a FROM t;
COMMENT ON INDEX t_a IS 'by a';
COMMENT ON CONSTRAINT t_a_check ON t IS 'positive';
COMMENT ON VIEW tv IS 'the view';
COMMENT ON COLUMN tv.a IS 'its a';
COMMENT ON TYPE pair IS 'two things';"
X_ROWS="INSERT INTO t (id, a) VALUES (1, 10), (2, NULL), (3, -3);"
X_ROWS2="INSERT INTO t (id, a) VALUES (1, 10), (2, NULL), (3, 3);"
op_misc_create() {
	cycle misc_create "$T" "$X1" "$X_ROWS" 't:id,a'
	m1_has "ADD CONSTRAINT \"t_a_check\" CHECK ((a > 0)) NOT VALID;"
}
op_misc_change() {
	cycle misc_change "$X1" "$(printf '%s\n' "$X1" |
	    sed -e 's/START WITH 100 INCREMENT BY 10/START WITH 5/' \
		-e "s/'by a'/'by column a'/" -e "s/'two things'/'a pair'/" \
		-e 's/WITH &&/WITH \&\&) WHERE (id > 0/')" "$X_ROWS2" 't:id,a'
	m1_has 'ALTER COLUMN "id" SET INCREMENT BY 1 SET START WITH 5;'
	m1_has "COMMENT ON TYPE public.pair IS 'a pair';"
}

# A second schema, in a model loaded through dev_url.
SC1="$T
CREATE SCHEMA audit;
CREATE TABLE audit.log (id bigserial PRIMARY KEY,
    t_id integer REFERENCES public.t ON DELETE SET NULL);
CREATE FUNCTION audit.note() RETURNS trigger LANGUAGE plpgsql AS \$\$
BEGIN INSERT INTO audit.log (t_id) VALUES (NEW.id); RETURN NEW; END \$\$;
CREATE TRIGGER t_note AFTER INSERT ON public.t
    FOR EACH ROW EXECUTE FUNCTION audit.note();
COMMENT ON SCHEMA audit IS 'what happened';"
op_schema_create() {
	after_up='q "INSERT INTO t VALUES (8, 8)" && test "$(q "SELECT t_id FROM audit.log")" = 8 && q "DELETE FROM audit.log; DELETE FROM t WHERE id = 8" >/dev/null'
	dev=1
	ini="schemas = public, audit"
	cycle schema_create "$T" "$SC1" "$T_ROWS" 't:id,a'
	m1_has "CREATE SCHEMA audit;"
	test "$(q "SELECT count(*) FROM pg_namespace WHERE nspname = ${sq}audit$sq")" = 0
}

# run_op FUNCTION DESCRIPTION
run_op() {
	after_up=
	test_expect_success "pg: $2" "$1"
}

run_op op_domain_create "create a domain (CHECK, DEFAULT, NOT NULL) used by a column"
run_op op_domain_change "change a domain in place: ALTER DOMAIN"
run_op op_function_create "create sql and plpgsql functions, one in a default"
run_op op_function_change "change functions: a body in place, a result type anew"
run_op op_aggregate_create "create an aggregate over its own function, and a procedure"
run_op op_trigger_create "create triggers with their function"
run_op op_trigger_change "change a trigger, drop another"
run_op op_rule_inherits "create a rule and a table that INHERITS"
run_op op_sequence_create "create a sequence OWNED BY a column, used by its default"
run_op op_sequence_change "change a sequence (ALTER SEQUENCE) and its owner"
run_op op_matview_create "create a materialized view with an index"
run_op op_matview_change "change a materialized view: its indexes come back"
run_op op_view_function "change a view a function returns rows of"
run_op op_partition_create "create a partitioned table with partitions"
run_op op_partition_change "add a partition, change a bound, add a column to all"
run_op op_misc_create "create a collation, a type, an exclusion constraint, comments"
run_op op_misc_change "change identity options, a type, an exclusion constraint"
run_op op_schema_create "create a schema with a table, a function and a trigger"

test_expect_success 'pg: a renamed table keeps its trigger and owned sequence' '
	db=t52_rename
	newdbs "$db"
	mkdir -p migrations/models migrations/versions
	printf "[migrate]\nscript_location = %%(here)s/migrations\nurl = %s\n" \
	    "$(dburl "$db")" >migrate.ini
	cat >migrations/models/m.sql <<-\EOF
	CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql
	    AS $$ BEGIN RETURN NEW; END $$;
	CREATE TABLE t (id serial PRIMARY KEY, a int);
	CREATE TRIGGER tr BEFORE UPDATE OF a ON t
	    FOR EACH ROW EXECUTE FUNCTION f();
	CREATE SEQUENCE s OWNED BY t.a;
	EOF
	run_migrate 0 revision --autogenerate -m one
	run_migrate 0 upgrade head
	cat >migrations/models/m.sql <<-\EOF
	CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql
	    AS $$ BEGIN RETURN NEW; END $$;
	CREATE TABLE u ( -- migrate:renamed-from t
	    id serial PRIMARY KEY,
	    b int -- migrate:renamed-from a
	);
	CREATE TRIGGER tr BEFORE UPDATE OF b ON u
	    FOR EACH ROW EXECUTE FUNCTION f();
	CREATE SEQUENCE s OWNED BY u.b;
	EOF
	run_migrate 0 revision --autogenerate -m two
	! grep -q "TRIGGER\|SEQUENCE public" migrations/versions/*_two.sql || false
	run_migrate 0 upgrade head
	run_migrate 0 revision --autogenerate -m three
	expect_text "No changes detected" err
	run_migrate 0 downgrade base
	test "$(q "SELECT count(*) FROM pg_proc
	    WHERE pronamespace = ${sq}public$sq::regnamespace")" = 0
'

test_expect_success 'pg: a model making a function outside scratch needs dev_url' '
	db=t52_outside
	newdbs "$db"
	mkdir -p migrations/models migrations/versions
	printf "[migrate]\nscript_location = %%(here)s/migrations\nurl = %s\n" \
	    "$(dburl "$db")" >migrate.ini
	echo "CREATE FUNCTION public.f() RETURNS int LANGUAGE sql
	    AS \$\$ SELECT 1 \$\$;" >migrations/models/m.sql
	run_migrate 2 revision --autogenerate -m one
	expect_grep "(${sq}public.f$sq): set dev_url" err
	test -z "$(ls migrations/versions)"
	test "$(q "SELECT count(*) FROM pg_proc WHERE proname = ${sq}f$sq")" = 0
'

# (b) The corpus schemas that need all of this, from an empty database to
# the model and back to empty; pg_dump of the upgraded database against
# the model run by psql.
for c in sakila/postgres.sql pagila/postgres.sql \
    "edge-cases/postgres.sql schemas = public, audit"; do
	export c
	test_expect_success "pg: corpus ${c%% *}: to the model, nothing left, back to empty" '
		f=${c%% *}
		db=t52_corpus
		newdbs "$db" t52_cdev t52_cref
		mkdir -p migrations/models migrations/versions
		cp "$MIGRATE_CORPUS/$f" migrations/models/
		{
			printf "[migrate]\nscript_location = %%(here)s/migrations\n"
			printf "url = %s\ndev_url = %s\n" "$(dburl "$db")" \
			    "$(dburl t52_cdev)"
			case $c in *" "*) echo "${c#* }" ;; esac
		} >migrate.ini
		( psql -X -q -v ON_ERROR_STOP=1 -d t52_cref \
		    -f "$MIGRATE_CORPUS/$f" >/dev/null && dump t52_cref >want.txt ) &
		ref=$!
		run_migrate 0 revision --autogenerate -m "initial"
		run_migrate 0 upgrade head
		dump "$db" >got.txt
		run_migrate 0 revision --autogenerate -m "again"
		expect_text "No changes detected" err
		wait $ref
		diff -u want.txt got.txt
		run_migrate 0 downgrade base
		# nothing left but the version and history tables
		q "SELECT c.relkind::text || $sq $sq || n.nspname || $sq.$sq || c.relname
		    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		    WHERE n.nspname NOT IN ($sq""pg_catalog$sq, ${sq}information_schema$sq)
		    AND n.nspname NOT LIKE ${sq}pg_toast%$sq
		    AND c.relname NOT LIKE ${sq}migrate_%$sq
		    UNION ALL SELECT ${sq}f $sq || proname FROM pg_proc
		    WHERE pronamespace = ${sq}public$sq::regnamespace
		    UNION ALL SELECT ${sq}t $sq || typname FROM pg_type
		    WHERE typnamespace = ${sq}public$sq::regnamespace
		    AND typtype IN ($sq""d$sq, ${sq}e$sq, ${sq}c$sq)
		    AND typname NOT LIKE ${sq}migrate_%$sq
		    UNION ALL SELECT ${sq}n $sq || nspname FROM pg_namespace
		    WHERE nspname = ${sq}audit$sq" >left.txt
		echo "left after downgrade base:"
		cat left.txt
		test ! -s left.txt
	'
done

# btree_gin makes varchar_ops the default gin operator class for varchar:
# an index on a varchar column with text_ops must say so, as
# pg_get_indexdef does, or its downgrade builds another index
test_expect_success "pg: a varchar key with text_ops where btree_gin gives varchar a default keeps its operator class" '
	new_db ginops
	q "CREATE EXTENSION IF NOT EXISTS btree_gin"
	mkdir -p migrations/models migrations/versions
	echo "CREATE TABLE t (v varchar);" >migrations/models/1.sql
	write_ini "model_cache = off"
	q "CREATE TABLE t (v varchar); CREATE INDEX t_v ON t USING gin (v text_ops); CREATE INDEX t_w ON t USING btree (v)"
	run_migrate 0 revision --autogenerate -m drop
	sed -n "/migrate:downgrade/,\$p" migrations/versions/*.sql >down.sql
	expect_grep "USING gin (v text_ops)" down.sql
	expect_grep "USING btree (v)" down.sql
'

test_done
