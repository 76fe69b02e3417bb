/*
 * SQLite reflection against real databases: every SQLite file of the
 * corpus (MIGRATE_CORPUS, default ../shared/corpus) loaded into memory and
 * reflected, its counts checked against the corpus README, and the facts
 * of edge-cases/sqlite.sql one by one.
 */
#include <stdlib.h>
#include <string.h>

#include "unit-db.h"

/* A fresh in-memory database with corpus file name loaded. */
static struct conn *
load_corpus(const char *name)
{
	const char	*dir = getenv("MIGRATE_CORPUS");
	struct strbuf	 path = STRBUF_INIT, text = STRBUF_INIT;
	struct err	 err = ERR_INIT;
	struct conn	*c = open_memory();

	strbuf_addf(&path, "%s/%s", dir != NULL && *dir != '\0' ? dir :
	    "../shared/corpus", name);
	if (strbuf_read_file(&text, path.buf) != 0)
		fail_msg("cannot read '%s'", path.buf);
	if (dialect_exec_script(c, path.buf, text.buf, text.len, NULL,
	    &err) != 0)
		fail_msg("%s:%u: %s", path.buf, err.line, err.msg);
	strbuf_release(&path);
	strbuf_release(&text);
	return c;
}

static struct schema *
reflect_ok(struct conn *c, const struct schema_filter *f)
{
	struct schema	*s = NULL;
	struct err	 err = ERR_INIT;

	assert_non_null(c->dialect->reflect);
	if (c->dialect->reflect(&s, c, f, &err) != 0)
		fail_msg("reflect: %s", err.msg);
	assert_non_null(s);
	return s;
}

struct counts {
	size_t	tables, columns, indexes, fks, checks, views, triggers;
	size_t	autoincrement, strict, without_rowid;
};

static void
count(struct counts *n, const struct schema *s)
{
	size_t	 i;

	memset(n, 0, sizeof *n);
	n->tables = s->ntables;
	n->views = s->nviews;
	n->triggers = s->ntriggers;
	for (i = 0; i < s->ntables; i++) {
		n->columns += s->tables[i]->ncolumns;
		n->indexes += s->tables[i]->nindexes;
		n->fks += s->tables[i]->nfks;
		n->checks += s->tables[i]->nchecks;
		n->autoincrement += s->tables[i]->autoincrement;
		n->strict += s->tables[i]->strict;
		n->without_rowid += s->tables[i]->without_rowid;
	}
}

static int
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static int
key_eq(const struct schema_key *a, const struct schema_key *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return str_eq(a->name, b->name) && strv_equal(&a->columns,
	    &b->columns) && a->deferrable == b->deferrable &&
	    a->initially_deferred == b->initially_deferred;
}

