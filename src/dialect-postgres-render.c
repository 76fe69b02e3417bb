/*
 * PostgreSQL: a diff as SQL. Plain DDL, one statement per op (a few ops
 * take two), names always quoted and qualified with their schema; a
 * "-- WARNING:" line before what can lose data.
 */
#include <ctype.h>
#include <string.h>

#include "dialect.h"

static void
pg_render_ident(struct strbuf *out, const char *name)
{
	dialect_quote_ident_std(out, name);
}

/* "schema"."name", or "name" when there is no schema. */
static void
pg_render_name(struct strbuf *out, const char *nspace, const char *name)
{
	if (nspace != NULL) {
		pg_render_ident(out, nspace);
		strbuf_addch(out, '.');
	}
	pg_render_ident(out, name);
}

static void
pg_render_table(struct strbuf *out, const struct schema_table *t)
{
	pg_render_name(out, t->schema, t->name);
}

static void
pg_render_list(struct strbuf *out, const struct strv *v)
{
	size_t	 i;

	strbuf_addch(out, '(');
	for (i = 0; i < v->n; i++) {
		if (i > 0)
			strbuf_addstr(out, ", ");
		pg_render_ident(out, v->v[i]);
	}
	strbuf_addch(out, ')');
}

static void
pg_render_alter(struct strbuf *out, const struct schema_table *t)
{
	strbuf_addstr(out, "ALTER TABLE ");
	pg_render_table(out, t);
	strbuf_addch(out, ' ');
}

/*
 * A name as PostgreSQL prints it (format_type, regclass): quoted unless
 * it is all lower-case letters, digits and '_' (keywords aside, which
 * these names do not meet); in_literal doubles single quotes too, for a
 * name inside a string literal.
 */
static void
pg_render_printed_name(struct strbuf *out, const char *name, int in_literal)
{
	const char	*p;
	int		 plain = !isdigit((unsigned char)name[0]);

	for (p = name; *p != '\0' && plain; p++)
		plain = islower((unsigned char)*p) ||
		    isdigit((unsigned char)*p) || *p == '_';
	if (plain) {
		strbuf_addstr(out, name);
		return;
	}
	strbuf_addch(out, '"');
	for (p = name; *p != '\0'; p++) {
		if (*p == '"')
			strbuf_addch(out, '"');
		if (*p == '\'' && in_literal)
			strbuf_addch(out, '\'');
		strbuf_addch(out, *p);
	}
	strbuf_addch(out, '"');
}

/* A name as regclass prints it inside nextval('...'). */
static void
pg_render_regclass_name(struct strbuf *out, const char *name)
{
	pg_render_printed_name(out, name, 1);
}

/* Whether s declares sequence nspace.name itself (not a serial's). */
static int
pg_render_has_sequence(const struct schema *s, const char *nspace,
    const char *name)
{
	size_t	 i;

	for (i = 0; s != NULL && i < s->nobjects; i++) {
		const struct schema_object	*o = s->objects[i];

		if (o->kind == SCHEMA_OBJ_SEQUENCE &&
		    strcmp(o->name, name) == 0 &&
		    (nspace == NULL || o->schema == NULL ||
		    strcmp(o->schema, nspace) == 0))
			return 1;
	}
	return 0;
}

/*
 * A serial column: an integer whose default is nextval() of the sequence
 * PostgreSQL would name for it. Rendered as serial, which makes that
 * sequence; any other nextval() default needs its sequence first.
 */
static const char *
pg_render_serial(const struct schema *s, const struct schema_table *t,
    const struct schema_column *c)
{
	struct strbuf	 seq = STRBUF_INIT, want = STRBUF_INIT;
	struct strbuf	 qual = STRBUF_INIT;
	const char	*serial = NULL;

	if (c->default_sql == NULL || c->identity != 0 ||
	    strncmp(c->default_sql, "nextval(", 8) != 0)
		return NULL;
	/* the sequence's name, bare or under its schema (off search_path) */
	strbuf_addf(&seq, "%s_%s_seq", t->name, c->name);
	strbuf_addstr(&want, "nextval('");
	pg_render_regclass_name(&want, seq.buf);
	strbuf_addstr(&want, "'::regclass)");
	if (t->schema != NULL) {
		strbuf_addstr(&qual, "nextval('");
		pg_render_regclass_name(&qual, t->schema);
		strbuf_addch(&qual, '.');
		pg_render_regclass_name(&qual, seq.buf);
		strbuf_addstr(&qual, "'::regclass)");
	}
	if (strcmp(c->default_sql, want.buf) == 0 || (qual.len > 0 &&
	    strcmp(c->default_sql, qual.buf) == 0)) {
		if (strcmp(c->type, "integer") == 0)
			serial = "serial";
		else if (strcmp(c->type, "bigint") == 0)
			serial = "bigserial";
		else if (strcmp(c->type, "smallint") == 0)
			serial = "smallserial";
		/* a sequence the model makes itself is not the serial's */
		if (serial != NULL && pg_render_has_sequence(s, t->schema,
		    seq.buf))
			serial = NULL;
	}
	strbuf_release(&seq);
	strbuf_release(&want);
	strbuf_release(&qual);
	return serial;
}

/* " (START WITH 9 ...)": an identity's options, if any. */
static void
pg_render_identity_options(struct strbuf *out, const struct schema_column *c)
{
	size_t	 i;

	if (c->identity_options.n == 0)
		return;
	strbuf_addstr(out, " (");
	for (i = 0; i < c->identity_options.n; i++)
		strbuf_addf(out, "%s%s", i > 0 ? " " : "",
		    c->identity_options.v[i]);
	strbuf_addch(out, ')');
}

/*
 * " SET START WITH 9 ...": the options of c's identity that are not
 * those of o's, and the defaults again for those c has no longer.
 */
