/*
 * PostgreSQL rendering, judged by the database: a schema built from SQL A
 * is changed by the rendered diff to B and must then reflect exactly as a
 * schema built from B, with its rows kept; a second diff finds nothing,
 * and the reverse diff brings A back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "dialect.h"
#include "model.h"

static struct conn *
pg_open(void)
{
	struct url	*url = NULL;
	struct conn	*c = NULL;
	struct err	 err = ERR_INIT;
	const char	*u = getenv("MIGRATE_TEST_PG_URL");

	if (u == NULL)
		fail_msg("MIGRATE_TEST_PG_URL is not set: run through "
		    "tests/run.sh, which starts PostgreSQL");
	if (url_parse(&url, u, &err) != 0 || dialect_connect(&c, url,
	    &err) != 0)
		fail_msg("connect: %s", err.msg);
	url_free(url);
	return c;
}

static void
run(struct conn *c, const char *what, const char *sql)
{
	struct err	 err = ERR_INIT;

	if (dialect_exec_script(c, what, sql, strlen(sql), NULL, &err) != 0)
		fail_msg("%s: %s (line %u)\n%s", what, err.msg, err.line, sql);
}

/* Schema nspace, reflected with it alone on the search path. */
static struct schema *
reflect(struct conn *c, const char *nspace)
{
	struct schema_filter	 f;
	struct strv		 only = { NULL, 0 };
	struct schema		*s = NULL;
	struct strbuf		 sql = STRBUF_INIT;
	struct err		 err = ERR_INIT;

	strv_push(&only, nspace);
	memset(&f, 0, sizeof f);
	f.schemas = &only;
	strbuf_addf(&sql, "SET search_path TO %s", nspace);
	run(c, "search_path", sql.buf);
	if (pg_reflect(&s, c, &f, &err) != 0)
		fail_msg("reflect: %s", err.msg);
	strv_release(&only);
	strbuf_release(&sql);
	return s;
}

static void
dump(struct strbuf *out, const struct schema *s)
{
	strbuf_reset(out);
	schema_dump(out, s);
}

/* Apply the diff from from to to on schema rt, return what it holds. */
static struct schema *
apply(struct conn *c, const struct schema *from, const struct schema *to,
    struct strbuf *sqlout)
{
	struct diff	 d;
	struct err	 err = ERR_INIT;

	diff_schemas(&d, from, to);
	strbuf_reset(sqlout);
	if (pg_render(sqlout, &d, from, to, &err) != 0)
		fail_msg("render: %s", err.msg);
	diff_release(&d);
	run(c, "search_path", "SET search_path TO rt");
	run(c, "rendered", sqlout->buf);
	return reflect(c, "rt");
}

static void
expect_same(const struct schema *got, const struct schema *want,
    const char *sql)
{
	struct strbuf	 a = STRBUF_INIT, b = STRBUF_INIT;

	dump(&a, got);
	dump(&b, want);
	if (strcmp(a.buf, b.buf) != 0)
		fail_msg("after\n%s\ngot\n%s\nwanted\n%s", sql, a.buf, b.buf);
	strbuf_release(&a);
	strbuf_release(&b);
}

static void
expect_query(struct conn *c, const char *query, const char *want)
{
	struct rows	*r = NULL;
	struct err	 err = ERR_INIT;

	if (c->dialect->query(&r, c, query, NULL, 0, &err) != 0)
		fail_msg("%s: %s", query, err.msg);
	if (r->nrows != 1 || strcmp(rows_get(r, 0, 0) ? rows_get(r, 0, 0) :
	    "NULL", want) != 0)
		fail_msg("%s: got %s, wanted %s", query, r->nrows ?
		    rows_get(r, 0, 0) : "no row", want);
	rows_free(r);
}

/*
 * A in schema rt (with seed rows), B in rt_b; upgrade rt to B, check,
 * then downgrade it to A. Returns the connection for more checks.
 */