/* Field by field: what "reflecting twice gives equal results" means. */
static int
schema_eq(const struct schema *a, const struct schema *b)
{
	size_t	 i, j;

	if (a->ntables != b->ntables || a->nviews != b->nviews ||
	    a->ntriggers != b->ntriggers)
		return 0;
	for (i = 0; i < a->ntables; i++) {
		const struct schema_table	*x = a->tables[i];
		const struct schema_table	*y = b->tables[i];

		if (!str_eq(x->name, y->name) || !str_eq(x->sql, y->sql) ||
		    x->ncolumns != y->ncolumns || x->nuniques !=
		    y->nuniques || x->nfks != y->nfks || x->nchecks !=
		    y->nchecks || x->nindexes != y->nindexes ||
		    x->strict != y->strict || x->without_rowid !=
		    y->without_rowid || x->autoincrement != y->autoincrement ||
		    !key_eq(x->pk, y->pk))
			return 0;
		for (j = 0; j < x->ncolumns; j++) {
			const struct schema_column	*c = x->columns[j];
			const struct schema_column	*d = y->columns[j];

			if (!str_eq(c->name, d->name) ||
			    !str_eq(c->type, d->type) ||
			    c->notnull != d->notnull ||
			    !str_eq(c->default_sql, d->default_sql) ||
			    !str_eq(c->generated, d->generated) ||
			    c->generated_stored != d->generated_stored ||
			    !str_eq(c->collation, d->collation))
				return 0;
		}
		for (j = 0; j < x->nuniques; j++) {
			if (!key_eq(x->uniques[j], y->uniques[j]))
				return 0;
		}
		for (j = 0; j < x->nfks; j++) {
			const struct schema_fk	*f = x->fks[j];
			const struct schema_fk	*g = y->fks[j];

			if (!str_eq(f->name, g->name) ||
			    !strv_equal(&f->columns, &g->columns) ||
			    !str_eq(f->ref_table, g->ref_table) ||
			    !strv_equal(&f->ref_columns, &g->ref_columns) ||
			    !str_eq(f->on_delete, g->on_delete) ||
			    !str_eq(f->on_update, g->on_update) ||
			    !str_eq(f->match, g->match) ||
			    f->deferrable != g->deferrable ||
			    f->initially_deferred != g->initially_deferred)
				return 0;
		}
		for (j = 0; j < x->nchecks; j++) {
			if (!str_eq(x->checks[j]->name, y->checks[j]->name) ||
			    !str_eq(x->checks[j]->expr, y->checks[j]->expr))
				return 0;
		}
		for (j = 0; j < x->nindexes; j++) {
			const struct schema_index	*p = x->indexes[j];
			const struct schema_index	*q = y->indexes[j];

			if (!str_eq(p->name, q->name) || p->unique !=
			    q->unique || !strv_equal(&p->keys, &q->keys) ||
			    !str_eq(p->where, q->where) ||
			    !str_eq(p->sql, q->sql))
				return 0;
		}
	}
	for (i = 0; i < a->nviews; i++) {
		if (!str_eq(a->views[i]->name, b->views[i]->name) ||
		    !str_eq(a->views[i]->definition, b->views[i]->definition))
			return 0;
	}
	for (i = 0; i < a->ntriggers; i++) {
		if (!str_eq(a->triggers[i]->name, b->triggers[i]->name) ||
		    !str_eq(a->triggers[i]->table, b->triggers[i]->table) ||
		    !str_eq(a->triggers[i]->sql, b->triggers[i]->sql))
			return 0;
	}
	return 1;
}

/* The counts of ../shared/corpus/README.md, explicit indexes only. */
static const struct corpus_file {
	const char	*name;
	struct counts	 want;
} corpus_files[] = {
	{ "chinook/sqlite.sql", { 11, 64, 11, 11, 0, 0, 0, 0, 0, 0 } },
	{ "chinook/sqlite-autoincrement.sql",
	    { 11, 64, 11, 11, 0, 0, 0, 10, 0, 0 } },
	{ "sakila/sqlite.sql", { 16, 89, 24, 22, 2, 5, 30, 0, 0, 0 } },
	{ "northwind/sqlite.sql", { 13, 88, 0, 13, 7, 16, 0, 6, 0, 0 } },
	{ "edge-cases/sqlite.sql", { 9, 65, 8, 5, 11, 1, 4, 2, 2, 2 } },
	{ "blog/sqlite.sql", { 7, 31, 4, 7, 0, 0, 0, 0, 0, 0 } },
};

static void
test_reflect_sqlite_corpus_counts(void **state)
{
	struct counts	 n;
	struct schema	*s, *again;
	struct conn	*c;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof corpus_files / sizeof *corpus_files; i++) {
		const struct counts	*w = &corpus_files[i].want;

		c = load_corpus(corpus_files[i].name);
		s = reflect_ok(c, NULL);
		count(&n, s);
		print_message("%s: %zu tables, %zu columns, %zu indexes, "
		    "%zu fks, %zu checks, %zu views, %zu triggers\n",
		    corpus_files[i].name, n.tables, n.columns, n.indexes,
		    n.fks, n.checks, n.views, n.triggers);
		assert_int_equal(n.tables, w->tables);
		assert_int_equal(n.columns, w->columns);
		assert_int_equal(n.indexes, w->indexes);
		assert_int_equal(n.fks, w->fks);
		assert_int_equal(n.checks, w->checks);
		assert_int_equal(n.views, w->views);
		assert_int_equal(n.triggers, w->triggers);
		assert_int_equal(n.autoincrement, w->autoincrement);
		assert_int_equal(n.strict, w->strict);
		assert_int_equal(n.without_rowid, w->without_rowid);
		/* reflecting twice gives the same picture */
		again = reflect_ok(c, NULL);
		assert_true(schema_eq(s, again));
		schema_free(again);
		schema_free(s);
		dialect_disconnect(c);
	}
}

