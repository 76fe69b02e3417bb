/*
 * PostgreSQL reflection of the objects that are not tables, views or enum
 * types (schemas, collations, composite types, domains, sequences,
 * functions, procedures, aggregates, exclusion constraints, indexes of
 * materialized views, triggers, rules, and the comments on what keeps no
 * comment of its own), and of the tables' partition keys, bounds and
 * parents and identity columns' options. Four catalog queries however
 * many objects there are: the objects, the dependencies between them, the
 * tables' parents, the identity columns' sequences.
 *
 * Each object is kept as the statement that makes it, as the database
 * prints it (pg_get_functiondef, pg_get_triggerdef, pg_get_ruledef,
 * pg_get_indexdef, pg_get_constraintdef) or as it is built here from the
 * catalog (schemas, collations, types, domains, sequences, aggregates).
 * Names in them are printed as the search path in force prints them; the
 * caller sets it (see pg_reflect).
 */
#include <stdlib.h>
#include <string.h>

#include "dialect-postgres-objects.h"
#include "schema.h"

/* "schema"."name" of the columns nsp and name. */
#define QN(nsp, name)							\
	"pg_catalog.quote_ident(" nsp ") || '.' ||"			\
	" pg_catalog.quote_ident(" name ")"

#define IN_NSPACES(nsp)	" " nsp " = ANY ($1::text[])"

/* Not a member of an extension. */
#define NOT_EXT(oid, catalog)						\
	" AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e"	\
	" WHERE e.classid = '" catalog "'::pg_catalog.regclass"		\
	" AND e.objid = " oid " AND e.deptype = 'e')"

#define REGCLASS(c)	" '" c "'::pg_catalog.regclass::oid"

/*
 * The columns of every branch of the objects query: kind, classid, objid,
 * schema, name, identity, table schema, table, column, sql, fixed,
 * comment, late, default, not null, check names, check definitions,
 * sequence options, and for a sequence that may be a serial's, its name
 * as nextval() in the column's default would print it.
 */
enum {
	COL_KIND, COL_CLASSID, COL_OBJID, COL_NSP, COL_NAME, COL_IDENTITY,
	COL_TNSP, COL_TABLE, COL_COLUMN, COL_SQL, COL_FIXED, COL_COMMENT,
	COL_LATE, COL_DEFAULT, COL_NOTNULL, COL_CHECK_NAMES, COL_CHECK_DEFS,
	COL_OPTIONS, COL_SERIAL
};

/* Nothing from COL_TNSP to COL_SQL, and the rest. */
#define NO_TABLE	" NULL::text, NULL::text, NULL::text,"
#define NO_DOMAIN							\
	" NULL::text, false, NULL::text[], NULL::text[], NULL::text,"	\
	" NULL::text"

static const char pg_objects_schemas[] =
    "SELECT 'schema'::text," REGCLASS("pg_catalog.pg_namespace") ","
    " n.oid, NULL::text, n.nspname::text, pg_catalog.quote_ident(n.nspname),"
    NO_TABLE
    " 'CREATE SCHEMA ' || pg_catalog.quote_ident(n.nspname), NULL::text,"
    " pg_catalog.obj_description(n.oid, 'pg_namespace'), false,"
    NO_DOMAIN
    " FROM pg_catalog.pg_namespace n"
    " WHERE" IN_NSPACES("n.nspname")
    " AND n.nspname <> ($1::text[])[1] AND n.nspname <> 'public'";

/* %s: the column of an ICU collation's locale. */
static const char pg_objects_collations[] =
    " UNION ALL SELECT 'collation'," REGCLASS("pg_catalog.pg_collation") ","
    " c.oid, n.nspname, c.collname, " QN("n.nspname", "c.collname") ","
    NO_TABLE
    " 'CREATE COLLATION ' || " QN("n.nspname", "c.collname")
    " || ' (provider = ' || CASE c.collprovider WHEN 'i' THEN 'icu'"
    " WHEN 'c' THEN 'libc' ELSE 'builtin' END"
    " || CASE WHEN c.collprovider = 'c'"
    " THEN ', lc_collate = ' || pg_catalog.quote_literal(c.collcollate)"
    " || ', lc_ctype = ' || pg_catalog.quote_literal(c.collctype)"
    " ELSE ', locale = ' || pg_catalog.quote_literal(%s) END"
    " || CASE WHEN c.collisdeterministic THEN ''"
    " ELSE ', deterministic = false' END || ')', NULL,"
    " pg_catalog.obj_description(c.oid, 'pg_collation'), false,"
    NO_DOMAIN
    " FROM pg_catalog.pg_collation c"
    " JOIN pg_catalog.pg_namespace n ON n.oid = c.collnamespace"
    " WHERE" IN_NSPACES("n.nspname")
    NOT_EXT("c.oid", "pg_catalog.pg_collation");