static void
pg_render_identity_set(struct strbuf *out, const struct schema_column *o,
    const struct schema_column *c)
{
	static const char *const resets[][2] = {
		{ "INCREMENT BY ", "INCREMENT BY 1" },
		{ "MINVALUE ", "NO MINVALUE" },
		{ "MAXVALUE ", "NO MAXVALUE" },
		{ "START WITH ", "START WITH 1" },
		{ "CACHE ", "CACHE 1" },
		{ "CYCLE", "NO CYCLE" }
	};
	size_t	 i, j, k;

	for (i = 0; i < o->identity_options.n; i++) {
		for (k = 0; k < sizeof resets / sizeof resets[0]; k++) {
			size_t	 n = strlen(resets[k][0]);

			if (strncmp(o->identity_options.v[i], resets[k][0],
			    n) != 0)
				continue;
			for (j = 0; j < c->identity_options.n; j++) {
				if (strncmp(c->identity_options.v[j],
				    resets[k][0], n) == 0)
					break;
			}
			if (j == c->identity_options.n)
				strbuf_addf(out, " SET %s", resets[k][1]);
			break;
		}
	}
	for (j = 0; j < c->identity_options.n; j++) {
		for (i = 0; i < o->identity_options.n; i++) {
			if (strcmp(o->identity_options.v[i],
			    c->identity_options.v[j]) == 0)
				break;
		}
		if (i == o->identity_options.n)
			strbuf_addf(out, " SET %s", c->identity_options.v[j]);
	}
}

static void
pg_render_column(struct strbuf *out, const struct schema *s,
    const struct schema_table *t, const struct schema_column *c)
{
	const char	*serial = pg_render_serial(s, t, c);

	pg_render_ident(out, c->name);
	strbuf_addf(out, " %s", serial != NULL ? serial : c->type);
	if (c->collation != NULL)
		strbuf_addf(out, " COLLATE %s", c->collation);
	if (c->generated != NULL)
		strbuf_addf(out, " GENERATED ALWAYS AS (%s) STORED",
		    c->generated);
	if (c->identity != 0) {
		strbuf_addf(out, " GENERATED %s AS IDENTITY",
		    c->identity == 'a' ? "ALWAYS" : "BY DEFAULT");
		pg_render_identity_options(out, c);
	}
	if (c->default_sql != NULL && serial == NULL && c->generated == NULL)
		strbuf_addf(out, " DEFAULT %s", c->default_sql);
	if (c->notnull)
		strbuf_addstr(out, " NOT NULL");
}

static void
pg_render_constraint_name(struct strbuf *out, const char *name)
{
	if (name != NULL) {
		strbuf_addstr(out, "CONSTRAINT ");
		pg_render_ident(out, name);
		strbuf_addch(out, ' ');
	}
}

static void
pg_render_deferrable(struct strbuf *out, int deferrable, int deferred)
{
	if (deferrable)
		strbuf_addf(out, " DEFERRABLE INITIALLY %s", deferred ?
		    "DEFERRED" : "IMMEDIATE");
}

static void
pg_render_key(struct strbuf *out, const char *what,
    const struct schema_key *k)
{
	pg_render_constraint_name(out, k->name);
	strbuf_addf(out, "%s ", what);
	pg_render_list(out, &k->columns);
	pg_render_deferrable(out, k->deferrable, k->initially_deferred);
}

static void
pg_render_fk(struct strbuf *out, const struct schema_table *t,
    const struct schema_fk *f)
{
	pg_render_constraint_name(out, f->name);
	strbuf_addstr(out, "FOREIGN KEY ");
	pg_render_list(out, &f->columns);
	strbuf_addstr(out, " REFERENCES ");
	pg_render_name(out, f->ref_schema != NULL ? f->ref_schema :
	    t->schema, f->ref_table);
	if (f->ref_columns.n > 0) {
		strbuf_addch(out, ' ');
		pg_render_list(out, &f->ref_columns);
	}
	if (f->match != NULL && strcmp(f->match, "SIMPLE") != 0)
		strbuf_addf(out, " MATCH %s", f->match);
	if (f->on_delete != NULL && strcmp(f->on_delete, "NO ACTION") != 0)
		strbuf_addf(out, " ON DELETE %s", f->on_delete);
	if (f->on_update != NULL && strcmp(f->on_update, "NO ACTION") != 0)
		strbuf_addf(out, " ON UPDATE %s", f->on_update);
	pg_render_deferrable(out, f->deferrable, f->initially_deferred);
	if (f->not_valid)
		strbuf_addstr(out, " NOT VALID");
}

static void
pg_render_check(struct strbuf *out, const struct schema_check *c)
{
	pg_render_constraint_name(out, c->name);
	strbuf_addf(out, "CHECK (%s)", c->expr);
	if (c->not_valid)
		strbuf_addstr(out, " NOT VALID");
}

/* Whether the diff adds fk by itself (a foreign key of a cycle). */
static int
pg_render_fk_later(const struct diff *d, const struct schema_fk *fk)
{
	size_t	 i;

	for (i = 0; i < d->n; i++) {
		if (d->v[i].kind == OP_ADD_FK && d->v[i].new == fk)
			return 1;
	}
	return 0;
}

/* The table t's i-th parent is in (in s), or NULL. */
static const struct schema_table *
pg_render_parent(const struct schema *s, const struct schema_table *t,
    size_t i)
{
	return schema_find_table(s, i < t->parent_schemas.n ?
	    t->parent_schemas.v[i] : t->schema, t->parents.v[i]);
}