static struct schema_table *
table(const struct schema *s, const char *name)
{
	struct schema_table	*t = schema_find_table(s, NULL, name);

	if (t == NULL)
		fail_msg("no table '%s'", name);
	return t;
}

static struct schema_column *
column(const struct schema_table *t, const char *name)
{
	struct schema_column	*c = schema_find_column(t, name);

	if (c == NULL)
		fail_msg("no column '%s' in '%s'", name, t->name);
	return c;
}

static const struct schema_check *
check_named(const struct schema_table *t, const char *name)
{
	const struct schema_check	*c = schema_find_check(t, name);

	if (c == NULL)
		fail_msg("no check '%s' in '%s'", name != NULL ? name :
		    "(unnamed)", t->name);
	return c;
}

static const struct schema_index *
index_named(const struct schema_table *t, const char *name)
{
	const struct schema_index	*x = schema_find_index(t, name);

	if (x == NULL)
		fail_msg("no index '%s' on '%s'", name, t->name);
	return x;
}

static const struct schema_fk *
fk_to(const struct schema_table *t, const char *ref)
{
	size_t	 i;

	for (i = 0; i < t->nfks; i++) {
		if (strcmp(t->fks[i]->ref_table, ref) == 0)
			return t->fks[i];
	}
	fail_msg("no foreign key from '%s' to '%s'", t->name, ref);
	return NULL;
}

static void
assert_strv(const struct strv *v, const char *joined)
{
	struct strbuf	 sb = STRBUF_INIT;
	size_t		 i;

	for (i = 0; i < v->n; i++)
		strbuf_addf(&sb, "%s%s", i > 0 ? "|" : "", v->v[i]);
	assert_string_equal(sb.buf, joined);
	strbuf_release(&sb);
}