static const char pg_objects_types[] =
    " UNION ALL SELECT 'type'," REGCLASS("pg_catalog.pg_type") ","
    " t.oid, n.nspname, t.typname, " QN("n.nspname", "t.typname") ","
    NO_TABLE
    " 'CREATE TYPE ' || " QN("n.nspname", "t.typname") " || ' AS ('"
    " || COALESCE((SELECT pg_catalog.string_agg("
    "pg_catalog.quote_ident(a.attname) || ' ' ||"
    " pg_catalog.format_type(a.atttypid, a.atttypmod) ||"
    " CASE WHEN a.attcollation <> 0 AND a.attcollation <> at.typcollation"
    " THEN ' COLLATE ' || a.attcollation::pg_catalog.regcollation::text"
    " ELSE '' END, ', ' ORDER BY a.attnum)"
    " FROM pg_catalog.pg_attribute a"
    " JOIN pg_catalog.pg_type at ON at.oid = a.atttypid"
    " WHERE a.attrelid = t.typrelid AND a.attnum > 0"
    " AND NOT a.attisdropped), '') || ')', NULL,"
    " pg_catalog.obj_description(t.oid, 'pg_type'), false,"
    NO_DOMAIN
    " FROM pg_catalog.pg_type t"
    " JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace"
    " JOIN pg_catalog.pg_class tc ON tc.oid = t.typrelid"
    " WHERE t.typtype = 'c' AND tc.relkind = 'c' AND" IN_NSPACES("n.nspname")
    NOT_EXT("t.oid", "pg_catalog.pg_type");

/* The statement is built from the parts (pg_reflect_domain). */
static const char pg_objects_domains[] =
    " UNION ALL SELECT 'domain'," REGCLASS("pg_catalog.pg_type") ","
    " t.oid, n.nspname, t.typname, " QN("n.nspname", "t.typname") ","
    NO_TABLE
    " NULL, pg_catalog.format_type(t.typbasetype, t.typtypmod) ||"
    " CASE WHEN t.typcollation <> 0 AND t.typcollation <> bt.typcollation"
    " THEN ' COLLATE ' || t.typcollation::pg_catalog.regcollation::text"
    " ELSE '' END,"
    " pg_catalog.obj_description(t.oid, 'pg_type'), false,"
    " pg_catalog.pg_get_expr(t.typdefaultbin, 0), t.typnotnull,"
    " ARRAY(SELECT k.conname::text FROM pg_catalog.pg_constraint k"
    " WHERE k.contypid = t.oid AND k.contype = 'c' ORDER BY k.conname),"
    " ARRAY(SELECT pg_catalog.pg_get_constraintdef(k.oid)"
    " FROM pg_catalog.pg_constraint k"
    " WHERE k.contypid = t.oid AND k.contype = 'c' ORDER BY k.conname),"
    " NULL, NULL"
    " FROM pg_catalog.pg_type t"
    " JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace"
    " JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype"
    " WHERE t.typtype = 'd' AND" IN_NSPACES("n.nspname")
    NOT_EXT("t.oid", "pg_catalog.pg_type");

/*
 * Not those of identity columns, nor those of serial columns that the
 * column's default and name say all about: the column is rendered as
 * serial, which makes them (see pg_render_serial). Whether the default
 * is nextval() of it is seen in C, on what the columns query read.
 */
static const char pg_objects_sequences[] =
    " UNION ALL SELECT 'sequence'," REGCLASS("pg_catalog.pg_class") ","
    " c.oid, n.nspname, c.relname, " QN("n.nspname", "c.relname") ","
    " tn.nspname, tc.relname, a.attname::text, NULL, '',"
    " pg_catalog.obj_description(c.oid, 'pg_class'), false,"
    " NULL, false, NULL, NULL,"
    " 'AS ' || pg_catalog.format_type(s.seqtypid, NULL) ||"
    " ' INCREMENT BY ' || s.seqincrement || ' MINVALUE ' || s.seqmin ||"
    " ' MAXVALUE ' || s.seqmax || ' START WITH ' || s.seqstart ||"
    " ' CACHE ' || s.seqcache ||"
    " CASE WHEN s.seqcycle THEN ' CYCLE' ELSE ' NO CYCLE' END,"
    " CASE WHEN d.deptype = 'a' AND a.attidentity = ''"
    " AND a.atttypid = s.seqtypid"
    " AND a.atttypid IN ('pg_catalog.int2'::pg_catalog.regtype,"
    " 'pg_catalog.int4'::pg_catalog.regtype,"
    " 'pg_catalog.int8'::pg_catalog.regtype)"
    " AND c.relname::text = tc.relname || '_' || a.attname || '_seq'"
    " AND s.seqincrement = 1 AND s.seqstart = 1 AND s.seqmin = 1"
    " AND s.seqcache = 1 AND NOT s.seqcycle"
    " AND s.seqmax = CASE s.seqtypid"
    " WHEN 'pg_catalog.int2'::pg_catalog.regtype THEN 32767"
    " WHEN 'pg_catalog.int4'::pg_catalog.regtype THEN 2147483647"
    " ELSE 9223372036854775807 END"
    " THEN c.oid::pg_catalog.regclass::text END"
    " FROM pg_catalog.pg_class c"
    " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
    " JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid"
    " LEFT JOIN pg_catalog.pg_depend d"
    " ON d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass"
    " AND d.objid = c.oid"
    " AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass"
    " AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i')"
    " LEFT JOIN pg_catalog.pg_class tc ON tc.oid = d.refobjid"
    " LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = tc.relnamespace"
    " LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid"
    " AND a.attnum = d.refobjsubid"
    " WHERE c.relkind = 'S' AND" IN_NSPACES("n.nspname")
    NOT_EXT("c.oid", "pg_catalog.pg_class")
    " AND d.deptype IS DISTINCT FROM 'i'";