/* The column of a parent of t (in s) that t has name from, or NULL. */
static const struct schema_column *
pg_render_inherited(const struct schema *s, const struct schema_table *t,
    const char *name)
{
	const struct schema_table	*p;
	const struct schema_column	*c;
	size_t				 i;

	for (i = 0; i < t->parents.n; i++) {
		if ((p = pg_render_parent(s, t, i)) != NULL &&
		    (c = schema_find_column(p, name)) != NULL)
			return c;
	}
	return NULL;
}

static void
pg_render_parent_name(struct strbuf *out, const struct schema_table *t,
    size_t i)
{
	pg_render_name(out, i < t->parent_schemas.n ?
	    t->parent_schemas.v[i] : t->schema, t->parents.v[i]);
}

/*
 * CREATE TABLE; a partition is made PARTITION OF its parent and a child
 * INHERITS, both without the columns they have from their parents, whose
 * defaults and NOT NULL they may then set otherwise.
 */
static void
pg_render_create_table(struct strbuf *out, const struct diff *d,
    const struct schema *to, const struct schema_table *t)
{
	const struct schema_column	*pc;
	size_t				 i;
	int				 n = 0;

	strbuf_addstr(out, "CREATE TABLE ");
	pg_render_table(out, t);
	if (t->partition_bound != NULL && t->parents.n > 0) {
		strbuf_addstr(out, " PARTITION OF ");
		pg_render_parent_name(out, t, 0);
	}
#define PG_ITEM() strbuf_addstr(out, n++ ? ",\n    " : " (\n    ")
	for (i = 0; i < t->ncolumns; i++) {
		if (pg_render_inherited(to, t, t->columns[i]->name) != NULL)
			continue;
		PG_ITEM();
		pg_render_column(out, to, t, t->columns[i]);
	}
	if (t->pk != NULL) {
		PG_ITEM();
		pg_render_key(out, "PRIMARY KEY", t->pk);
	}
	for (i = 0; i < t->nuniques; i++) {
		PG_ITEM();
		pg_render_key(out, "UNIQUE", t->uniques[i]);
	}
	for (i = 0; i < t->nchecks; i++) {
		if (t->checks[i]->not_valid)
			continue;	/* added after (see diff.c) */
		PG_ITEM();
		pg_render_check(out, t->checks[i]);
	}
	for (i = 0; i < t->nfks; i++) {
		if (pg_render_fk_later(d, t->fks[i]))
			continue;
		PG_ITEM();
		pg_render_fk(out, t, t->fks[i]);
	}
#undef PG_ITEM
	if (n > 0)
		strbuf_addstr(out, "\n)");
	else if (t->partition_bound == NULL || t->parents.n == 0)
		strbuf_addstr(out, " ()");
	if (t->partition_bound != NULL && t->parents.n > 0)
		strbuf_addf(out, " %s", t->partition_bound);
	else if (t->parents.n > 0) {
		strbuf_addstr(out, " INHERITS (");
		for (i = 0; i < t->parents.n; i++) {
			if (i > 0)
				strbuf_addstr(out, ", ");
			pg_render_parent_name(out, t, i);
		}
		strbuf_addch(out, ')');
	}
	if (t->partition_key != NULL)
		strbuf_addf(out, " PARTITION BY %s", t->partition_key);
	strbuf_addstr(out, ";\n");
	/* what a child has otherwise than its parent */
	for (i = 0; i < t->ncolumns; i++) {
		const struct schema_column	*c = t->columns[i];

		if ((pc = pg_render_inherited(to, t, c->name)) == NULL)
			continue;
		if (!(c->default_sql == NULL ? pc->default_sql == NULL :
		    pc->default_sql != NULL &&
		    strcmp(c->default_sql, pc->default_sql) == 0)) {
			pg_render_alter(out, t);
			strbuf_addstr(out, "ALTER COLUMN ");
			pg_render_ident(out, c->name);
			if (c->default_sql != NULL)
				strbuf_addf(out, " SET DEFAULT %s;\n",
				    c->default_sql);
			else
				strbuf_addstr(out, " DROP DEFAULT;\n");
		}
		if (c->notnull && !pc->notnull) {
			pg_render_alter(out, t);
			strbuf_addstr(out, "ALTER COLUMN ");
			pg_render_ident(out, c->name);
			strbuf_addstr(out, " SET NOT NULL;\n");
		}
	}
}

static void
pg_render_literal_or_null(struct strbuf *out, const char *text)
{
	if (text == NULL)
		strbuf_addstr(out, "NULL");
	else
		dialect_quote_literal_std(out, text);
}

static void
pg_render_enum_values(struct strbuf *out, const struct strv *v)
{
	size_t	 i;

	strbuf_addch(out, '(');
	for (i = 0; i < v->n; i++) {
		if (i > 0)
			strbuf_addstr(out, ", ");
		dialect_quote_literal_std(out, v->v[i]);
	}
	strbuf_addch(out, ')');
}

/*
 * A type whose values were removed or reordered: a new type under the
 * name, each column that uses it converted through text, the old type
 * dropped. Rows holding a removed value make the conversion fail, which
 * is what should happen.
 */
/*
 * Whether a column's type, as PostgreSQL prints it, is enum e or an array
 * of it: mood, "Mood", app.mood, mood[] ... Sets *array.
 */
static int
pg_render_type_is(const char *type, const struct schema_enum *e, int *array)
{
	struct strbuf	 bare = STRBUF_INIT, qual = STRBUF_INIT;
	size_t		 n = strlen(type);
	int		 is;

	*array = n > 2 && strcmp(type + n - 2, "[]") == 0;
	if (*array)
		n -= 2;
	pg_render_printed_name(&bare, e->name, 0);
	if (e->schema != NULL) {
		pg_render_printed_name(&qual, e->schema, 0);
		strbuf_addch(&qual, '.');
		strbuf_add(&qual, bare.buf, bare.len);
	}
	is = (n == bare.len && strncmp(type, bare.buf, n) == 0) ||
	    (qual.len > 0 && n == qual.len && strncmp(type, qual.buf, n) == 0);
	strbuf_release(&bare);
	strbuf_release(&qual);
	return is;
}