static void
test_reflect_sqlite_edge_cases(void **state)
{
	struct conn			*c;
	struct schema			*s;
	struct schema_table		*t;
	struct schema_column		*col;
	const struct schema_index	*x;
	const struct schema_fk		*fk;
	size_t				 i;

	(void)state;
	c = load_corpus("edge-cases/sqlite.sql");
	s = reflect_ok(c, NULL);
	/* "user": quoted names, AUTOINCREMENT, collation, defaults, checks */
	t = table(s, "user");
	assert_true(t->autoincrement);
	assert_false(t->strict);
	assert_false(t->without_rowid);
	assert_non_null(t->sql);
	assert_int_equal(t->ncolumns, 12);
	assert_string_equal(t->columns[0]->name, "id");
	assert_string_equal(t->columns[1]->name, "user");
	assert_string_equal(t->columns[2]->name, "Display Name");
	col = column(t, "user");
	assert_string_equal(col->type, "TEXT");
	assert_true(col->notnull);
	assert_string_equal(col->collation, "NOCASE");
	assert_null(column(t, "Display Name")->collation);
	assert_false(column(t, "Display Name")->notnull);
	assert_string_equal(column(t, "mood")->default_sql, "'happy'");
	assert_string_equal(column(t, "external_id")->default_sql,
	    "randomblob(16)");
	assert_string_equal(column(t, "created_at")->default_sql,
	    "CURRENT_TIMESTAMP");
	assert_string_equal(column(t, "balance")->type, "NUMERIC(12,2)");
	assert_null(column(t, "updated_at")->generated);
	assert_non_null(t->pk);
	assert_null(t->pk->name);
	assert_strv(&t->pk->columns, "id");
	assert_int_equal(t->nchecks, 4);
	assert_string_equal(check_named(t, "user_name_not_blank")->expr,
	    "length(trim(\"user\")) > 0");
	assert_int_equal(t->nuniques, 2);
	/* sorted by name: "user_eMail_key" < "user_external_id_key" */
	assert_string_equal(t->uniques[0]->name, "user_eMail_key");
	assert_strv(&t->uniques[0]->columns, "eMail");
	assert_string_equal(t->uniques[1]->name, "user_external_id_key");
	assert_strv(&t->uniques[1]->columns, "external_id");
	x = index_named(t, "user display name");
	assert_strv(&x->keys, "Display Name COLLATE NOCASE");
	x = index_named(t, "user_settings_theme_idx");
	assert_false(x->unique);
	assert_strv(&x->keys, "json_extract(settings, '$.theme')");
	assert_null(x->where);

	/* "order": generated columns, a named and an unnamed check, FK */
	t = table(s, "order");
	assert_false(t->autoincrement);
	col = column(t, "total");
	assert_string_equal(col->generated,
	    "round(subtotal * (1 + tax_rate), 2)");
	assert_true(col->generated_stored);
	col = column(t, "total_cents");
	assert_string_equal(col->generated,
	    "CAST(round(subtotal * (1 + tax_rate) * 100) AS INTEGER)");
	assert_false(col->generated_stored);
	assert_string_equal(column(t, "tax_rate")->default_sql, "0.2");
	assert_int_equal(t->nchecks, 3);
	assert_string_equal(check_named(t, "shipped_after_placed")->expr,
	    "shipped_at IS NULL OR shipped_at >= placed_at");
	assert_string_equal(check_named(t, NULL)->expr, "status IN "
	    "('pending', 'paid', 'shipped', 'cancelled', 'refunded')");
	fk = fk_to(t, "user");
	assert_null(fk->name);
	assert_strv(&fk->columns, "user");
	assert_strv(&fk->ref_columns, "id");
	assert_string_equal(fk->on_delete, "CASCADE");
	assert_string_equal(fk->on_update, "CASCADE");
	assert_false(fk->deferrable);
	x = index_named(t, "order_open_idx");
	assert_strv(&x->keys, "placed_at DESC");
	assert_string_equal(x->where, "status IN ('pending', 'paid')");
	assert_non_null(strstr(x->sql, "CREATE INDEX order_open_idx"));
	x = index_named(t, "order_user_placed_idx");
	assert_strv(&x->keys, "user|placed_at DESC");

	/* composite key, WITHOUT ROWID, deferrable FK */
	t = table(s, "Order Line");
	assert_true(t->without_rowid);
	assert_false(t->strict);
	assert_strv(&t->pk->columns, "order_id|line_no");
	assert_string_equal(column(t, "sku")->collation, "BINARY");
	assert_string_equal(column(t, "qty")->default_sql, "1");
	fk = fk_to(t, "order");
	assert_true(fk->deferrable);
	assert_true(fk->initially_deferred);
	assert_string_equal(fk->on_delete, "CASCADE");
	assert_string_equal(fk->on_update, "NO ACTION");
	assert_int_equal(t->nindexes, 1);
	assert_strv(&t->indexes[0]->keys, "sku|qty");

	/* a named composite FK onto a composite key; RESTRICT */
	t = table(s, "shipment");
	assert_strv(&t->pk->columns, "id");
	assert_string_equal(column(t, "id")->default_sql,
	    "lower(hex(randomblob(16)))");
	assert_string_equal(column(t, "carrier")->collation, "RTRIM");
	fk = fk_to(t, "Order Line");
	assert_string_equal(fk->name, "shipment_line_fk");
	assert_strv(&fk->columns, "order_id|line_no");
	assert_strv(&fk->ref_columns, "order_id|line_no");
	assert_string_equal(fk->on_delete, "RESTRICT");
	assert_string_equal(fk->on_update, "NO ACTION");
	assert_null(fk->match);
	assert_false(fk->deferrable);
	x = index_named(t, "shipment_tracking_key");
	assert_true(x->unique);

	/* self reference; unique expression and partial indexes */
	t = table(s, "category");
	assert_true(t->autoincrement);
	fk = fk_to(t, "category");
	assert_string_equal(fk->on_delete, "SET NULL");
	assert_string_equal(fk->on_update, "CASCADE");
	assert_string_equal(check_named(t, "category_not_own_parent")->expr,
	    "parent_id IS NULL OR parent_id <> id");
	x = index_named(t, "category_slug_lower_key");
	assert_true(x->unique);
	assert_strv(&x->keys, "lower(slug)");
	x = index_named(t, "category_root_name_key");
	assert_true(x->unique);
	assert_strv(&x->keys, "Name");
	assert_string_equal(x->where, "parent_id IS NULL");

	/* [brackets], `backticks`, an embedded quote, non-ASCII */
	t = table(s, "ProductVariant");
	assert_strv(&t->pk->columns, "ProductID|VariantCode");
	assert_string_equal(t->columns[3]->name, "say \"cheese\"");
	assert_string_equal(t->columns[4]->name, "prix_réduit");
	fk = fk_to(t, "category");
	assert_string_equal(fk->on_delete, "SET DEFAULT");
	assert_strv(&fk->columns, "categoryId");

	/* STRICT; no primary key */
	t = table(s, "type_zoo");
	assert_true(t->strict);
	assert_false(t->without_rowid);
	assert_null(t->pk);
	assert_string_equal(column(t, "c_blob")->default_sql, "x'00ff'");
	assert_string_equal(column(t, "c_negative")->default_sql, "-1");
	assert_string_equal(column(t, "c_null_def")->default_sql, "NULL");
	assert_null(column(t, "c_int")->default_sql);

	/* declared types kept as written */
	t = table(s, "affinity_zoo");
	assert_string_equal(column(t, "c_unsigned")->type,
	    "UNSIGNED BIG INT");
	assert_string_equal(column(t, "c_double")->type, "DOUBLE PRECISION");
	assert_string_equal(column(t, "c_untyped")->type, "");

	/* STRICT and WITHOUT ROWID; comments inside the column list */
	t = table(s, "key value");
	assert_true(t->strict);
	assert_true(t->without_rowid);
	assert_int_equal(t->ncolumns, 3);
	assert_string_equal(check_named(t, NULL)->expr,
	    "ttl IS NULL OR ttl > 0");

	/* the view's SELECT, the triggers */
	assert_int_equal(s->nviews, 1);
	assert_string_equal(s->views[0]->name, "Open Orders");
	assert_true(strncmp(s->views[0]->definition, "SELECT o.id", 11) == 0);
	assert_non_null(strstr(s->views[0]->definition,
	    "WHERE o.status IN ('pending', 'paid')"));
	assert_int_equal(s->ntriggers, 4);
	for (i = 0; i < s->ntriggers; i++) {
		assert_true(strncmp(s->triggers[i]->sql, "CREATE TRIGGER",
		    14) == 0);
		if (strcmp(s->triggers[i]->name, "Open Orders cancel") == 0)
			assert_string_equal(s->triggers[i]->table,
			    "Open Orders");
		if (strcmp(s->triggers[i]->name, "order_shipped") == 0)
			assert_string_equal(s->triggers[i]->table, "order");
	}
	schema_free(s);
	dialect_disconnect(c);
}

