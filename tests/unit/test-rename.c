/*
 * rename: hints read from model text and --rename, resolved against two
 * schemas; and the ops diff_schemas_renamed makes of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "rename.h"

static struct schema_table *
table(struct schema *s, const char *name, const char *cols)
{
	struct schema_table	*t = schema_add_table(s, NULL, name);
	char			*copy = xstrdup(cols), *p, *save = NULL;

	for (p = strtok_r(copy, " ", &save); p != NULL;
	    p = strtok_r(NULL, " ", &save))
		schema_add_column(t, p, "integer");
	xfree(copy);
	return t;
}

static void
key(struct schema_table *t, const char *name, const char *col)
{
	t->pk = xcalloc(1, sizeof *t->pk);
	t->pk->name = xstrdup(name);
	strv_push(&t->pk->columns, col);
}

/* The hints of text as "table.column<-from@line; ...". */
static void
expect_hints(const char *text, enum sql_flavor flavor, const char *want)
{
	struct rename_hints	 h = RENAME_HINTS_INIT;
	struct err		 err = ERR_INIT;
	struct strbuf		 sb = STRBUF_INIT;
	size_t			 i;

	if (rename_hints_scan(&h, "m.sql", text, flavor, &err) != 0)
		fail_msg("scan: %s", err.msg);
	for (i = 0; i < h.n; i++)
		strbuf_addf(&sb, "%s%s%s%s<-%s@%u", i ? "; " : "",
		    h.v[i].table, h.v[i].column != NULL ? "." : "",
		    h.v[i].column != NULL ? h.v[i].column : "", h.v[i].from,
		    h.v[i].line);
	if (strcmp(sb.len ? sb.buf : "", want) != 0)
		fail_msg("hints:\n  got  %s\n  want %s", sb.len ? sb.buf : "",
		    want);
	strbuf_release(&sb);
	rename_hints_release(&h);
	err_release(&err);
}

static void
expect_scan_error(const char *text, unsigned line, const char *msg)
{
	struct rename_hints	 h = RENAME_HINTS_INIT;
	struct err		 err = ERR_INIT;

	assert_int_equal(rename_hints_scan(&h, "m.sql", text, SQL_SQLITE,
	    &err), MG_ECONFIG);
	assert_string_equal(err.path, "m.sql");
	assert_int_equal(err.line, line);
	if (strstr(err.msg, msg) == NULL)
		fail_msg("error '%s' does not say '%s'", err.msg, msg);
	rename_hints_release(&h);
	err_release(&err);
}

static void
test_rename_scan(void **state)
{
	(void)state;
	expect_hints("CREATE TABLE people ( -- migrate:renamed-from persons\n"
	    "    id integer PRIMARY KEY,\n"
	    "    full_name text, -- migrate:renamed-from name\n"
	    "    \"Age\" integer -- migrate:renamed-from \"Years\"\n"
	    ");\n", SQL_SQLITE,
	    "people<-persons@1; people.full_name<-name@3; people.Age<-Years@4");
	/* PostgreSQL folds bare names, not quoted ones */
	expect_hints("create table People (\n"
	    "  FullName text -- migrate:renamed-from Name\n"
	    ");\n", SQL_POSTGRES, "people.fullname<-name@2");
	/* hints in strings and other comments are not hints */
	expect_hints("CREATE TABLE t (a text DEFAULT '-- migrate:renamed-from "
	    "x');\n/* -- migrate:renamed-from y */\n"
	    "CREATE VIEW v AS SELECT 1; -- nothing\n", SQL_SQLITE, "");
	/* a schema-qualified table, and the column on a later line */
	expect_hints("CREATE TABLE app.t (\n  a int,\n  b int, "
	    "-- migrate:renamed-from c\n  CONSTRAINT k UNIQUE (a)\n);\n",
	    SQL_POSTGRES, "t.b<-c@3");
}

static void
test_rename_scan_errors(void **state)
{
	(void)state;
	expect_scan_error("-- migrate:renamed-from x\nCREATE TABLE t (a int);\n",
	    1, "renamed-from");
	expect_scan_error("CREATE TABLE t (\n  a int,\n"
	    "  CONSTRAINT k UNIQUE (a) -- migrate:renamed-from b\n);\n", 3,
	    "renamed-from");
	expect_scan_error("CREATE TABLE t (\n  a int -- migrate:renamed-from\n"
	    ");\n", 2, "renamed-from");
	expect_scan_error("CREATE TABLE t (\n"
	    "  a int, -- migrate:renamed-from b\n"
	    "  c int -- migrate:renamed-from b\n);\n", 3, "b");
}

