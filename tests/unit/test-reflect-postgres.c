/*
 * PostgreSQL reflection against the server tests/run.sh starts
 * (MIGRATE_TEST_PG_URL; psql as the superuser through PGUSER and friends):
 * each test loads a corpus file (MIGRATE_CORPUS, default ../shared/corpus)
 * into a database of its own, reflects it and checks what it finds.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "dialect.h"

/* The dialect with query counted, to see that reflection's count is fixed. */
static struct dialect	 counting_dialect;
static size_t		 nqueries;

static int
counting_query(struct rows **out, struct conn *conn, const char *sql,
    const char *const *params, size_t nparams, struct err *err)
{
	struct timespec	 t0, t1;
	int		 rc;

	nqueries++;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = dialect_postgres.query(out, conn, sql, params, nparams, err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* MIGRATE_TEST_TIMING: how long each catalog query takes */
	if (getenv("MIGRATE_TEST_TIMING") != NULL)
		fprintf(stderr, "%8.1f ms  %.60s\n",
		    (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6, sql);
	return rc;
}

static const char *
corpus_dir(void)
{
	const char	*d = getenv("MIGRATE_CORPUS");

	return d != NULL && d[0] != '\0' ? d : "../shared/corpus";
}

static void
psql(const char *db, const char *args)
{
	struct strbuf	 cmd = STRBUF_INIT;

	strbuf_addf(&cmd, "PGOPTIONS=--client-min-messages=warning psql -X -q "
	    "-v ON_ERROR_STOP=1 -d '%s' %s >/dev/null", db, args);
	if (system(cmd.buf) != 0)
		fail_msg("failed: %s", cmd.buf);
	strbuf_release(&cmd);
}

/* A fresh database named db (per process), loaded from a corpus file. */
static void
db_create(char *out, size_t len, const char *name, const char *file)
{
	struct strbuf	 args = STRBUF_INIT;

	if (getenv("MIGRATE_TEST_PG_URL") == NULL)
		fail_msg("MIGRATE_TEST_PG_URL is not set: run through "
		    "tests/run.sh, which starts PostgreSQL");
	snprintf(out, len, "reflect_%s_%ld", name, (long)getpid());
	strbuf_addf(&args, "-c 'DROP DATABASE IF EXISTS \"%s\"' "
	    "-c 'CREATE DATABASE \"%s\" OWNER migrate'", out, out);
	psql("postgres", args.buf);
	if (file != NULL) {
		strbuf_reset(&args);
		strbuf_addf(&args, "-f '%s/%s'", corpus_dir(), file);
		psql(out, args.buf);
	}
	strbuf_release(&args);
}

static void
db_drop(const char *db)
{
	struct strbuf	 args = STRBUF_INIT;

	strbuf_addf(&args, "-c 'DROP DATABASE IF EXISTS \"%s\"'", db);
	psql("postgres", args.buf);
	strbuf_release(&args);
}

/* Connect as the test role to database db, queries counted. */
static struct conn *
db_connect(const char *db)
{
	struct url	*url = NULL;
	struct conn	*conn = NULL;
	struct err	 err = ERR_INIT;

	if (url_parse(&url, getenv("MIGRATE_TEST_PG_URL"), &err) != 0)
		fail_msg("url_parse: %s", err.msg);
	xfree(url->database);
	url->database = xstrdup(db);
	if (dialect_connect(&conn, url, &err) != 0)
		fail_msg("connect: %s", err.msg);
	url_free(url);
	counting_dialect = dialect_postgres;
	counting_dialect.query = counting_query;
	conn->dialect = &counting_dialect;
	return conn;
}

static void
db_close(struct conn *conn)
{
	conn->dialect = &dialect_postgres;
	dialect_disconnect(conn);
}

static void
db_exec(struct conn *conn, const char *sql)
{
	struct err	 err = ERR_INIT;

	if (conn->dialect->exec(conn, sql, &err) != 0)
		fail_msg("exec %s: %s", sql, err.msg);
}

/* Reflect with filter f; *nq gets the number of queries it took. */
static struct schema *
reflect(struct conn *conn, const struct schema_filter *f, size_t *nq)
{
	struct schema	*s = NULL;
	struct err	 err = ERR_INIT;

	nqueries = 0;
	if (conn->dialect->reflect(&s, conn, f, &err) != 0)
		fail_msg("reflect: %s", err.msg);
	assert_non_null(s);
	if (nq != NULL)
		*nq = nqueries;
	return s;
}

struct counts {
	size_t	 tables, columns, indexes, fks, checks, views, enums;
};

static void
count(struct counts *c, const struct schema *s)
{
	size_t	 i;

	memset(c, 0, sizeof *c);
	c->tables = s->ntables;
	c->views = s->nviews;
	c->enums = s->nenums;
	for (i = 0; i < s->ntables; i++) {
		c->columns += s->tables[i]->ncolumns;
		c->indexes += s->tables[i]->nindexes;
		c->fks += s->tables[i]->nfks;
		c->checks += s->tables[i]->nchecks;
	}
}

/*
 * The corpus, with the counts of its README. Indexes: the explicit ones
 * less those on materialized views, which a struct schema has no place
 * for (edge-cases 1, pagila 1). Views: plain plus materialized.
 */
static const struct corpus_case {
	const char	*name;
	const char	*file;
	const char	*schemas[3];
	struct counts	 want;
} corpus_cases[] = {
	{ "chinook", "chinook/postgres.sql", { "public" },
	    { 11, 64, 11, 11, 0, 0, 0 } },
	{ "chinook_identity", "chinook/postgres-identity.sql", { "public" },
	    { 11, 64, 11, 11, 0, 0, 0 } },
	{ "chinook_serial", "chinook/postgres-serial.sql", { "public" },
	    { 11, 64, 11, 11, 0, 0, 0 } },
	{ "pagila", "pagila/postgres.sql", { "public" },
	    { 22, 129, 33, 36, 0, 8, 1 } },
	{ "sakila", "sakila/postgres.sql", { "public" },
	    { 21, 123, 29, 40, 6, 7, 1 } },
	{ "northwind", "northwind/postgres.sql", { "public" },
	    { 14, 92, 0, 13, 0, 0, 0 } },
	{ "edge", "edge-cases/postgres.sql", { "public", "audit" },
	    { 9, 91, 10, 7, 10, 2, 2 } },
	{ "blog", "blog/postgres.sql", { "public" },
	    { 7, 31, 4, 7, 0, 0, 0 } },
};

static size_t	 corpus_nqueries;	/* of the first file reflected */

static void
check_corpus_case(const struct corpus_case *cc)
{
	char			 db[96];
	struct conn		*conn;
	struct schema		*s1, *s2;
	struct strv		 nspaces = { NULL, 0 };
	struct schema_filter	 f;
	struct counts		 got;
	struct strbuf		 d1 = STRBUF_INIT, d2 = STRBUF_INIT;
	size_t			 i, nq;

	for (i = 0; i < 3 && cc->schemas[i] != NULL; i++)
		strv_push(&nspaces, cc->schemas[i]);
	memset(&f, 0, sizeof f);
	f.schemas = &nspaces;
	f.version_table = "migrate_version";
	f.history_table = "migrate_history";
	db_create(db, sizeof db, cc->name, cc->file);
	conn = db_connect(db);
	s1 = reflect(conn, &f, &nq);
	count(&got, s1);
	print_message("%-18s tables %zu columns %zu indexes %zu fks %zu "
	    "checks %zu views %zu enums %zu (%zu queries)\n", cc->name,
	    got.tables, got.columns, got.indexes, got.fks, got.checks,
	    got.views, got.enums, nq);
	assert_int_equal(got.tables, cc->want.tables);
	assert_int_equal(got.columns, cc->want.columns);
	assert_int_equal(got.indexes, cc->want.indexes);
	assert_int_equal(got.fks, cc->want.fks);
	assert_int_equal(got.checks, cc->want.checks);
	assert_int_equal(got.views, cc->want.views);
	assert_int_equal(got.enums, cc->want.enums);
	/* the same number of catalog queries whatever the size */
	if (corpus_nqueries == 0)
		corpus_nqueries = nq;
	assert_int_equal(nq, corpus_nqueries);
	/* a second reflection finds exactly the same */
	s2 = reflect(conn, &f, NULL);
	schema_dump(&d1, s1);
	schema_dump(&d2, s2);
	assert_string_equal(d1.buf, d2.buf);
	/* MIGRATE_TEST_DUMP=name prints what was reflected, to read */
	if (getenv("MIGRATE_TEST_DUMP") != NULL &&
	    strcmp(getenv("MIGRATE_TEST_DUMP"), cc->name) == 0)
		fputs(d1.buf, stderr);
	strbuf_release(&d1);
	strbuf_release(&d2);
	schema_free(s1);
	schema_free(s2);
	strv_release(&nspaces);
	db_close(conn);
	db_drop(db);
}

static void
test_reflect_postgres_corpus(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof corpus_cases / sizeof *corpus_cases; i++)
		check_corpus_case(&corpus_cases[i]);
}

/*
 * The version and history tables are never reflected; include and exclude
 * globs choose tables; schemas not asked for are not read.
 */
static void
test_reflect_postgres_filter(void **state)
{
	char			 db[96];
	struct conn		*conn;
	struct schema		*s;
	struct schema_filter	 f;
	struct strv		 globs = { NULL, 0 }, nspaces = { NULL, 0 };

	(void)state;
	db_create(db, sizeof db, "filter", "blog/postgres.sql");
	conn = db_connect(db);
	db_exec(conn, "CREATE TABLE migrate_version (version_num text)");
	db_exec(conn, "CREATE TABLE my_history (x int)");
	db_exec(conn, "CREATE SCHEMA other");
	db_exec(conn, "CREATE TABLE other.elsewhere (x int)");
	memset(&f, 0, sizeof f);
	f.version_table = "migrate_version";
	f.history_table = "my_history";

	/* no filter at all: every table of public, ours included */
	s = reflect(conn, NULL, NULL);
	assert_int_equal(s->ntables, 9);
	assert_null(schema_find_table(s, NULL, "elsewhere"));
	schema_free(s);

	s = reflect(conn, &f, NULL);
	assert_int_equal(s->ntables, 7);
	assert_null(schema_find_table(s, NULL, "migrate_version"));
	assert_null(schema_find_table(s, NULL, "my_history"));
	assert_non_null(schema_find_table(s, "public", "users"));
	schema_free(s);

	strv_push(&globs, "post*");
	f.include = &globs;
	s = reflect(conn, &f, NULL);
	assert_int_equal(s->ntables, 2);	/* posts, post_tags */
	assert_non_null(schema_find_table(s, "public", "posts"));
	assert_non_null(schema_find_table(s, "public", "post_tags"));
	/* a foreign key to a table not taken is still reflected */
	assert_int_equal(schema_find_table(s, NULL, "posts")->nfks, 1);
	schema_free(s);

	f.include = NULL;
	f.exclude = &globs;
	s = reflect(conn, &f, NULL);
	assert_int_equal(s->ntables, 5);
	assert_null(schema_find_table(s, NULL, "posts"));
	schema_free(s);

	f.exclude = NULL;
	strv_push(&nspaces, "other");
	f.schemas = &nspaces;
	s = reflect(conn, &f, NULL);
	assert_int_equal(s->ntables, 1);
	assert_non_null(schema_find_table(s, "other", "elsewhere"));
	schema_free(s);

	strv_release(&globs);
	strv_release(&nspaces);
	db_close(conn);
	db_drop(db);
}

static const struct schema_column *
column(const struct schema_table *t, const char *name)
{
	const struct schema_column	*c = schema_find_column(t, name);

	if (c == NULL)
		fail_msg("no column %s.%s", t->name, name);
	return c;
}

static const struct schema_table *
table(const struct schema *s, const char *nspace, const char *name)
{
	const struct schema_table	*t = schema_find_table(s, nspace,
					    name);

	if (t == NULL)
		fail_msg("no table %s.%s", nspace, name);
	return t;
}

static const struct schema_index *
index_named(const struct schema_table *t, const char *name)
{
	const struct schema_index	*x = schema_find_index(t, name);

	if (x == NULL)
		fail_msg("no index %s on %s", name, t->name);
	return x;
}

static const struct schema_check *
check_named(const struct schema_table *t, const char *name)
{
	const struct schema_check	*c = schema_find_check(t, name);

	if (c == NULL)
		fail_msg("no check %s on %s", name, t->name);
	return c;
}

static const struct schema_fk *
fk_named(const struct schema_table *t, const char *name)
{
	const struct schema_fk	*f = schema_find_fk(t, name);

	if (f == NULL)
		fail_msg("no foreign key %s on %s", name, t->name);
	return f;
}

/* v joined by "|", to compare lists in one assertion */
static void
assert_strv(const struct strv *v, const char *want)
{
	struct strbuf	 sb = STRBUF_INIT;
	size_t		 i;

	for (i = 0; i < v->n; i++) {
		if (i > 0)
			strbuf_addch(&sb, '|');
		strbuf_addstr(&sb, v->v[i]);
	}
	assert_string_equal(sb.buf, want);
	strbuf_release(&sb);
}

/* What edge-cases/postgres.sql declares, read back field by field. */
static void
test_reflect_postgres_edge_cases(void **state)
{
	char				 db[96];
	struct conn			*conn;
	struct schema			*s;
	struct strv			 nspaces = { NULL, 0 };
	struct schema_filter		 f;
	const struct schema_table	*t;
	const struct schema_column	*c;
	const struct schema_index	*x;
	const struct schema_fk		*fk;
	const struct schema_check	*ck;

	(void)state;
	strv_push(&nspaces, "public");
	strv_push(&nspaces, "audit");
	memset(&f, 0, sizeof f);
	f.schemas = &nspaces;
	db_create(db, sizeof db, "edge_facts", "edge-cases/postgres.sql");
	conn = db_connect(db);
	s = reflect(conn, &f, NULL);

	/* sorted by (schema, name); quoted names come back unquoted */
	assert_int_equal(s->ntables, 9);
	assert_string_equal(s->tables[0]->schema, "audit");
	assert_string_equal(s->tables[0]->name, "Event Log");
	assert_string_equal(s->tables[1]->name, "Order Line");

	t = table(s, "public", "user");
	assert_string_equal(t->comment,
	    "Application users; \"user\" is a reserved word");
	assert_string_equal(t->columns[0]->name, "id");
	assert_string_equal(t->columns[1]->name, "user");
	assert_string_equal(t->columns[2]->name, "Display Name");
	c = column(t, "id");
	assert_string_equal(c->type, "bigint");
	assert_int_equal(c->identity, 'a');
	assert_true(c->notnull);
	assert_null(c->default_sql);
	c = column(t, "user");
	assert_string_equal(c->comment,
	    "Login name (column named like its table)");
	c = column(t, "Display Name");
	assert_string_equal(c->type, "character varying(100)");
	assert_false(c->notnull);
	assert_null(c->comment);
	c = column(t, "eMail");
	assert_string_equal(c->type, "email_address");
	assert_string_equal(c->collation, "case_insensitive");
	c = column(t, "mood");
	assert_string_equal(c->type, "\"Mood\"");
	assert_string_equal(c->default_sql, "'happy'::\"Mood\"");
	assert_string_equal(column(t, "external_id")->default_sql,
	    "gen_random_uuid()");
	assert_string_equal(column(t, "settings")->default_sql,
	    "'{}'::jsonb");
	assert_string_equal(column(t, "tags")->type, "text[]");
	assert_string_equal(column(t, "balance")->type, "numeric(12,2)");
	assert_string_equal(column(t, "expires_on")->default_sql,
	    "(CURRENT_DATE + 365)");
	assert_null(column(t, "is_admin")->collation);
	assert_non_null(t->pk);
	assert_string_equal(t->pk->name, "user_pkey");
	assert_strv(&t->pk->columns, "id");
	assert_int_equal(t->nuniques, 2);
	assert_string_equal(t->uniques[0]->name, "user_eMail_key");
	assert_strv(&t->uniques[0]->columns, "eMail");
	assert_string_equal(check_named(t, "user_name_not_blank")->expr,
	    "(length(btrim(\"user\")) > 0)");
	/* an unnamed check gets the name PostgreSQL gives it */
	assert_string_equal(check_named(t, "user_balance_check")->expr,
	    "(balance >= (0)::numeric)");
	x = index_named(t, "user settings gin");
	assert_string_equal(x->method, "gin");
	assert_false(x->unique);
	assert_strv(&x->keys, "settings jsonb_path_ops");
	assert_strv(&index_named(t, "user_tags_idx")->keys, "tags");
	/* only explicit indexes: not those of the primary and unique keys */
	assert_int_equal(t->nindexes, 3);

	t = table(s, "public", "order");
	assert_string_equal(t->comment, "Customer orders");
	c = column(t, "id");
	assert_int_equal(c->identity, 'd');
	assert_string_equal(column(t, "invoice_no")->default_sql,
	    "nextval('invoice_number_seq'::regclass)");
	assert_string_equal(column(t, "status")->default_sql,
	    "'pending'::order_status");
	c = column(t, "total");
	assert_string_equal(c->generated,
	    "round((subtotal * ((1)::numeric + tax_rate)), 2)");
	assert_true(c->generated_stored);
	assert_null(c->default_sql);
	assert_string_equal(c->comment,
	    "Generated: subtotal * (1 + tax_rate), rounded to cents");
	fk = fk_named(t, "order_user_fkey");
	assert_strv(&fk->columns, "user");
	assert_null(fk->ref_schema);
	assert_string_equal(fk->ref_table, "user");
	assert_strv(&fk->ref_columns, "id");
	assert_string_equal(fk->on_delete, "CASCADE");
	assert_string_equal(fk->on_update, "CASCADE");
	assert_string_equal(fk->match, "SIMPLE");
	assert_false(fk->deferrable);
	assert_string_equal(check_named(t, "shipped_after_placed")->expr,
	    "((shipped_at IS NULL) OR (shipped_at >= placed_at))");
	assert_non_null(check_named(t, "order_subtotal_check"));
	x = index_named(t, "order_open_idx");
	assert_strv(&x->keys, "placed_at DESC");
	assert_string_equal(x->where, "(status = ANY (ARRAY["
	    "'pending'::order_status, 'paid'::order_status]))");
	assert_string_equal(x->method, "btree");
	x = index_named(t, "order_user_placed_idx");
	assert_strv(&x->keys, "\"user\"|placed_at DESC NULLS LAST");
	assert_strv(&x->include, "status");
	assert_null(x->where);
	assert_string_equal(x->sql, "CREATE INDEX order_user_placed_idx ON "
	    "public.\"order\" USING btree (\"user\", placed_at DESC NULLS "
	    "LAST) INCLUDE (status)");

	t = table(s, "public", "Order Line");
	assert_strv(&t->pk->columns, "order_id|line_no");
	assert_string_equal(column(t, "sku")->collation, "\"C\"");
	assert_string_equal(column(t, "qty")->default_sql, "1");
	fk = fk_named(t, "order_line_order_fk");
	assert_true(fk->deferrable);
	assert_true(fk->initially_deferred);
	assert_string_equal(fk->on_update, "NO ACTION");
	/* the column is already "C": no COLLATE on the index key */
	assert_strv(&index_named(t, "order_line_sku_idx")->keys, "sku|qty");

	t = table(s, "public", "shipment");
	fk = fk_named(t, "shipment_line_fk");
	assert_strv(&fk->columns, "order_id|line_no");
	assert_string_equal(fk->ref_table, "Order Line");
	assert_strv(&fk->ref_columns, "order_id|line_no");
	assert_string_equal(fk->on_delete, "RESTRICT");
	assert_true(fk->deferrable);
	assert_false(fk->initially_deferred);
	ck = check_named(t, "shipment_carrier_check");
	assert_true(ck->not_valid);
	assert_string_equal(ck->expr,
	    "((carrier IS NULL) OR (carrier <> ''::text))");
	assert_true(index_named(t, "shipment_tracking_key")->unique);

	t = table(s, "public", "category");
	fk = fk_named(t, "category_parent_id_fkey");
	assert_string_equal(fk->ref_table, "category");
	assert_string_equal(fk->on_delete, "SET NULL");
	x = index_named(t, "category_slug_lower_key");
	assert_true(x->unique);
	assert_strv(&x->keys, "lower(slug)");
	x = index_named(t, "category_root_name_key");
	assert_strv(&x->keys, "\"Name\"");
	assert_string_equal(x->where, "(parent_id IS NULL)");

	t = table(s, "public", "ProductVariant");
	assert_strv(&t->pk->columns, "ProductID|VariantCode");
	assert_non_null(schema_find_column(t, "say \"cheese\""));
	assert_non_null(schema_find_column(t, "prix_r\xc3\xa9" "duit"));
	assert_string_equal(fk_named(t,
	    "ProductVariant_categoryId_fkey")->on_delete, "SET DEFAULT");

	t = table(s, "public", "variant_price");
	assert_null(t->pk);
	fk = fk_named(t, "variant_price_variant_fk");
	assert_string_equal(fk->on_delete, "SET NULL (variant_code)");
	assert_strv(&fk->ref_columns, "ProductID|VariantCode");

	t = table(s, "audit", "Event Log");
	assert_string_equal(column(t, "id")->default_sql,
	    "nextval('audit.\"Event Log_id_seq\"'::regclass)");
	fk = fk_named(t, "Event Log_user_id_fkey");
	assert_string_equal(fk->ref_schema, "public");
	assert_string_equal(fk->ref_table, "user");
	assert_string_equal(index_named(t, "event_log_at_brin")->method,
	    "brin");

	t = table(s, "public", "type_zoo");
	assert_string_equal(column(t, "c_time")->type,
	    "time(3) without time zone");
	assert_string_equal(column(t, "c_bit")->default_sql,
	    "'00000000'::\"bit\"");
	assert_string_equal(column(t, "c_negative")->default_sql,
	    "'-1'::integer");

	assert_int_equal(s->nenums, 2);
	assert_string_equal(s->enums[0]->name, "Mood");
	assert_strv(&s->enums[0]->values, "happy|sad|it's complicated");
	assert_string_equal(s->enums[1]->name, "order_status");
	assert_string_equal(s->enums[1]->schema, "public");
	assert_strv(&s->enums[1]->values,
	    "pending|paid|shipped|cancelled|refunded");

	assert_int_equal(s->nviews, 2);
	assert_string_equal(s->views[0]->name, "Open Orders");
	assert_false(s->views[0]->materialized);
	assert_non_null(strstr(s->views[0]->definition,
	    "u.\"Display Name\" AS customer"));
	assert_string_equal(s->views[1]->name, "order_totals_by_user");
	assert_true(s->views[1]->materialized);

	schema_free(s);
	strv_release(&nspaces);
	db_close(conn);
	db_drop(db);
}

/* A failing query: *out is NULL, err has the database's message. */
static void
test_reflect_postgres_error(void **state)
{
	char		 db[96];
	struct conn	*conn;
	struct schema	*s = (struct schema *)&s;	/* to see it cleared */
	struct err	 err = ERR_INIT;

	(void)state;
	db_create(db, sizeof db, "error", NULL);
	conn = db_connect(db);
	/* an aborted transaction refuses every query that follows */
	db_exec(conn, "BEGIN");
	assert_int_equal(conn->dialect->exec(conn, "SELECT 1/0", &err),
	    MG_EDB);
	err_release(&err);
	assert_int_equal(conn->dialect->reflect(&s, conn, NULL, &err),
	    MG_EDB);
	assert_null(s);
	assert_non_null(err.msg);
	err_release(&err);
	db_close(conn);
	db_drop(db);
}

/*
 * Many tables (MIGRATE_TEST_MANY, default 200), each with a primary key,
 * a foreign key, a check and an index: the same number of catalog queries
 * as for the corpus, and all of them found.
 */
static void
test_reflect_postgres_many_tables(void **state)
{
	char		 db[96];
	struct conn	*conn;
	struct schema	*s;
	struct strbuf	 sql = STRBUF_INIT;
	const char	*env = getenv("MIGRATE_TEST_MANY");
	long		 n = env != NULL ? strtol(env, NULL, 10) : 200;
	size_t		 i, nq, nidx = 0, nfk = 0, nck = 0;
	struct timespec	 t0, t1;

	(void)state;
	db_create(db, sizeof db, "many", NULL);
	conn = db_connect(db);
	strbuf_addf(&sql, "DO $$ BEGIN FOR i IN 1..%ld LOOP EXECUTE format("
	    "'CREATE TABLE t%%s (id integer PRIMARY KEY, parent integer "
	    "REFERENCES t%%s (id), name text NOT NULL DEFAULT ''x'' "
	    "CHECK (name <> ''''), at timestamptz); "
	    "CREATE INDEX t%%s_name ON t%%s (lower(name)) WHERE at IS NULL', "
	    "i, i, i, i); END LOOP; END $$", n);
	db_exec(conn, sql.buf);
	strbuf_release(&sql);
	/* the second time on the connection, the server's caches are warm */
	for (i = 0; i < 2; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		s = reflect(conn, NULL, &nq);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		print_message("%ld tables: %zu queries, %.0f ms\n", n, nq,
		    (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
		if (i == 0)
			schema_free(s);
	}
	assert_int_equal(nq, corpus_nqueries != 0 ? corpus_nqueries : nq);
	assert_int_equal(s->ntables, (size_t)n);
	for (i = 0; i < s->ntables; i++) {
		assert_int_equal(s->tables[i]->ncolumns, 4);
		assert_non_null(s->tables[i]->pk);
		nidx += s->tables[i]->nindexes;
		nfk += s->tables[i]->nfks;
		nck += s->tables[i]->nchecks;
	}
	assert_int_equal(nidx, (size_t)n);
	assert_int_equal(nfk, (size_t)n);
	assert_int_equal(nck, (size_t)n);
	schema_free(s);
	db_close(conn);
	db_drop(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reflect_postgres_corpus),
		cmocka_unit_test(test_reflect_postgres_filter),
		cmocka_unit_test(test_reflect_postgres_edge_cases),
		cmocka_unit_test(test_reflect_postgres_error),
		cmocka_unit_test(test_reflect_postgres_many_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