/*
 * An enum whose values went or moved: renamed away, made anew, every
 * column of the database that has it (or an array of it) converted
 * through text, the old one dropped. cur is the database as it is at
 * this point (after the diff's renames); views that read those columns
 * were dropped before (see diff.c).
 */
static void
pg_render_recreate_enum(struct strbuf *out, const struct schema *cur,
    const struct schema_enum *old, const struct schema_enum *new)
{
	struct strbuf	 tmp = STRBUF_INIT;
	size_t		 i, j;
	int		 array;

	strbuf_addf(&tmp, "%s__migrate_old", old->name);
	strbuf_addstr(out, "ALTER TYPE ");
	pg_render_name(out, old->schema, old->name);
	strbuf_addstr(out, " RENAME TO ");
	pg_render_ident(out, tmp.buf);
	strbuf_addstr(out, ";\nCREATE TYPE ");
	pg_render_name(out, new->schema, new->name);
	strbuf_addstr(out, " AS ENUM ");
	pg_render_enum_values(out, &new->values);
	strbuf_addstr(out, ";\n");
	for (i = 0; i < cur->ntables; i++) {
		const struct schema_table	*t = cur->tables[i];

		for (j = 0; j < t->ncolumns; j++) {
			const struct schema_column	*c = t->columns[j];

			if (!pg_render_type_is(c->type, old, &array))
				continue;
			if (c->default_sql != NULL) {
				pg_render_alter(out, t);
				strbuf_addstr(out, "ALTER COLUMN ");
				pg_render_ident(out, c->name);
				strbuf_addstr(out, " DROP DEFAULT;\n");
			}
			/* the type's name now names the new one */
			pg_render_alter(out, t);
			strbuf_addstr(out, "ALTER COLUMN ");
			pg_render_ident(out, c->name);
			strbuf_addf(out, " TYPE %s USING ", c->type);
			pg_render_ident(out, c->name);
			strbuf_addf(out, "::text%s::%s;\n", array ? "[]" : "",
			    c->type);
			if (c->default_sql != NULL) {
				pg_render_alter(out, t);
				strbuf_addstr(out, "ALTER COLUMN ");
				pg_render_ident(out, c->name);
				strbuf_addf(out, " SET DEFAULT %s;\n",
				    c->default_sql);
			}
		}
	}
	strbuf_addstr(out, "DROP TYPE ");
	pg_render_name(out, old->schema, tmp.buf);
	strbuf_addstr(out, ";\n");
	strbuf_release(&tmp);
}

/*
 * A serial column of a renamed table or column keeps its sequence, whose
 * name PostgreSQL derived from the old names: renaming the sequence
 * gives the default the model has. Whether that is the case here.
 */
static int
pg_render_serial_renamed(struct strbuf *out, const struct diff *d,
    const struct op *op)
{
	const struct schema_column	*o = op->old, *c = op->new;
	struct strbuf			 seq = STRBUF_INIT;
	const char			*p, *end;
	size_t				 i;
	int				 renamed = 0;

	if (op->change != OP_CHANGE_DEFAULT || o->default_sql == NULL ||
	    pg_render_serial(NULL, op->table, c) == NULL)
		return 0;
	for (i = 0; i < d->n; i++) {
		if ((d->v[i].kind == OP_RENAME_TABLE ||
		    d->v[i].kind == OP_RENAME_COLUMN) &&
		    d->v[i].table == op->table)
			renamed = 1;
	}
	p = o->default_sql;
	if (!renamed || strncmp(p, "nextval('", 9) != 0 ||
	    (end = strstr(p, "'::regclass)")) == NULL || end[12] != '\0')
		return 0;
	strbuf_addstr(out, "ALTER SEQUENCE ");
	strbuf_add(out, p + 9, (size_t)(end - p - 9));
	strbuf_addstr(out, " RENAME TO ");
	strbuf_addf(&seq, "%s_%s_seq", op->table->name, c->name);
	pg_render_ident(out, seq.buf);
	strbuf_addstr(out, ";\n");
	strbuf_release(&seq);
	return 1;
}