/* An aggregate's CREATE AGGREGATE, from pg_aggregate g. */
#define PG_OBJECTS_FN(col)	"g." col "::pg_catalog.regproc::text"
#define PG_OBJECTS_AGGREGATE						\
    "'CREATE AGGREGATE ' || " QN("n.nspname", "p.proname")		\
    " || '(' ||"							\
    " pg_catalog.pg_get_function_identity_arguments(p.oid) ||"		\
    " ') (SFUNC = ' || " PG_OBJECTS_FN("aggtransfn") " ||"		\
    " ', STYPE = ' || pg_catalog.format_type(g.aggtranstype, NULL) ||"	\
    " CASE WHEN g.aggtransspace <> 0"					\
    " THEN ', SSPACE = ' || g.aggtransspace ELSE '' END ||"		\
    " CASE WHEN g.aggfinalfn <> 0"					\
    " THEN ', FINALFUNC = ' || " PG_OBJECTS_FN("aggfinalfn") " ELSE '' END ||"\
    " CASE WHEN g.aggfinalextra"					\
    " THEN ', FINALFUNC_EXTRA' ELSE '' END ||"				\
    " CASE WHEN g.aggfinalmodify <> CASE WHEN g.aggkind = 'n' THEN 'r'"	\
    " ELSE 'w' END THEN ', FINALFUNC_MODIFY = ' ||"			\
    " CASE g.aggfinalmodify WHEN 'r' THEN 'READ_ONLY'"			\
    " WHEN 's' THEN 'SHAREABLE' ELSE 'READ_WRITE' END ELSE '' END ||"	\
    " CASE WHEN g.aggcombinefn <> 0"					\
    " THEN ', COMBINEFUNC = ' || "					\
    PG_OBJECTS_FN("aggcombinefn") " ELSE '' END ||"			\
    " CASE WHEN g.aggserialfn <> 0 THEN ', SERIALFUNC = ' || "		\
    PG_OBJECTS_FN("aggserialfn") " ELSE '' END ||"			\
    " CASE WHEN g.aggdeserialfn <> 0 THEN ', DESERIALFUNC = ' || "	\
    PG_OBJECTS_FN("aggdeserialfn") " ELSE '' END ||"			\
    " CASE WHEN g.agginitval IS NOT NULL"				\
    " THEN ', INITCOND = ' || pg_catalog.quote_literal(g.agginitval)"	\
    " ELSE '' END ||"							\
    " CASE WHEN g.aggmtransfn <> 0 THEN ', MSFUNC = ' || "		\
    PG_OBJECTS_FN("aggmtransfn") " || ', MINVFUNC = ' || "		\
    PG_OBJECTS_FN("aggminvtransfn") " || ', MSTYPE = ' ||"		\
    " pg_catalog.format_type(g.aggmtranstype, NULL) ||"			\
    " CASE WHEN g.aggmtransspace <> 0"					\
    " THEN ', MSSPACE = ' || g.aggmtransspace ELSE '' END ||"		\
    " CASE WHEN g.aggmfinalfn <> 0 THEN ', MFINALFUNC = ' || "		\
    PG_OBJECTS_FN("aggmfinalfn") " ELSE '' END ||"			\
    " CASE WHEN g.aggmfinalextra THEN ', MFINALFUNC_EXTRA' ELSE '' END ||"\
    " CASE WHEN g.aggminitval IS NOT NULL"				\
    " THEN ', MINITCOND = ' || pg_catalog.quote_literal(g.aggminitval)"	\
    " ELSE '' END ELSE '' END ||"					\
    " COALESCE((SELECT ', SORTOP = OPERATOR(' ||"			\
    " pg_catalog.quote_ident(opn.nspname) || '.' || o.oprname || ')'"	\
    " FROM pg_catalog.pg_operator o"					\
    " JOIN pg_catalog.pg_namespace opn ON opn.oid = o.oprnamespace"	\
    " WHERE o.oid = g.aggsortop), '') ||"				\
    " CASE p.proparallel WHEN 's' THEN ', PARALLEL = SAFE'"		\
    " WHEN 'r' THEN ', PARALLEL = RESTRICTED' ELSE '' END ||"		\
    " CASE WHEN g.aggkind = 'h' THEN ', HYPOTHETICAL' ELSE '' END || ')'"

/*
 * What CREATE OR REPLACE cannot change in a function: its kind, its
 * arguments (names and defaults too) and its result.
 */