/* A column-level CONSTRAINT name on keys; an FK that names no column. */
static void
test_reflect_sqlite_constraint_names(void **state)
{
	struct conn		*c = open_memory();
	struct schema		*s;
	struct schema_table	*t;

	(void)state;
	exec_ok(c, "CREATE TABLE p (id INTEGER CONSTRAINT p_pk PRIMARY KEY, "
	    "code TEXT CONSTRAINT p_code_key UNIQUE, a INT, b INT, "
	    "UNIQUE (a, b));\n"
	    "CREATE TABLE q (pid INTEGER CONSTRAINT q_p_fk REFERENCES p "
	    "MATCH FULL NOT DEFERRABLE, "
	    "x TEXT CONSTRAINT \"x, \"\"checked\"\"\" "
	    "CHECK (x <> ')' /* ) */), "
	    "y INT, CONSTRAINT q_pk PRIMARY KEY (y));\n"
	    "CREATE TABLE r (a INT, "
	    "CONSTRAINT r_first FOREIGN KEY (a) REFERENCES p (id) "
	    "ON DELETE CASCADE, "
	    "CONSTRAINT r_second FOREIGN KEY (a) REFERENCES p (id) "
	    "ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED);\n");
	s = reflect_ok(c, NULL);
	t = table(s, "p");
	assert_string_equal(t->pk->name, "p_pk");
	assert_int_equal(t->nuniques, 2);
	assert_string_equal(t->uniques[0]->name, "p_code_key");
	assert_null(t->uniques[1]->name);
	assert_strv(&t->uniques[1]->columns, "a|b");
	t = table(s, "q");
	assert_string_equal(t->pk->name, "q_pk");
	assert_strv(&t->pk->columns, "y");
	assert_int_equal(t->nfks, 1);
	assert_string_equal(t->fks[0]->name, "q_p_fk");
	assert_int_equal(t->fks[0]->ref_columns.n, 0);
	assert_string_equal(t->fks[0]->ref_table, "p");
	assert_string_equal(t->fks[0]->match, "FULL");
	assert_false(t->fks[0]->deferrable);
	assert_int_equal(t->nchecks, 1);
	assert_string_equal(t->checks[0]->name, "x, \"checked\"");
	/* the comment holding a ')' neither ends it nor is part of it */
	assert_string_equal(t->checks[0]->expr, "x <> ')'");
	/* twin foreign keys keep their own names and clauses */
	t = table(s, "r");
	assert_int_equal(t->nfks, 2);
	assert_string_equal(t->fks[0]->name, "r_first");
	assert_string_equal(t->fks[0]->on_delete, "CASCADE");
	assert_false(t->fks[0]->deferrable);
	assert_string_equal(t->fks[1]->name, "r_second");
	assert_string_equal(t->fks[1]->on_delete, "SET NULL");
	assert_true(t->fks[1]->deferrable);
	assert_true(t->fks[1]->initially_deferred);
	schema_free(s);
	dialect_disconnect(c);
}