static void
test_rename_arg(void **state)
{
	struct rename_hints	 h = RENAME_HINTS_INIT;
	struct err		 err = ERR_INIT;
	static const char *const bad[] = {
		"", "a", "=b", "a=", "a.b=c", "a=b.c", "a.b=c.d.e.f",
		"a..b=a.c", "a=b=c", NULL
	};
	size_t			 i;

	(void)state;
	assert_int_equal(rename_hints_arg(&h, "persons=people", SQL_SQLITE,
	    &err), 0);
	assert_int_equal(rename_hints_arg(&h, "users.name=users.full_name",
	    SQL_SQLITE, &err), 0);
	assert_int_equal(h.n, 2);
	assert_string_equal(h.v[0].table, "people");
	assert_string_equal(h.v[0].from, "persons");
	assert_null(h.v[0].column);
	assert_null(h.v[0].file);
	assert_string_equal(h.v[1].table, "users");
	assert_string_equal(h.v[1].column, "full_name");
	assert_string_equal(h.v[1].from, "name");
	for (i = 0; bad[i] != NULL; i++) {
		if (rename_hints_arg(&h, bad[i], SQL_SQLITE, &err) !=
		    MG_EUSAGE)
			fail_msg("--rename '%s' was taken", bad[i]);
		err_release(&err);
	}
	rename_hints_release(&h);
}

/* Resolve the hints of text and args; "" or the error's message. */
static char *
resolve(const struct schema *from, const struct schema *to,
    const char *text, const char *arg, struct diff_renames *out)
{
	struct rename_hints	 h = RENAME_HINTS_INIT;
	struct err		 err = ERR_INIT;
	char			*msg;

	if (text != NULL)
		assert_int_equal(rename_hints_scan(&h, "m.sql", text,
		    SQL_SQLITE, &err), 0);
	if (arg != NULL)
		assert_int_equal(rename_hints_arg(&h, arg, SQL_SQLITE, &err),
		    0);
	msg = xstrdup(rename_resolve(out, &h, from, to, SQL_SQLITE,
	    &err) == 0 ? "" : err.msg);
	rename_hints_release(&h);
	err_release(&err);
	return msg;
}

static void
test_rename_resolve(void **state)
{
	struct schema		*db = schema_new(), *model = schema_new();
	struct diff_renames	 r = DIFF_RENAMES_INIT;
	char			*msg;
	static const char	 hint[] =
	    "CREATE TABLE people ( -- migrate:renamed-from persons\n"
	    "  id int,\n  full_name int -- migrate:renamed-from name\n);\n";

	(void)state;
	table(db, "persons", "id name");
	table(model, "people", "id full_name");
	msg = resolve(db, model, hint, NULL, &r);
	assert_string_equal(msg, "");
	xfree(msg);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.v[0].ft->name, "persons");
	assert_string_equal(r.v[0].tt->name, "people");
	assert_null(r.v[0].fc);
	assert_string_equal(r.v[1].fc->name, "name");
	assert_string_equal(r.v[1].tc->name, "full_name");
	diff_renames_release(&r);

	/* --rename names what the database does not have */
	msg = resolve(db, model, NULL, "nobody=people", &r);
	assert_non_null(strstr(msg, "nobody"));
	xfree(msg);
	assert_int_equal(r.n, 0);
	msg = resolve(db, model, NULL, "people.x=people.full_name", &r);
	assert_non_null(strstr(msg, "x"));
	xfree(msg);
	schema_free(db);

	/* carried out already: the model's hint does nothing */
	db = schema_new();
	table(db, "people", "id full_name");
	msg = resolve(db, model, hint, NULL, &r);
	assert_string_equal(msg, "");
	assert_int_equal(r.n, 0);
	xfree(msg);
	schema_free(db);

	/* a typo where the diff would drop a column: an error, not a drop */
	db = schema_new();
	table(db, "people", "id name");
	msg = resolve(db, model, "CREATE TABLE people (\n  id int,\n"
	    "  full_name int -- migrate:renamed-from nmae\n);\n", NULL, &r);
	assert_non_null(strstr(msg, "nmae"));
	assert_non_null(strstr(msg, "drop"));
	xfree(msg);
	assert_int_equal(r.n, 0);
	/* both names in the database: which one is meant? */
	schema_add_column(db->tables[0], "full_name", "integer");
	msg = resolve(db, model, hint, NULL, &r);
	assert_non_null(strstr(msg, "both"));
	xfree(msg);
	schema_free(db);
	schema_free(model);

	/* SQLite: a name that differs only in case is renamed, unasked */
	db = schema_new();
	model = schema_new();
	table(db, "Foo", "Id Name other");
	table(model, "foo", "id Name other");
	msg = resolve(db, model, NULL, NULL, &r);
	assert_string_equal(msg, "");
	xfree(msg);
	assert_int_equal(r.n, 2);
	assert_null(r.v[0].fc);
	assert_string_equal(r.v[0].tt->name, "foo");
	assert_string_equal(r.v[1].fc->name, "Id");
	assert_string_equal(r.v[1].tc->name, "id");
	diff_renames_release(&r);
	schema_free(db);
	schema_free(model);
}