static void
roundtrip(const char *a, const char *seed, const char *b,
    const char *check, const char *want)
{
	struct conn	*c = pg_open();
	struct schema	*from, *to, *got, *back, *again;
	struct strbuf	 sql = STRBUF_INIT;
	struct diff	 d;

	run(c, "setup", "DROP SCHEMA IF EXISTS rt CASCADE; "
	    "DROP SCHEMA IF EXISTS rt_b CASCADE; CREATE SCHEMA rt; "
	    "CREATE SCHEMA rt_b");
	run(c, "search_path", "SET search_path TO rt");
	run(c, "A", a);
	if (seed != NULL)
		run(c, "seed", seed);
	run(c, "search_path", "SET search_path TO rt_b");
	run(c, "B", b);
	from = reflect(c, "rt");
	to = reflect(c, "rt_b");
	model_unscratch(to, "rt_b", "rt");

	got = apply(c, from, to, &sql);
	expect_same(got, to, sql.buf);
	diff_schemas(&d, got, to);
	if (d.n != 0)
		fail_msg("a second diff finds %zu ops, first %s", d.n,
		    diff_op_name(d.v[0].kind));
	diff_release(&d);
	if (check != NULL)
		expect_query(c, check, want);

	/* and back */
	back = apply(c, got, from, &sql);
	expect_same(back, from, sql.buf);
	again = reflect(c, "rt");
	schema_free(again);
	run(c, "teardown", "SET search_path TO public; "
	    "DROP SCHEMA rt CASCADE; DROP SCHEMA rt_b CASCADE");
	schema_free(from);
	schema_free(to);
	schema_free(got);
	schema_free(back);
	strbuf_release(&sql);
	dialect_disconnect(c);
}

static void
test_render_create_from_empty(void **state)
{
	(void)state;
	roundtrip("", NULL,
	    "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');\n"
	    "CREATE TABLE users (id integer GENERATED ALWAYS AS IDENTITY "
	    "PRIMARY KEY, email text NOT NULL, lower_email text GENERATED "
	    "ALWAYS AS (lower(email)) STORED);\n"
	    "CREATE TABLE posts (id serial PRIMARY KEY,\n"
	    "    author integer NOT NULL REFERENCES users (id) ON DELETE "
	    "CASCADE,\n    title varchar(200) NOT NULL DEFAULT 'untitled',\n"
	    "    mood mood DEFAULT 'ok', score numeric(10,2) CHECK (score >= 0),"
	    "\n    CONSTRAINT uq_title UNIQUE (author, title));\n"
	    "CREATE UNIQUE INDEX ix_users_email ON users (lower(email)) "
	    "WHERE email <> '';\n"
	    "CREATE INDEX ix_posts_title ON posts (title DESC NULLS LAST);\n"
	    "COMMENT ON TABLE posts IS 'what people write';\n"
	    "COMMENT ON COLUMN posts.title IS 'shown as the heading';\n"
	    "CREATE VIEW recent AS SELECT id, title FROM posts;\n",
	    NULL, NULL);
}

static void
test_render_columns_keep_rows(void **state)
{
	(void)state;
	roundtrip("CREATE TABLE items (id integer PRIMARY KEY, name "
	    "varchar(40), qty smallint DEFAULT 1, gone text, note text);\n"
	    "CREATE VIEW item_names AS SELECT name FROM items;\n",
	    "INSERT INTO items VALUES (1, 'bolt', 5, 'x', 'a'), "
	    "(2, 'nut', 7, 'y', 'b');\n",
	    "CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL,"
	    " qty bigint DEFAULT 0, note text, added date);\n"
	    "CREATE VIEW item_names AS SELECT name FROM items;\n",
	    "SELECT string_agg(name || ':' || qty, ',' ORDER BY id) FROM "
	    "items", "bolt:5,nut:7");
}