static const char pg_objects_functions[] =
    " UNION ALL SELECT CASE p.prokind WHEN 'p' THEN 'procedure'"
    " WHEN 'a' THEN 'aggregate' ELSE 'function' END,"
    REGCLASS("pg_catalog.pg_proc") ", p.oid, n.nspname, p.proname,"
    " " QN("n.nspname", "p.proname") " || '(' ||"
    " pg_catalog.pg_get_function_identity_arguments(p.oid) || ')',"
    NO_TABLE
    " CASE WHEN p.prokind = 'a' THEN " PG_OBJECTS_AGGREGATE
    " ELSE pg_catalog.pg_get_functiondef(p.oid) END,"
    " CASE WHEN p.prokind <> 'a' THEN p.prokind::text || ' ' ||"
    " pg_catalog.pg_get_function_arguments(p.oid) || ' ' ||"
    " COALESCE(pg_catalog.pg_get_function_result(p.oid), '') END,"
    " pg_catalog.obj_description(p.oid, 'pg_proc'), false,"
    NO_DOMAIN
    " FROM pg_catalog.pg_proc p"
    " JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
    " LEFT JOIN pg_catalog.pg_aggregate g ON g.aggfnoid = p.oid"
    " WHERE" IN_NSPACES("n.nspname")
    NOT_EXT("p.oid", "pg_catalog.pg_proc");

/* What hangs on a table or view: tables of the schemas asked for. */
#define ON_RELATION(oid, kinds)						\
    " JOIN pg_catalog.pg_class c ON c.oid = " oid			\
    " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"	\
    " WHERE c.relkind IN " kinds " AND" IN_NSPACES("n.nspname")

/* An exclusion constraint: not those PostgreSQL clones on partitions. */
static const char pg_objects_hanging[] =
    " UNION ALL SELECT 'constraint',"
    REGCLASS("pg_catalog.pg_constraint") ", k.oid, n.nspname, k.conname,"
    " pg_catalog.quote_ident(k.conname) || ' ON ' || "
    QN("n.nspname", "c.relname") ", n.nspname, c.relname, NULL,"
    " 'ALTER TABLE ' || " QN("n.nspname", "c.relname")
    " || ' ADD CONSTRAINT ' || pg_catalog.quote_ident(k.conname) || ' ' ||"
    " pg_catalog.pg_get_constraintdef(k.oid), NULL,"
    " pg_catalog.obj_description(k.oid, 'pg_constraint'), true,"
    NO_DOMAIN
    " FROM pg_catalog.pg_constraint k"
    ON_RELATION("k.conrelid", "('r', 'p')")
    " AND k.contype = 'x' AND k.conparentid = 0"
    " UNION ALL SELECT 'index'," REGCLASS("pg_catalog.pg_class") ","
    " ic.oid, n.nspname, ic.relname, " QN("n.nspname", "ic.relname") ","
    " n.nspname, c.relname, NULL,"
    " pg_catalog.pg_get_indexdef(i.indexrelid), NULL,"
    " pg_catalog.obj_description(ic.oid, 'pg_class'), true,"
    NO_DOMAIN
    " FROM pg_catalog.pg_index i"
    " JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid"
    ON_RELATION("i.indrelid", "('m')")
    " UNION ALL SELECT 'trigger'," REGCLASS("pg_catalog.pg_trigger") ","
    " g.oid, n.nspname, g.tgname,"
    " pg_catalog.quote_ident(g.tgname) || ' ON ' || "
    QN("n.nspname", "c.relname") ", n.nspname, c.relname, NULL,"
    " pg_catalog.pg_get_triggerdef(g.oid), NULL,"
    " pg_catalog.obj_description(g.oid, 'pg_trigger'), true,"
    NO_DOMAIN
    " FROM pg_catalog.pg_trigger g"
    ON_RELATION("g.tgrelid", "('r', 'p', 'v', 'm', 'f')")
    " AND NOT g.tgisinternal AND g.tgparentid = 0"
    " UNION ALL SELECT 'rule'," REGCLASS("pg_catalog.pg_rewrite") ","
    " r.oid, n.nspname, r.rulename,"
    " pg_catalog.quote_ident(r.rulename) || ' ON ' || "
    QN("n.nspname", "c.relname") ", n.nspname, c.relname, NULL,"
    " pg_catalog.pg_get_ruledef(r.oid), NULL,"
    " pg_catalog.obj_description(r.oid, 'pg_rewrite'), true,"
    NO_DOMAIN
    " FROM pg_catalog.pg_rewrite r"
    ON_RELATION("r.ev_class", "('r', 'p', 'v', 'm', 'f')")
    " AND r.rulename <> '_RETURN'";

/* A comment object: what, and on which relation (or NULL::name). */
#define COMMENT_ON(what, rel)						\
    " UNION ALL SELECT 'comment',"					\
    REGCLASS("pg_catalog.pg_description")				\
    ", d.objoid, n.nspname, NULL, " what ", n.nspname, " rel ", NULL,"	\
    " 'COMMENT ON ' || " what " || ' IS ' ||"				\
    " pg_catalog.quote_literal(d.description), NULL, NULL, true,"	\
    NO_DOMAIN " FROM pg_catalog.pg_description d"

/*
 * Comments on enum types, views and their columns; what reflection keeps
 * elsewhere has its own comment.
 */