/* The ops as "kind table[ old>new]; ...". */
static void
expect_ops(const struct schema *from, const struct schema *to,
    const struct diff_renames *r, const char *want)
{
	struct diff	 d;
	struct strbuf	 sb = STRBUF_INIT;
	size_t		 i;

	diff_schemas_renamed(&d, from, to, r);
	for (i = 0; i < d.n; i++) {
		const struct op	*op = &d.v[i];

		strbuf_addf(&sb, "%s%s %s", i ? "; " : "",
		    diff_op_name(op->kind), op->table->name);
		if (op->kind == OP_RENAME_COLUMN)
			strbuf_addf(&sb, " %s>%s",
			    ((const struct schema_column *)op->old)->name,
			    ((const struct schema_column *)op->new)->name);
		else if (op->kind == OP_RENAME_TABLE)
			strbuf_addf(&sb, " %s>",
			    ((const struct schema_table *)op->old)->name);
		else if (op->old_name != NULL)
			strbuf_addf(&sb, " %s>%s", op->old_name,
			    op->new_name);
		if (op->warning != NULL)
			strbuf_addstr(&sb, " !");
	}
	if (strcmp(sb.len ? sb.buf : "", want) != 0)
		fail_msg("ops:\n  got  %s\n  want %s", sb.len ? sb.buf : "",
		    want);
	strbuf_release(&sb);
	diff_release(&d);
}

static void
test_rename_ops(void **state)
{
	struct schema		*db = schema_new(), *model = schema_new();
	struct schema_table	*ft, *tt, *child;
	struct schema_index	*x;
	struct schema_fk	*f;
	struct diff_renames	 r = DIFF_RENAMES_INIT, back = DIFF_RENAMES_INIT;

	(void)state;
	ft = table(db, "persons", "id name");
	key(ft, "persons_pkey", "id");
	x = schema_add_index(ft, "ix_name");
	strv_push(&x->keys, "name");
	child = table(db, "pets", "id owner");
	f = schema_add_fk(child);
	f->name = xstrdup("fk_owner");
	strv_push(&f->columns, "owner");
	f->ref_table = xstrdup("persons");
	strv_push(&f->ref_columns, "id");

	tt = table(model, "people", "id full_name");
	key(tt, "people_pkey", "id");
	x = schema_add_index(tt, "ix_full_name");
	strv_push(&x->keys, "full_name");
	child = table(model, "pets", "id owner");
	f = schema_add_fk(child);
	f->name = xstrdup("fk_owner");
	strv_push(&f->columns, "owner");
	f->ref_table = xstrdup("people");
	strv_push(&f->ref_columns, "id");

	/* without renames: a drop and a create, and a suggestion */
	expect_ops(db, model, NULL, "drop foreign key pets; "
	    "create table people; create index people; "
	    "drop table persons !; add foreign key pets");
	/*
	 * with them: the renames, then the key and index named after the
	 * old names follow (the child's foreign key is compared under the
	 * new name, so it stays)
	 */
	diff_renames_add(&r, ft, tt, NULL, NULL);
	diff_renames_add(&r, ft, tt, ft->columns[1], tt->columns[1]);
	expect_ops(db, model, &r, "rename table people persons>; "
	    "rename column people name>full_name; "
	    "rename index people ix_name>ix_full_name; "
	    "rename constraint people persons_pkey>people_pkey");
	diff_renames_reverse(&back, &r);
	expect_ops(model, db, &back, "rename table persons people>; "
	    "rename column persons full_name>name; "
	    "rename index persons ix_full_name>ix_name; "
	    "rename constraint persons people_pkey>persons_pkey");
	diff_renames_release(&r);
	diff_renames_release(&back);
	schema_free(db);
	schema_free(model);
}

static void
test_rename_suggestions(void **state)
{
	struct schema	*db = schema_new(), *model = schema_new();
	struct diff	 d;

	(void)state;
	table(db, "persons", "id name");
	table(db, "pets", "id label");
	table(model, "people", "id name");
	table(model, "pets", "id title");
	diff_schemas(&d, db, model);
	assert_int_equal(d.suggestions.n, 2);
	assert_non_null(strstr(d.suggestions.v[0], "pets.label=pets.title"));
	assert_non_null(strstr(d.suggestions.v[1],
	    "-- migrate:renamed-from persons"));
	assert_non_null(strstr(d.suggestions.v[1], "--rename persons=people"));
	diff_release(&d);
	/* another shape: no suggestion */
	schema_add_column(model->tables[0], "age", "integer");
	schema_add_column(model->tables[1], "age", "text");
	xfree(model->tables[1]->columns[1]->type);
	model->tables[1]->columns[1]->type = xstrdup("text");
	diff_schemas(&d, db, model);
	assert_int_equal(d.suggestions.n, 0);
	diff_release(&d);
	schema_free(db);
	schema_free(model);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rename_scan),
		cmocka_unit_test(test_rename_scan_errors),
		cmocka_unit_test(test_rename_arg),
		cmocka_unit_test(test_rename_resolve),
		cmocka_unit_test(test_rename_ops),
		cmocka_unit_test(test_rename_suggestions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