static void
test_render_constraints_and_indexes(void **state)
{
	(void)state;
	roundtrip("CREATE TABLE a (id integer PRIMARY KEY, code text, "
	    "CONSTRAINT ck_code CHECK (length(code) < 10));\n"
	    "CREATE TABLE b (id integer PRIMARY KEY, a_id integer "
	    "CONSTRAINT fk_b_a REFERENCES a (id));\n"
	    "CREATE INDEX ix_b_a ON b (a_id);\n",
	    "INSERT INTO a VALUES (1, 'x'); INSERT INTO b VALUES (1, 1);\n",
	    "CREATE TABLE a (id integer PRIMARY KEY, code text, "
	    "CONSTRAINT ck_code CHECK (length(code) < 20), "
	    "CONSTRAINT uq_code UNIQUE (code));\n"
	    "CREATE TABLE b (id integer PRIMARY KEY, a_id integer "
	    "CONSTRAINT fk_b_a REFERENCES a (id) ON DELETE SET NULL "
	    "DEFERRABLE INITIALLY DEFERRED);\n"
	    "CREATE INDEX ix_b_a ON b USING hash (a_id);\n",
	    "SELECT count(*) FROM b JOIN a ON a.id = b.a_id", "1");
}

static void
test_render_enums(void **state)
{
	(void)state;
	/* values added in place, then (back) a value removed */
	roundtrip("CREATE TYPE mood AS ENUM ('sad', 'happy');\n"
	    "CREATE TABLE t (id integer PRIMARY KEY, m mood DEFAULT 'sad');\n",
	    "INSERT INTO t VALUES (1, 'happy');\n",
	    "CREATE TYPE mood AS ENUM ('meh', 'sad', 'ok', 'happy');\n"
	    "CREATE TABLE t (id integer PRIMARY KEY, m mood DEFAULT 'sad');\n",
	    "SELECT m::text FROM t", "happy");
}

static void
test_render_cycle_and_quoting(void **state)
{
	(void)state;
	roundtrip("CREATE TABLE \"user\" (id integer PRIMARY KEY);\n",
	    NULL,
	    "CREATE TABLE \"user\" (id integer PRIMARY KEY, "
	    "\"Best Order\" integer);\n"
	    "CREATE TABLE \"order\" (id integer PRIMARY KEY, "
	    "\"user\" integer REFERENCES \"user\" (id), "
	    "\"quo\"\"te\" text DEFAULT 'it''s');\n"
	    "ALTER TABLE \"user\" ADD CONSTRAINT \"fk user order\" "
	    "FOREIGN KEY (\"Best Order\") REFERENCES \"order\" (id);\n",
	    NULL, NULL);
}

static void
test_render_generated_and_identity(void **state)
{
	(void)state;
	/* no longer generated: the values stay; identity needs NOT NULL */
	roundtrip("CREATE TABLE t (id integer, a integer, "
	    "b integer GENERATED ALWAYS AS (a * 2) STORED);\n",
	    "INSERT INTO t (id, a) VALUES (1, 5), (2, 7);\n",
	    "CREATE TABLE t (id integer GENERATED BY DEFAULT AS IDENTITY, "
	    "a integer, b integer);\n",
	    "SELECT string_agg(b::text, ',' ORDER BY id) FROM t", "10,14");
}

static void
test_render_serial_quoted(void **state)
{
	(void)state;
	/* serial under names regclass quotes: made as serial, not nextval */
	roundtrip("", NULL,
	    "CREATE TABLE \"Order Items\" (\"Id\" serial PRIMARY KEY);\n"
	    "CREATE TABLE \"we'ird\" (id bigserial PRIMARY KEY);\n", NULL,
	    NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_create_from_empty),
		cmocka_unit_test(test_render_columns_keep_rows),
		cmocka_unit_test(test_render_constraints_and_indexes),
		cmocka_unit_test(test_render_enums),
		cmocka_unit_test(test_render_cycle_and_quoting),
		cmocka_unit_test(test_render_generated_and_identity),
		cmocka_unit_test(test_render_serial_quoted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