/* The version and history tables and filtered tables are left out. */
static void
test_reflect_sqlite_filter(void **state)
{
	struct conn		*c = open_memory();
	struct schema		*s;
	struct strv		 exclude = { NULL, 0 };
	struct schema_filter	 f = { NULL, NULL, NULL, NULL, NULL };

	(void)state;
	exec_ok(c, "CREATE TABLE migrate_version (version_num TEXT);\n"
	    "CREATE TABLE migrate_history (id INTEGER PRIMARY KEY "
	    "AUTOINCREMENT, x TEXT);\n"
	    "CREATE TABLE my_version (v TEXT);\n"
	    "CREATE TABLE keep (id INTEGER PRIMARY KEY);\n"
	    "CREATE TABLE tmp_scratch (id INTEGER REFERENCES keep, "
	    "t TEXT UNIQUE);\n"
	    "CREATE INDEX tmp_scratch_t ON tmp_scratch (t);\n"
	    "CREATE TRIGGER tmp_trg AFTER INSERT ON tmp_scratch "
	    "BEGIN SELECT 1; END;\n");
	/* without a filter, the default names are still ours */
	s = reflect_ok(c, NULL);
	assert_int_equal(s->ntables, 3);
	assert_null(schema_find_table(s, NULL, "migrate_version"));
	assert_null(schema_find_table(s, NULL, "migrate_history"));
	assert_null(schema_find_table(s, NULL, "sqlite_sequence"));
	schema_free(s);

	strv_push(&exclude, "tmp_*");
	f.exclude = &exclude;
	f.version_table = "my_version";
	f.history_table = "migrate_history";
	s = reflect_ok(c, &f);
	assert_int_equal(s->ntables, 2);
	assert_non_null(schema_find_table(s, NULL, "keep"));
	assert_non_null(schema_find_table(s, NULL, "migrate_version"));
	assert_null(schema_find_table(s, NULL, "my_version"));
	assert_int_equal(s->ntriggers, 0);
	schema_free(s);
	strv_release(&exclude);
	dialect_disconnect(c);
}

static void
test_reflect_sqlite_empty_database(void **state)
{
	struct conn	*c = open_memory();
	struct schema	*s = reflect_ok(c, NULL);

	(void)state;
	assert_int_equal(s->ntables, 0);
	assert_int_equal(s->nviews, 0);
	assert_int_equal(s->ntriggers, 0);
	schema_free(s);
	dialect_disconnect(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reflect_sqlite_empty_database),
		cmocka_unit_test(test_reflect_sqlite_corpus_counts),
		cmocka_unit_test(test_reflect_sqlite_edge_cases),
		cmocka_unit_test(test_reflect_sqlite_constraint_names),
		cmocka_unit_test(test_reflect_sqlite_filter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