static const char pg_objects_comments[] =
    COMMENT_ON("'TYPE ' || " QN("n.nspname", "t.typname"), "NULL::name")
    " JOIN pg_catalog.pg_type t ON t.oid = d.objoid"
    " JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace"
    " WHERE d.classoid = 'pg_catalog.pg_type'::pg_catalog.regclass"
    " AND d.objsubid = 0 AND t.typtype = 'e' AND" IN_NSPACES("n.nspname")
    NOT_EXT("t.oid", "pg_catalog.pg_type")
    COMMENT_ON("CASE WHEN d.objsubid <> 0 THEN 'COLUMN '"
    " WHEN c.relkind = 'm' THEN 'MATERIALIZED VIEW ' ELSE 'VIEW ' END || "
    QN("n.nspname", "c.relname") " || CASE WHEN d.objsubid = 0 THEN ''"
    " ELSE '.' || pg_catalog.quote_ident((SELECT a.attname"
    " FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid"
    " AND a.attnum = d.objsubid)) END", "c.relname")
    ON_RELATION("d.objoid", "('v', 'm')")
    " AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass";

/* Comments on indexes of tables and on table constraints. */
static const char pg_objects_comments2[] =
    COMMENT_ON("'INDEX ' || " QN("n.nspname", "ic.relname"), "c.relname")
    " JOIN pg_catalog.pg_class ic ON ic.oid = d.objoid"
    " JOIN pg_catalog.pg_index i ON i.indexrelid = ic.oid"
    ON_RELATION("i.indrelid", "('r', 'p')")
    " AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass"
    " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits h"
    " WHERE h.inhrelid = i.indexrelid)"
    COMMENT_ON("'CONSTRAINT ' || pg_catalog.quote_ident(k.conname) ||"
    " ' ON ' || " QN("n.nspname", "c.relname"), "c.relname")
    " JOIN pg_catalog.pg_constraint k ON k.oid = d.objoid"
    ON_RELATION("k.conrelid", "('r', 'p')")
    " AND d.classoid = 'pg_catalog.pg_constraint'::pg_catalog.regclass"
    " AND k.contype IN ('p', 'u', 'f', 'c') AND k.conparentid = 0";

/*
 * The dependencies of functions, types (a domain's, through its
 * constraints; a composite type's, through its relation) and sequences on
 * other objects; rel: on a table or a view, or on the row type of one,
 * whose schema and name follow.
 */
static const char pg_objects_deps[] =
    "SELECT CASE WHEN k.oid IS NOT NULL OR oc.relkind = 'c'"
    " THEN" REGCLASS("pg_catalog.pg_type") " ELSE d.classid END,"
    " COALESCE(k.contypid, CASE WHEN oc.relkind = 'c' THEN oc.reltype END,"
    " d.objid), d.refclassid, d.refobjid,"
    " COALESCE(rc.relkind, tr.relkind) IN ('r', 'p', 'v', 'm', 'f'),"
    " rn.nspname, COALESCE(rc.relname, tr.relname)"
    " FROM pg_catalog.pg_depend d"
    " LEFT JOIN pg_catalog.pg_constraint k"
    " ON d.classid = 'pg_catalog.pg_constraint'::pg_catalog.regclass"
    " AND k.oid = d.objid AND k.contypid <> 0"
    " LEFT JOIN pg_catalog.pg_class rc"
    " ON d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass"
    " AND rc.oid = d.refobjid"
    " LEFT JOIN pg_catalog.pg_type t"
    " ON d.refclassid = 'pg_catalog.pg_type'::pg_catalog.regclass"
    " AND t.oid = d.refobjid"
    " LEFT JOIN pg_catalog.pg_class tr ON tr.oid = t.typrelid"
    " LEFT JOIN pg_catalog.pg_namespace rn"
    " ON rn.oid = COALESCE(rc.relnamespace, tr.relnamespace)"
    " LEFT JOIN pg_catalog.pg_class oc"
    " ON d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass"
    " AND oc.oid = d.objid"
    " WHERE d.deptype = 'n'"
    " AND (d.classid IN ('pg_catalog.pg_proc'::pg_catalog.regclass,"
    " 'pg_catalog.pg_type'::pg_catalog.regclass)"
    " OR oc.relkind IN ('c', 'S') OR k.oid IS NOT NULL)";

/* Partitioned tables, partitions and children, a row per parent. */
static const char pg_objects_parents[] =
    "SELECT n.nspname, c.relname,"
    " CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid)"
    " END, CASE WHEN c.relispartition"
    " THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END,"
    " pn.nspname, pc.relname"
    " FROM pg_catalog.pg_class c"
    " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
    " LEFT JOIN pg_catalog.pg_inherits h ON h.inhrelid = c.oid"
    " LEFT JOIN pg_catalog.pg_class pc ON pc.oid = h.inhparent"
    " LEFT JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace"
    " WHERE c.relkind IN ('r', 'p') AND" IN_NSPACES("n.nspname")
    " AND (c.relkind = 'p' OR h.inhrelid IS NOT NULL)"
    " ORDER BY c.oid, h.inhseqno";

/*
 * The options of identity columns' sequences that are not the defaults
 * (those of an ascending sequence of the column's type).
 */