static void
pg_render_alter_column(struct strbuf *out, const struct diff *d,
    const struct schema *to, const struct op *op)
{
	const struct schema_table	*t = op->table;
	const struct schema_column	*o = op->old, *c = op->new;

	if (pg_render_serial_renamed(out, d, op))
		return;

#define PG_ALTER() do {							\
	pg_render_alter(out, t);					\
	strbuf_addstr(out, "ALTER COLUMN ");				\
	pg_render_ident(out, c->name);					\
} while (0)
	if ((op->change & OP_CHANGE_GENERATED) && c->generated == NULL) {
		/* no longer generated: the values stay (PostgreSQL 13) */
		PG_ALTER();
		strbuf_addstr(out, " DROP EXPRESSION;\n");
		if (op->change == OP_CHANGE_GENERATED)
			return;
	} else if (op->change & OP_CHANGE_GENERATED) {
		/* PostgreSQL cannot change an expression: the column again */
		pg_render_alter(out, t);
		strbuf_addstr(out, "DROP COLUMN ");
		pg_render_ident(out, c->name);
		strbuf_addstr(out, ";\n");
		pg_render_alter(out, t);
		strbuf_addstr(out, "ADD COLUMN ");
		pg_render_column(out, to, t, c);
		strbuf_addstr(out, ";\n");
		return;
	}
	if ((op->change & OP_CHANGE_DEFAULT) && o->default_sql != NULL) {
		/* before a type change, which the old default may not fit */
		PG_ALTER();
		strbuf_addstr(out, " DROP DEFAULT;\n");
	}
	if (op->change & (OP_CHANGE_TYPE | OP_CHANGE_COLLATION)) {
		PG_ALTER();
		strbuf_addf(out, " TYPE %s", c->type);
		if (c->collation != NULL)
			strbuf_addf(out, " COLLATE %s", c->collation);
		strbuf_addstr(out, " USING ");
		pg_render_ident(out, c->name);
		strbuf_addf(out, "::%s;\n", c->type);
	}
	if ((op->change & OP_CHANGE_NULL) && c->notnull) {
		/* an identity column must be NOT NULL first */
		PG_ALTER();
		strbuf_addstr(out, " SET NOT NULL;\n");
	}
	if (op->change & OP_CHANGE_IDENTITY) {
		PG_ALTER();
		if (c->identity == 0)
			strbuf_addstr(out, " DROP IDENTITY");
		else if (o->identity == 0) {
			strbuf_addf(out, " ADD GENERATED %s AS IDENTITY",
			    c->identity == 'a' ? "ALWAYS" : "BY DEFAULT");
			pg_render_identity_options(out, c);
		} else {
			if (o->identity != c->identity)
				strbuf_addf(out, " SET GENERATED %s",
				    c->identity == 'a' ? "ALWAYS" :
				    "BY DEFAULT");
			pg_render_identity_set(out, o, c);
		}
		strbuf_addstr(out, ";\n");
	}
	if ((op->change & OP_CHANGE_DEFAULT) && c->default_sql != NULL) {
		PG_ALTER();
		strbuf_addf(out, " SET DEFAULT %s;\n", c->default_sql);
	}
	if ((op->change & OP_CHANGE_NULL) && !c->notnull) {
		PG_ALTER();
		strbuf_addstr(out, " DROP NOT NULL;\n");
	}
#undef PG_ALTER
}

/* The SELECT of a view, without the ';' pg_get_viewdef ends it with. */
static void
pg_render_view_body(struct strbuf *out, const char *def)
{
	size_t	 len = strlen(def);

	while (len > 0 && (def[len - 1] == ';' || def[len - 1] == ' ' ||
	    def[len - 1] == '\n'))
		len--;
	while (len > 0 && (*def == ' ' || *def == '\n')) {
		def++;
		len--;
	}
	strbuf_add(out, def, len);
}

/*
 * Other objects (struct schema_object): what follows COMMENT ON, DROP
 * and ALTER is the word of its kind and its identity.
 */
static void
pg_render_kind(struct strbuf *out, const struct schema_object *o)
{
	const char	*p;

	for (p = schema_object_kind_name(o->kind); *p != '\0'; p++)
		strbuf_addch(out, (char)(*p - 'a' + 'A'));
	strbuf_addf(out, " %s", o->identity);
}

static void
pg_render_object_comment(struct strbuf *out, const struct schema_object *o)
{
	strbuf_addstr(out, "COMMENT ON ");
	pg_render_kind(out, o);
	strbuf_addstr(out, " IS ");
	pg_render_literal_or_null(out, o->comment);
	strbuf_addstr(out, ";\n");
}

static int
pg_render_has(const struct strv *names, const struct strv *defs,
    const char *name, const char *def)
{
	size_t	 i;

	for (i = 0; i < names->n && i < defs->n; i++) {
		if (strcmp(names->v[i], name) == 0 &&
		    strcmp(defs->v[i], def) == 0)
			return 1;
	}
	return 0;
}

static int
pg_render_not_valid(const char *def)
{
	size_t	 n = strlen(def);

	return n > 10 && strcmp(def + n - 10, " NOT VALID") == 0;
}

/* ALTER DOMAIN ... ADD CONSTRAINT or DROP CONSTRAINT. */
static void
pg_render_domain_check(struct strbuf *out, const struct schema_object *o,
    const char *name, const char *def)
{
	strbuf_addf(out, "ALTER DOMAIN %s ", o->identity);
	if (def != NULL)
		strbuf_addstr(out, "ADD ");
	else
		strbuf_addstr(out, "DROP ");
	strbuf_addstr(out, "CONSTRAINT ");
	pg_render_ident(out, name);
	if (def != NULL)
		strbuf_addf(out, " %s", def);
	strbuf_addstr(out, ";\n");
}

/*
 * CREATE DOMAIN, with its checks; those NOT VALID are added after, as
 * only ALTER DOMAIN can.
 */
static void
pg_render_create_domain(struct strbuf *out, const struct schema_object *o)
{
	size_t	 i;

	strbuf_addf(out, "CREATE DOMAIN %s AS %s", o->identity, o->fixed);
	if (o->default_sql != NULL)
		strbuf_addf(out, " DEFAULT %s", o->default_sql);
	if (o->notnull)
		strbuf_addstr(out, " NOT NULL");
	for (i = 0; i < o->check_names.n && i < o->check_defs.n; i++) {
		if (pg_render_not_valid(o->check_defs.v[i]))
			continue;
		strbuf_addstr(out, "\n    CONSTRAINT ");
		pg_render_ident(out, o->check_names.v[i]);
		strbuf_addf(out, " %s", o->check_defs.v[i]);
	}
	strbuf_addstr(out, ";\n");
	for (i = 0; i < o->check_names.n && i < o->check_defs.n; i++) {
		if (pg_render_not_valid(o->check_defs.v[i]))
			pg_render_domain_check(out, o, o->check_names.v[i],
			    o->check_defs.v[i]);
	}
}