static const char pg_objects_identities[] =
    "SELECT n.nspname, c.relname, a.attname,"
    " pg_catalog.array_remove(ARRAY["
    "CASE WHEN s.seqincrement <> 1"
    " THEN 'INCREMENT BY ' || s.seqincrement END,"
    " CASE WHEN s.seqmin <> 1 THEN 'MINVALUE ' || s.seqmin END,"
    " CASE WHEN s.seqmax <> CASE s.seqtypid"
    " WHEN 'pg_catalog.int2'::pg_catalog.regtype THEN 32767"
    " WHEN 'pg_catalog.int4'::pg_catalog.regtype THEN 2147483647"
    " ELSE 9223372036854775807 END THEN 'MAXVALUE ' || s.seqmax END,"
    " CASE WHEN s.seqstart <> 1 THEN 'START WITH ' || s.seqstart END,"
    " CASE WHEN s.seqcache <> 1 THEN 'CACHE ' || s.seqcache END,"
    " CASE WHEN s.seqcycle THEN 'CYCLE' END], NULL)"
    " FROM pg_catalog.pg_depend d"
    " JOIN pg_catalog.pg_sequence s ON s.seqrelid = d.objid"
    " JOIN pg_catalog.pg_class c ON c.oid = d.refobjid"
    " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
    " JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid"
    " AND a.attnum = d.refobjsubid"
    " WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass"
    " AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass"
    " AND d.deptype = 'i' AND c.relkind IN ('r', 'p') AND"
    IN_NSPACES("n.nspname");

/* An object of the first query, by its catalog and oid. */
struct pg_objects_key {
	unsigned long		 classid;
	unsigned long		 objid;
	struct schema_object	*object;
};

struct pg_objects_ctx {
	struct conn		*conn;
	const char		*nspaces;
	struct schema		*schema;
	struct pg_objects_key	*keys;		/* sorted */
	size_t			 nkeys;
};

static char *
pg_objects_dup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static unsigned long
pg_objects_oid(const char *s)
{
	return s != NULL ? strtoul(s, NULL, 10) : 0;
}

static int
pg_objects_key_cmp(const void *a, const void *b)
{
	const struct pg_objects_key	*x = a, *y = b;

	if (x->classid != y->classid)
		return (x->classid > y->classid) - (x->classid < y->classid);
	return (x->objid > y->objid) - (x->objid < y->objid);
}

static struct schema_object *
pg_objects_find(const struct pg_objects_ctx *ctx, const char *classid,
    const char *objid)
{
	struct pg_objects_key	 key, *k;

	if (ctx->nkeys == 0)
		return NULL;
	key.classid = pg_objects_oid(classid);
	key.objid = pg_objects_oid(objid);
	key.object = NULL;
	k = bsearch(&key, ctx->keys, ctx->nkeys, sizeof *ctx->keys,
	    pg_objects_key_cmp);
	return k != NULL ? k->object : NULL;
}

/* The elements of an array as PostgreSQL prints it ({a,"b c"}). */
static void
pg_objects_array(struct strv *out, const char *p)
{
	struct strbuf	 sb = STRBUF_INIT;

	if (p == NULL || *p++ != '{')
		return;
	while (*p != '\0' && *p != '}') {
		strbuf_reset(&sb);
		if (*p == '"') {
			for (p++; *p != '\0' && *p != '"'; p++) {
				if (*p == '\\' && p[1] != '\0')
					p++;
				strbuf_addch(&sb, *p);
			}
			if (*p == '"')
				p++;
		} else {
			while (*p != '\0' && *p != ',' && *p != '}')
				strbuf_addch(&sb, *p++);
		}
		strv_push(out, sb.buf);
		if (*p == ',')
			p++;
	}
	strbuf_release(&sb);
}

/* Without the blanks and ';' that end what the database prints. */
static char *
pg_objects_trim(const char *s)
{
	size_t	 n;

	if (s == NULL)
		return NULL;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' ||
	    s[n - 1] == ';'))
		n--;
	return xstrndup(s, n);
}

/* CREATE DOMAIN, from the parts (checks NOT VALID left out). */
static void
pg_objects_domain_sql(struct schema_object *o)
{
	struct strbuf	 sb = STRBUF_INIT;
	size_t		 i;

	strbuf_addf(&sb, "CREATE DOMAIN %s AS %s", o->identity, o->fixed);
	if (o->default_sql != NULL)
		strbuf_addf(&sb, " DEFAULT %s", o->default_sql);
	if (o->notnull)
		strbuf_addstr(&sb, " NOT NULL");
	for (i = 0; i < o->check_names.n; i++) {
		strbuf_addstr(&sb, " CONSTRAINT ");
		dialect_quote_ident_std(&sb, o->check_names.v[i]);
		strbuf_addf(&sb, " %s", o->check_defs.v[i]);
	}
	o->sql = strbuf_detach(&sb, NULL);
}

/*
 * Whether row i is the sequence of a serial column: its name, options
 * and owner are (see pg_objects_sequences), and the column's default is
 * nextval() of it.
 */