/* ALTER DOMAIN: what changed of old's default, NOT NULL and checks. */
static void
pg_render_alter_domain(struct strbuf *out, const struct schema_object *old,
    const struct schema_object *o)
{
	size_t	 i;

	for (i = 0; i < old->check_names.n && i < old->check_defs.n; i++) {
		if (!pg_render_has(&o->check_names, &o->check_defs,
		    old->check_names.v[i], old->check_defs.v[i]))
			pg_render_domain_check(out, o, old->check_names.v[i],
			    NULL);
	}
	if (!(o->default_sql == NULL ? old->default_sql == NULL :
	    old->default_sql != NULL && strcmp(o->default_sql,
	    old->default_sql) == 0)) {
		if (o->default_sql != NULL)
			strbuf_addf(out, "ALTER DOMAIN %s SET DEFAULT %s;\n",
			    o->identity, o->default_sql);
		else
			strbuf_addf(out, "ALTER DOMAIN %s DROP DEFAULT;\n",
			    o->identity);
	}
	if (o->notnull != old->notnull)
		strbuf_addf(out, "ALTER DOMAIN %s %s NOT NULL;\n", o->identity,
		    o->notnull ? "SET" : "DROP");
	for (i = 0; i < o->check_names.n && i < o->check_defs.n; i++) {
		if (!pg_render_has(&old->check_names, &old->check_defs,
		    o->check_names.v[i], o->check_defs.v[i]))
			pg_render_domain_check(out, o, o->check_names.v[i],
			    o->check_defs.v[i]);
	}
}

static void
pg_render_create_object(struct strbuf *out, const struct schema_object *o)
{
	if (o->kind == SCHEMA_OBJ_DOMAIN)
		pg_render_create_domain(out, o);
	else
		strbuf_addf(out, "%s;\n", o->sql);
	if (o->comment != NULL && o->kind != SCHEMA_OBJ_COMMENT)
		pg_render_object_comment(out, o);
}

static void
pg_render_drop_object(struct strbuf *out, const struct schema_object *o)
{
	switch (o->kind) {
	case SCHEMA_OBJ_CONSTRAINT:
		strbuf_addstr(out, "ALTER TABLE ");
		pg_render_name(out, o->table_schema, o->table);
		strbuf_addstr(out, " DROP CONSTRAINT ");
		pg_render_ident(out, o->name);
		strbuf_addstr(out, ";\n");
		break;
	case SCHEMA_OBJ_COMMENT:
		strbuf_addf(out, "COMMENT ON %s IS NULL;\n", o->identity);
		break;
	default:
		strbuf_addstr(out, "DROP ");
		pg_render_kind(out, o);
		strbuf_addstr(out, ";\n");
		break;
	}
}

/* An object changed in place (see OP_OBJECT_*); old NULL: just made. */
static void
pg_render_alter_object(struct strbuf *out, const struct op *op)
{
	const struct schema_object	*old = op->old, *o = op->new;

	if ((op->change & OP_OBJECT_SQL) || (o->kind == SCHEMA_OBJ_COMMENT &&
	    (op->change & OP_OBJECT_OWNER))) {
		if (o->kind == SCHEMA_OBJ_DOMAIN && old != NULL)
			pg_render_alter_domain(out, old, o);
		else if (o->kind == SCHEMA_OBJ_SEQUENCE)
			strbuf_addf(out, "ALTER SEQUENCE %s %s;\n", o->identity,
			    o->options);
		else
			strbuf_addf(out, "%s;\n", o->sql);
	}
	if ((op->change & OP_OBJECT_OWNER) && o->kind == SCHEMA_OBJ_SEQUENCE) {
		strbuf_addf(out, "ALTER SEQUENCE %s OWNED BY ", o->identity);
		if (o->table != NULL && o->column != NULL) {
			pg_render_name(out, o->table_schema, o->table);
			strbuf_addch(out, '.');
			pg_render_ident(out, o->column);
		} else
			strbuf_addstr(out, "NONE");
		strbuf_addstr(out, ";\n");
	}
	if ((op->change & OP_OBJECT_COMMENT) && o->kind != SCHEMA_OBJ_COMMENT)
		pg_render_object_comment(out, o);
}

/* Whether a has parent i of b among its parents (same name and schema). */
static int
pg_render_has_parent(const struct schema_table *a,
    const struct schema_table *b, size_t i)
{
	size_t	 j;

	for (j = 0; j < a->parents.n; j++) {
		if (strcmp(a->parents.v[j], b->parents.v[i]) == 0 &&
		    j < a->parent_schemas.n && i < b->parent_schemas.n &&
		    strcmp(a->parent_schemas.v[j], b->parent_schemas.v[i]) == 0)
			return 1;
	}
	return 0;
}

/*
 * A kept table's parents or bound: detached from what it leaves, then
 * attached to what it joins. How a table is partitioned cannot change.
 */
static int
pg_render_alter_parent(struct strbuf *out, const struct schema_table *old,
    const struct schema_table *t, struct err *err)
{
	size_t	 i, j;
	int	 same_bound;

	if (!(old->partition_key == NULL ? t->partition_key == NULL :
	    t->partition_key != NULL && strcmp(old->partition_key,
	    t->partition_key) == 0))
		return err_set(err, MG_ERROR, "table %s: PostgreSQL cannot "
		    "change how a table is partitioned (%s, then %s): make "
		    "that change by hand", t->name, old->partition_key != NULL ?
		    old->partition_key : "not partitioned",
		    t->partition_key != NULL ? t->partition_key :
		    "not partitioned");
	same_bound = old->partition_bound == NULL ?
	    t->partition_bound == NULL : t->partition_bound != NULL &&
	    strcmp(old->partition_bound, t->partition_bound) == 0;
	for (i = 0; i < old->parents.n; i++) {
		if (pg_render_has_parent(t, old, i) && same_bound)
			continue;
		if (old->partition_bound != NULL) {
			strbuf_addstr(out, "ALTER TABLE ");
			pg_render_parent_name(out, old, i);
			strbuf_addstr(out, " DETACH PARTITION ");
			pg_render_table(out, t);
		} else {
			pg_render_alter(out, t);
			strbuf_addstr(out, "NO INHERIT ");
			pg_render_parent_name(out, old, i);
		}
		strbuf_addstr(out, ";\n");
	}
	for (j = 0; j < t->parents.n; j++) {
		if (pg_render_has_parent(old, t, j) && same_bound)
			continue;
		if (t->partition_bound != NULL) {
			strbuf_addstr(out, "ALTER TABLE ");
			pg_render_parent_name(out, t, j);
			strbuf_addstr(out, " ATTACH PARTITION ");
			pg_render_table(out, t);
			strbuf_addf(out, " %s", t->partition_bound);
		} else {
			pg_render_alter(out, t);
			strbuf_addstr(out, "INHERIT ");
			pg_render_parent_name(out, t, j);
		}
		strbuf_addstr(out, ";\n");
	}
	return 0;
}