static int
pg_objects_serial(const struct pg_objects_ctx *ctx, const struct rows *r,
    size_t i)
{
	const struct schema_table	*t;
	const struct schema_column	*c;
	const char			*seq = rows_get(r, i, COL_SERIAL);
	struct strbuf			 want = STRBUF_INIT;
	int				 serial;

	if (seq == NULL || (t = schema_find_table(ctx->schema,
	    rows_get(r, i, COL_TNSP), rows_get(r, i, COL_TABLE))) == NULL ||
	    (c = schema_find_column(t, rows_get(r, i, COL_COLUMN))) == NULL ||
	    c->default_sql == NULL)
		return 0;
	strbuf_addstr(&want, "nextval(");
	dialect_quote_literal_std(&want, seq);
	strbuf_addstr(&want, "::regclass)");
	serial = strcmp(c->default_sql, want.buf) == 0;
	strbuf_release(&want);
	return serial;
}

static int
pg_objects_read(struct pg_objects_ctx *ctx, const struct schema_filter *f,
    struct err *err)
{
	struct strbuf		 sql = STRBUF_INIT;
	struct rows		*r = NULL;
	struct schema_object	*o;
	const char		*params[1], *kind, *table, *locale;
	enum schema_object_kind	 k;
	size_t			 i;
	int			 rc;

	if (ctx->conn->server_version_num >= 170000)
		locale = "c.colllocale";
	else if (ctx->conn->server_version_num >= 150000)
		locale = "c.colliculocale";
	else
		locale = "c.collcollate";
	strbuf_addstr(&sql, pg_objects_schemas);
	strbuf_addf(&sql, pg_objects_collations, locale);
	strbuf_addstr(&sql, pg_objects_types);
	strbuf_addstr(&sql, pg_objects_domains);
	strbuf_addstr(&sql, pg_objects_sequences);
	strbuf_addstr(&sql, pg_objects_functions);
	strbuf_addstr(&sql, pg_objects_hanging);
	strbuf_addstr(&sql, pg_objects_comments);
	strbuf_addstr(&sql, pg_objects_comments2);
	params[0] = ctx->nspaces;
	if ((rc = ctx->conn->dialect->query(&r, ctx->conn, sql.buf, params, 1,
	    err)) != 0)
		goto done;
	ctx->keys = xcalloc(r->nrows + 1, sizeof *ctx->keys);
	for (i = 0; i < r->nrows; i++) {
		kind = rows_get(r, i, COL_KIND);
		table = rows_get(r, i, COL_TABLE);
		if (table != NULL && !schema_filter_takes(f, table))
			continue;
		if (pg_objects_serial(ctx, r, i))
			continue;
		/* by its name; the last kind is what is left */
		for (k = SCHEMA_OBJ_SCHEMA; k < SCHEMA_OBJ_COMMENT; k++) {
			if (strcmp(schema_object_kind_name(k), kind) == 0)
				break;
		}
		o = schema_add_object(ctx->schema, k,
		    rows_get(r, i, COL_NSP), rows_get(r, i, COL_NAME) != NULL ?
		    rows_get(r, i, COL_NAME) : rows_get(r, i, COL_IDENTITY));
		o->identity = xstrdup(rows_get(r, i, COL_IDENTITY));
		o->table_schema = table != NULL ?
		    pg_objects_dup(rows_get(r, i, COL_TNSP)) : NULL;
		o->table = pg_objects_dup(table);
		o->column = pg_objects_dup(rows_get(r, i, COL_COLUMN));
		o->sql = pg_objects_trim(rows_get(r, i, COL_SQL));
		o->fixed = pg_objects_dup(rows_get(r, i, COL_FIXED));
		o->comment = pg_objects_dup(rows_get(r, i, COL_COMMENT));
		o->late = rows_get(r, i, COL_LATE)[0] == 't';
		o->default_sql = pg_objects_dup(rows_get(r, i, COL_DEFAULT));
		o->notnull = rows_get(r, i, COL_NOTNULL)[0] == 't';
		pg_objects_array(&o->check_names, rows_get(r, i,
		    COL_CHECK_NAMES));
		pg_objects_array(&o->check_defs, rows_get(r, i,
		    COL_CHECK_DEFS));
		o->options = pg_objects_dup(rows_get(r, i, COL_OPTIONS));
		if (o->kind == SCHEMA_OBJ_COMMENT)
			o->fixed = xstrdup("");	/* said again when it changes */
		if (o->kind == SCHEMA_OBJ_DOMAIN)
			pg_objects_domain_sql(o);
		else if (o->kind == SCHEMA_OBJ_SEQUENCE) {
			strbuf_reset(&sql);
			strbuf_addf(&sql, "CREATE SEQUENCE %s %s", o->identity,
			    o->options);
			o->sql = strbuf_detach(&sql, NULL);
		}
		ctx->keys[ctx->nkeys].classid = pg_objects_oid(rows_get(r, i,
		    COL_CLASSID));
		ctx->keys[ctx->nkeys].objid = pg_objects_oid(rows_get(r, i,
		    COL_OBJID));
		ctx->keys[ctx->nkeys++].object = o;
	}
	if (ctx->nkeys > 1)
		qsort(ctx->keys, ctx->nkeys, sizeof *ctx->keys,
		    pg_objects_key_cmp);
done:
	rows_free(r);
	strbuf_release(&sql);
	return rc;
}