static void
pg_render_warning(struct strbuf *out, const struct op *op)
{
	const struct schema_column	*c = op->kind == OP_DROP_COLUMN ?
	    op->old : op->new;
	size_t				 start = out->len;

	if (op->kind == OP_CREATE_OBJECT || op->kind == OP_DROP_OBJECT ||
	    op->kind == OP_ALTER_OBJECT) {
		const struct schema_object	*o = op->new != NULL ?
		    op->new : op->old;

		strbuf_addf(out, "-- WARNING: %s %s: %s",
		    schema_object_kind_name(o->kind), o->identity,
		    op->warning);
		dialect_comment_end(out, start);
		return;
	}
	strbuf_addf(out, "-- WARNING: %s", diff_op_name(op->kind));
	if (op->table != NULL) {
		strbuf_addch(out, ' ');
		pg_render_ident(out, op->table->name);
	}
	if (op->kind == OP_DROP_COLUMN || op->kind == OP_ALTER_COLUMN) {
		strbuf_addch(out, '.');
		pg_render_ident(out, c->name);
	}
	strbuf_addf(out, ": %s", op->warning);
	dialect_comment_end(out, start);
}

static int
pg_render_op(struct strbuf *out, const struct diff *d, const struct op *op,
    const struct schema *from, const struct schema *to, struct err *err)
{
	const struct schema_table	*t = op->table;

	if (op->warning != NULL)
		pg_render_warning(out, op);
	switch (op->kind) {
	case OP_DROP_VIEW: {
		const struct schema_view	*v = op->old;

		strbuf_addf(out, "DROP %sVIEW ", v->materialized ?
		    "MATERIALIZED " : "");
		pg_render_name(out, v->schema, v->name);
		strbuf_addstr(out, ";\n");
		break;
	}
	case OP_CREATE_VIEW: {
		const struct schema_view	*v = op->new;

		strbuf_addf(out, "CREATE %sVIEW ", v->materialized ?
		    "MATERIALIZED " : "");
		pg_render_name(out, v->schema, v->name);
		strbuf_addstr(out, " AS\n");
		pg_render_view_body(out, v->definition);
		strbuf_addstr(out, ";\n");
		break;
	}
	case OP_DROP_FK:
	case OP_DROP_UNIQUE:
	case OP_DROP_CHECK:
	case OP_DROP_PK: {
		const char	*name = op->kind == OP_DROP_FK ?
		    ((const struct schema_fk *)op->old)->name :
		    op->kind == OP_DROP_CHECK ?
		    ((const struct schema_check *)op->old)->name :
		    ((const struct schema_key *)op->old)->name;

		if (name == NULL)
			return err_set(err, MG_ERROR, "cannot drop an unnamed "
			    "%s of %s", diff_op_name(op->kind) + 5, t->name);
		pg_render_alter(out, t);
		strbuf_addstr(out, "DROP CONSTRAINT ");
		pg_render_ident(out, name);
		strbuf_addstr(out, ";\n");
		break;
	}
	case OP_CREATE_ENUM: {
		const struct schema_enum	*e = op->new;

		strbuf_addstr(out, "CREATE TYPE ");
		pg_render_name(out, e->schema, e->name);
		strbuf_addstr(out, " AS ENUM ");
		pg_render_enum_values(out, &e->values);
		strbuf_addstr(out, ";\n");
		break;
	}
	case OP_ADD_ENUM_VALUE: {
		const struct schema_enum	*e = op->new;
		const struct schema_enum	*o = op->old;

		strbuf_addstr(out, "ALTER TYPE ");
		pg_render_name(out, e->schema, e->name);
		strbuf_addstr(out, " ADD VALUE ");
		dialect_quote_literal_std(out, op->value);
		if (op->after != NULL) {
			strbuf_addstr(out, " AFTER ");
			dialect_quote_literal_std(out, op->after);
		} else if (o->values.n > 0) {
			strbuf_addstr(out, " BEFORE ");
			dialect_quote_literal_std(out, o->values.v[0]);
		}
		strbuf_addstr(out, ";\n");
		break;
	}
	case OP_RECREATE_ENUM:
		pg_render_recreate_enum(out, d->renamed != NULL ? d->renamed :
		    from, op->old, op->new);
		break;
	case OP_DROP_ENUM: {
		const struct schema_enum	*e = op->old;

		strbuf_addstr(out, "DROP TYPE ");
		pg_render_name(out, e->schema, e->name);
		strbuf_addstr(out, ";\n");
		break;
	}
	case OP_CREATE_TABLE:
		pg_render_create_table(out, d, to, t);
		break;
	case OP_DROP_TABLE:
		strbuf_addstr(out, "DROP TABLE ");
		pg_render_table(out, t);
		strbuf_addstr(out, ";\n");
		break;
	case OP_RENAME_TABLE:
		pg_render_alter(out, op->old);
		strbuf_addstr(out, "RENAME TO ");
		pg_render_ident(out, t->name);
		strbuf_addstr(out, ";\n");
		break;
	case OP_RENAME_COLUMN:
		pg_render_alter(out, t);
		strbuf_addstr(out, "RENAME COLUMN ");
		pg_render_ident(out,
		    ((const struct schema_column *)op->old)->name);
		strbuf_addstr(out, " TO ");
		pg_render_ident(out,
		    ((const struct schema_column *)op->new)->name);
		strbuf_addstr(out, ";\n");
		break;
	case OP_RENAME_CONSTRAINT:
		pg_render_alter(out, t);
		strbuf_addstr(out, "RENAME CONSTRAINT ");
		pg_render_ident(out, op->old_name);
		strbuf_addstr(out, " TO ");
		pg_render_ident(out, op->new_name);
		strbuf_addstr(out, ";\n");
		break;
	case OP_RENAME_INDEX:
		strbuf_addstr(out, "ALTER INDEX ");
		pg_render_name(out, t->schema, op->old_name);
		strbuf_addstr(out, " RENAME TO ");
		pg_render_ident(out, op->new_name);
		strbuf_addstr(out, ";\n");
		break;
	case OP_DROP_INDEX: {
		const struct schema_index	*x = op->old;

		strbuf_addstr(out, "DROP INDEX ");
		pg_render_name(out, t->schema, x->name);
		strbuf_addstr(out, ";\n");
		break;
	}
	case OP_CREATE_INDEX: {
		const struct schema_index	*x = op->new;
		const char			*only;

		/*
		 * A partitioned table's index is printed ON ONLY it; made
		 * so, its partitions would get none: on all of them.
		 */
		only = strstr(x->sql, " ON ONLY ");
		if (t->partition_key != NULL && only != NULL)
			strbuf_addf(out, "%.*s ON %s;\n", (int)(only - x->sql),
			    x->sql, only + 9);
		else
			strbuf_addf(out, "%s;\n", x->sql);
		break;
	}
	case OP_ADD_COLUMN:
		pg_render_alter(out, t);
		strbuf_addstr(out, "ADD COLUMN ");
		pg_render_column(out, to, t, op->new);
		strbuf_addstr(out, ";\n");
		break;
	case OP_DROP_COLUMN:
		pg_render_alter(out, t);
		strbuf_addstr(out, "DROP COLUMN ");
		pg_render_ident(out,
		    ((const struct schema_column *)op->old)->name);
		strbuf_addstr(out, ";\n");
		break;
	case OP_ALTER_COLUMN:
		pg_render_alter_column(out, d, to, op);
		break;
	case OP_ADD_PK:
		pg_render_alter(out, t);
		strbuf_addstr(out, "ADD ");
		pg_render_key(out, "PRIMARY KEY", op->new);
		strbuf_addstr(out, ";\n");
		break;
	case OP_ADD_UNIQUE:
		pg_render_alter(out, t);
		strbuf_addstr(out, "ADD ");
		pg_render_key(out, "UNIQUE", op->new);
		strbuf_addstr(out, ";\n");
		break;
	case OP_ADD_CHECK:
		pg_render_alter(out, t);
		strbuf_addstr(out, "ADD ");
		pg_render_check(out, op->new);
		strbuf_addstr(out, ";\n");
		break;
	case OP_ADD_FK:
		pg_render_alter(out, t);
		strbuf_addstr(out, "ADD ");
		pg_render_fk(out, t, op->new);
		strbuf_addstr(out, ";\n");
		break;
	case OP_TABLE_OPTIONS:	/* SQLite's alone */
		break;
	case OP_COMMENT_TABLE:
		strbuf_addstr(out, "COMMENT ON TABLE ");
		pg_render_table(out, t);
		strbuf_addstr(out, " IS ");
		pg_render_literal_or_null(out, t->comment);
		strbuf_addstr(out, ";\n");
		break;
	case OP_COMMENT_COLUMN: {
		const struct schema_column	*c = op->new;

		strbuf_addstr(out, "COMMENT ON COLUMN ");
		pg_render_table(out, t);
		strbuf_addch(out, '.');
		pg_render_ident(out, c->name);
		strbuf_addstr(out, " IS ");
		pg_render_literal_or_null(out, c->comment);
		strbuf_addstr(out, ";\n");
		break;
	}
	case OP_CREATE_OBJECT:
		pg_render_create_object(out, op->new);
		break;
	case OP_DROP_OBJECT:
		pg_render_drop_object(out, op->old);
		break;
	case OP_ALTER_OBJECT:
		pg_render_alter_object(out, op);
		break;
	case OP_ALTER_PARENT:
		return pg_render_alter_parent(out, op->old, t, err);
	}
	return 0;
}

int
pg_render(struct strbuf *out, const struct diff *d,
    const struct schema *from, const struct schema *to, struct err *err)
{
	size_t	 i;
	int	 rc = 0, bodies_off = 0;

	for (i = 0; i < d->n && rc == 0; i++) {
		const struct op			*op = &d->v[i];
		const struct schema_object	*o = op->new;

		/*
		 * A function's body may read tables made later (pg_dump does
		 * the same); once, before the first one.
		 */
		if (!bodies_off && (op->kind == OP_CREATE_OBJECT ||
		    (op->kind == OP_ALTER_OBJECT &&
		    (op->change & OP_OBJECT_SQL))) &&
		    (o->kind == SCHEMA_OBJ_FUNCTION ||
		    o->kind == SCHEMA_OBJ_PROCEDURE)) {
			strbuf_addstr(out,
			    "SET LOCAL check_function_bodies = off;\n");
			bodies_off = 1;
		}
		rc = pg_render_op(out, d, op, from, to, err);
	}
	return rc;
}