/* "kind identity": how deps name an object. */
static void
pg_objects_dep_name(struct strbuf *sb, const struct schema_object *o)
{
	strbuf_reset(sb);
	strbuf_addf(sb, "%s %s", schema_object_kind_name(o->kind),
	    o->identity);
}

static int
pg_objects_has(const struct strv *v, const char *s)
{
	size_t	 i;

	for (i = 0; i < v->n; i++) {
		if (strcmp(v->v[i], s) == 0)
			return 1;
	}
	return 0;
}

static int
pg_objects_deps_read(struct pg_objects_ctx *ctx, struct err *err)
{
	struct rows		*r = NULL;
	struct schema_object	*o, *ref, **pairs = NULL;
	struct strbuf		 name = STRBUF_INIT;
	size_t			 i, npairs = 0;
	int			 rc, changed;

	if ((rc = ctx->conn->dialect->query(&r, ctx->conn, pg_objects_deps,
	    NULL, 0, err)) != 0)
		return rc;
	pairs = xcalloc(2 * r->nrows + 1, sizeof *pairs);
	for (i = 0; i < r->nrows; i++) {
		if ((o = pg_objects_find(ctx, rows_get(r, i, 0),
		    rows_get(r, i, 1))) == NULL)
			continue;
		if (rows_get(r, i, 4) != NULL && rows_get(r, i, 4)[0] == 't') {
			/* "relation schema.name": what the diff remakes */
			o->late = 1;
			strbuf_reset(&name);
			strbuf_addf(&name, "relation %s.%s", rows_get(r, i, 5),
			    rows_get(r, i, 6));
			if (!pg_objects_has(&o->deps, name.buf))
				strv_push(&o->deps, name.buf);
			continue;
		}
		ref = pg_objects_find(ctx, rows_get(r, i, 2),
		    rows_get(r, i, 3));
		if (ref == NULL || ref == o)
			continue;
		pg_objects_dep_name(&name, ref);
		if (!pg_objects_has(&o->deps, name.buf))
			strv_push(&o->deps, name.buf);
		pairs[npairs++] = o;
		pairs[npairs++] = ref;
	}
	rows_free(r);
	/* what uses a late object is late too */
	do {
		changed = 0;
		for (i = 0; i < npairs; i += 2) {
			if (pairs[i + 1]->late && !pairs[i]->late)
				pairs[i]->late = changed = 1;
		}
	} while (changed);
	xfree(pairs);
	strbuf_release(&name);
	return 0;
}

static int
pg_objects_parents_read(struct pg_objects_ctx *ctx, struct err *err)
{
	struct rows		*r = NULL;
	struct schema_table	*t;
	const char		*params[1];
	size_t			 i;
	int			 rc;

	params[0] = ctx->nspaces;
	if ((rc = ctx->conn->dialect->query(&r, ctx->conn, pg_objects_parents,
	    params, 1, err)) != 0)
		return rc;
	for (i = 0; i < r->nrows; i++) {
		t = schema_find_table(ctx->schema, rows_get(r, i, 0),
		    rows_get(r, i, 1));
		if (t == NULL)
			continue;	/* not taken */
		if (t->partition_key == NULL && rows_get(r, i, 2) != NULL)
			t->partition_key = xstrdup(rows_get(r, i, 2));
		if (t->partition_bound == NULL && rows_get(r, i, 3) != NULL)
			t->partition_bound = xstrdup(rows_get(r, i, 3));
		if (rows_get(r, i, 5) != NULL) {
			strv_push(&t->parent_schemas, rows_get(r, i, 4));
			strv_push(&t->parents, rows_get(r, i, 5));
		}
	}
	rows_free(r);
	return 0;
}

static int
pg_objects_identities_read(struct pg_objects_ctx *ctx, struct err *err)
{
	struct rows		*r = NULL;
	struct schema_table	*t;
	struct schema_column	*c;
	const char		*params[1];
	size_t			 i;
	int			 rc;

	params[0] = ctx->nspaces;
	if ((rc = ctx->conn->dialect->query(&r, ctx->conn,
	    pg_objects_identities, params, 1, err)) != 0)
		return rc;
	for (i = 0; i < r->nrows; i++) {
		if ((t = schema_find_table(ctx->schema, rows_get(r, i, 0),
		    rows_get(r, i, 1))) == NULL ||
		    (c = schema_find_column(t, rows_get(r, i, 2))) == NULL)
			continue;
		pg_objects_array(&c->identity_options, rows_get(r, i, 3));
	}
	rows_free(r);
	return 0;
}

int
pg_reflect_objects(struct schema *s, struct conn *conn, const char *nspaces,
    const struct schema_filter *f, struct err *err)
{
	struct pg_objects_ctx	 ctx;
	int			 rc;

	memset(&ctx, 0, sizeof ctx);
	ctx.conn = conn;
	ctx.nspaces = nspaces;
	ctx.schema = s;
	if ((rc = pg_objects_read(&ctx, f, err)) == 0 &&
	    (rc = pg_objects_deps_read(&ctx, err)) == 0 &&
	    (rc = pg_objects_parents_read(&ctx, err)) == 0)
		rc = pg_objects_identities_read(&ctx, err);
	xfree(ctx.keys);
	return rc;
}
