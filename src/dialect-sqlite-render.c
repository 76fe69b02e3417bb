/*
 * SQLite rendering: the SQL of a diff. What SQLite's ALTER TABLE can do
 * (ADD COLUMN, DROP COLUMN, RENAME) is done natively; everything else on
 * a table becomes one rebuild of that table, SQLite's documented twelve
 * steps: a new table with the target definition, the kept columns and
 * rowids copied, the old table dropped, the new one renamed, its indexes
 * and triggers recreated and its AUTOINCREMENT counter kept.
 *
 * A rebuild must run with foreign keys off, or dropping the old table
 * deletes (or nulls) the rows of child tables. PRAGMA foreign_keys is a
 * no-op inside a transaction, so the rebuild only asks for it: it starts
 * with the line "-- migrate:foreign-keys-off", which the runner looks for
 * to switch foreign keys off around the script's transaction, and ends
 * with "PRAGMA foreign_key_check;".
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dialect.h"

#define SQLITE_RENDER_NEW_PREFIX	"_migrate_new_"
#define SQLITE_RENDER_FK_OFF		"-- migrate:foreign-keys-off\n"

/* One table that is rebuilt, and the ops the rebuild stands for. */
struct sqlite_rebuild {
	const char		  *name;	/* its name in to */
	const struct schema_table *ft;		/* in from */
	const struct schema_table *tt;		/* in to */
	size_t			   last;	/* index of its last op */
	int			   done;
};

struct sqlite_render {
	struct strbuf		*out;
	const struct diff	*d;
	const struct schema	*from;
	const struct schema	*to;
	struct sqlite_rebuild	*rb;
	size_t			 nrb;
};

/*
 * Small helpers on SQL text.
 */

static int
sqlite_render_word_char(int c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

/*
 * The end of the token at p (blanks and comments are tokens too): a
 * quoted name or string, a word, or one character.
 */
static const char *
sqlite_render_token_end(const char *p)
{
	char	 q;

	if (*p == '\0')
		return p;
	if (isspace((unsigned char)*p)) {
		while (isspace((unsigned char)*p))
			p++;
		return p;
	}
	if (p[0] == '-' && p[1] == '-') {
		while (*p != '\0' && *p != '\n')
			p++;
		return p;
	}
	if (p[0] == '/' && p[1] == '*') {
		for (p += 2; *p != '\0' && !(p[0] == '*' && p[1] == '/'); p++)
			;
		return *p != '\0' ? p + 2 : p;
	}
	if (*p == '\'' || *p == '"' || *p == '`') {
		q = *p++;
		while (*p != '\0') {
			if (*p == q && p[1] == q)
				p += 2;
			else if (*p++ == q)
				break;
		}
		return p;
	}
	if (*p == '[') {
		while (*p != '\0' && *p != ']')
			p++;
		return *p != '\0' ? p + 1 : p;
	}
	if (sqlite_render_word_char((unsigned char)*p)) {
		while (sqlite_render_word_char((unsigned char)*p))
			p++;
		return p;
	}
	return p + 1;
}

static int
sqlite_render_is_blank(const char *p)
{
	return isspace((unsigned char)*p) || (p[0] == '-' && p[1] == '-') ||
	    (p[0] == '/' && p[1] == '*');
}

static const char *
sqlite_render_skip_blanks(const char *p)
{
	while (*p != '\0' && sqlite_render_is_blank(p))
		p = sqlite_render_token_end(p);
	return p;
}

/* The token [p, e) as a name: quotes removed, doubled quotes undone. */
static char *
sqlite_render_token_name(const char *p, const char *e)
{
	struct strbuf	 sb = STRBUF_INIT;
	char		 q = *p;

	if (e - p < 2 || !(q == '"' || q == '`' || q == '\'' || q == '['))
		return xstrndup(p, (size_t)(e - p));
	if (q == '[')
		return xstrndup(p + 1, (size_t)(e - p - 2));
	for (p++; p < e - 1; p++) {
		strbuf_addch(&sb, *p);
		if (*p == q && p[1] == q)
			p++;
	}
	return strbuf_detach(&sb, NULL);
}

/* Whether text names word as a whole word, quoted or not (any case). */
static int
sqlite_render_mentions(const char *text, const char *word)
{
	const char	*p, *e;
	char		*name;
	int		 hit;

	if (text == NULL)
		return 0;
	for (p = text; *p != '\0'; p = e) {
		e = sqlite_render_token_end(p);
		if (sqlite_render_is_blank(p) || *p == '\'')
			continue;
		name = sqlite_render_token_name(p, e);
		hit = strcasecmp(name, word) == 0;
		xfree(name);
		if (hit)
			return 1;
	}
	return 0;
}

/*
 * The text after "CREATE TABLE name" in a CREATE TABLE text (from the
 * blank or '(' that follows the name), or NULL if it does not read so.
 */
/* Whether a CREATE TABLE text is CREATE VIRTUAL TABLE. */
static int
sqlite_render_is_virtual(const char *sql)
{
	const char	*p = sqlite_render_skip_blanks(sql);

	p = sqlite_render_skip_blanks(sqlite_render_token_end(p));
	return strncasecmp(p, "VIRTUAL", 7) == 0 &&
	    sqlite_render_token_end(p) == p + 7;
}

static const char *
sqlite_render_after_name(const char *sql)
{
	const char	*p = sqlite_render_skip_blanks(sql), *e;
	int		 i, n = sqlite_render_is_virtual(sql) ? 3 : 2;

	for (i = 0; i < n; i++) {
		e = sqlite_render_token_end(p);
		if (e == p)
			return NULL;
		p = sqlite_render_skip_blanks(e);
	}
	/* TEMP and IF NOT EXISTS are not kept by SQLite; a schema name is */
	e = sqlite_render_token_end(p);
	if (e == p || *p == '(')
		return NULL;
	p = sqlite_render_skip_blanks(e);
	if (*p == '.') {
		p = sqlite_render_skip_blanks(p + 1);
		e = sqlite_render_token_end(p);
		if (e == p)
			return NULL;
		return e;
	}
	return e;
}

/*
 * The definition of column name in a CREATE TABLE text, as written
 * there (its name and all its clauses), or NULL.
 */
static char *
sqlite_render_column_text(const char *sql, const char *name)
{
	const char	*p = sqlite_render_after_name(sql), *item, *e;
	char		*first;
	int		 depth, match;

	if (p == NULL)
		return NULL;
	while (*p != '\0' && *p != '(')
		p = sqlite_render_token_end(p);
	if (*p != '(')
		return NULL;
	p++;
	for (;;) {
		item = p = sqlite_render_skip_blanks(p);
		if (*p == '\0' || *p == ')')
			return NULL;
		e = sqlite_render_token_end(p);
		first = sqlite_render_token_name(p, e);
		match = strcasecmp(first, name) == 0 && *p != '(';
		xfree(first);
		/* to the ',' or ')' that ends the item */
		for (depth = 0; *p != '\0'; p = sqlite_render_token_end(p)) {
			if (*p == '(')
				depth++;
			else if (*p == ')' && depth-- == 0)
				break;
			else if (*p == ',' && depth == 0)
				break;
		}
		if (match) {
			e = p;
			while (e > item && isspace((unsigned char)e[-1]))
				e--;
			return xstrndup(item, (size_t)(e - item));
		}
		if (*p != ',')
			return NULL;
		p++;
	}
}

static void
sqlite_render_quote(struct strbuf *out, const char *ident)
{
	dialect_quote_ident_std(out, ident);
}

/*
 * Lookups.
 */

static const struct op *
sqlite_render_rename_of_table(const struct sqlite_render *r, const char *to)
{
	size_t	 i;

	for (i = 0; i < r->d->n; i++) {
		const struct op	*op = &r->d->v[i];

		if (op->kind == OP_RENAME_TABLE && op->new != NULL &&
		    strcmp(((const struct schema_table *)op->new)->name,
		    to) == 0)
			return op;
	}
	return NULL;
}

/* The table of from that to's table name is (by name or by a rename). */
static const struct schema_table *
sqlite_render_from_table(const struct sqlite_render *r, const char *name)
{
	const struct op	*op = sqlite_render_rename_of_table(r, name);

	if (op != NULL && op->old != NULL)
		return op->old;
	return schema_find_table(r->from, NULL, name);
}

/* The name in to of a table of from (a rename maps it). */
static const char *
sqlite_render_to_name(const struct sqlite_render *r, const char *from_name)
{
	size_t	 i;

	for (i = 0; i < r->d->n; i++) {
		const struct op	*op = &r->d->v[i];

		if (op->kind == OP_RENAME_TABLE && op->old != NULL &&
		    op->new != NULL && strcmp(((const struct schema_table *)
		    op->old)->name, from_name) == 0)
			return ((const struct schema_table *)op->new)->name;
	}
	return from_name;
}

/* The column of from a column of to is filled from, or NULL. */
static const struct schema_column *
sqlite_render_source_column(const struct sqlite_render *r,
    const struct schema_table *ft, const struct schema_column *tc)
{
	size_t	 i;

	for (i = 0; i < r->d->n; i++) {
		const struct op	*op = &r->d->v[i];

		if (op->kind == OP_RENAME_COLUMN && op->new == tc)
			return op->old;
	}
	return schema_find_column(ft, tc->name);
}

static int
sqlite_render_created(const struct sqlite_render *r, const char *name)
{
	size_t	 i;

	for (i = 0; i < r->d->n; i++) {
		if (r->d->v[i].kind == OP_CREATE_TABLE &&
		    strcmp(r->d->v[i].table->name, name) == 0)
			return 1;
	}
	return 0;
}

static int
sqlite_render_dropped(const struct sqlite_render *r, const char *name)
{
	size_t	 i;

	for (i = 0; i < r->d->n; i++) {
		if (r->d->v[i].kind == OP_DROP_TABLE &&
		    strcmp(r->d->v[i].table->name, name) == 0)
			return 1;
	}
	return 0;
}

static struct sqlite_rebuild *
sqlite_render_find_rebuild(const struct sqlite_render *r, const char *name)
{
	size_t	 i;

	for (i = 0; i < r->nrb; i++) {
		if (strcmp(r->rb[i].name, name) == 0)
			return &r->rb[i];
	}
	return NULL;
}

static struct sqlite_rebuild *
sqlite_render_add_rebuild(struct sqlite_render *r, const char *name,
    size_t at)
{
	struct sqlite_rebuild	*rb = sqlite_render_find_rebuild(r, name);

	if (rb == NULL) {
		r->rb = xrealloc(r->rb, (r->nrb + 1) * sizeof *r->rb);
		rb = &r->rb[r->nrb++];
		memset(rb, 0, sizeof *rb);
		rb->name = name;
		rb->tt = schema_find_table(r->to, NULL, name);
		rb->ft = sqlite_render_from_table(r, name);
	}
	if (at > rb->last || rb->last == (size_t)-1)
		rb->last = at;
	return rb;
}

/*
 * What SQLite's ALTER TABLE allows.
 */

/* Whether a default is one ADD COLUMN accepts (a constant). */
static int
sqlite_render_default_constant(const char *dflt)
{
	if (dflt == NULL)
		return 1;
	if (*dflt == '(')
		return 0;
	return strncasecmp(dflt, "CURRENT_", 8) != 0;
}

/* Whether ALTER TABLE ADD COLUMN can add column c of to's table tt. */
static int
sqlite_render_can_add(const struct schema_table *tt,
    const struct schema_column *c)
{
	size_t	 i, j;

	if (tt->pk != NULL) {
		for (i = 0; i < tt->pk->columns.n; i++) {
			if (strcasecmp(tt->pk->columns.v[i], c->name) == 0)
				return 0;
		}
	}
	for (i = 0; i < tt->nuniques; i++) {
		for (j = 0; j < tt->uniques[i]->columns.n; j++) {
			if (strcasecmp(tt->uniques[i]->columns.v[j],
			    c->name) == 0)
				return 0;
		}
	}
	if (c->generated != NULL)
		return !c->generated_stored;
	if (!sqlite_render_default_constant(c->default_sql))
		return 0;
	if (c->notnull && (c->default_sql == NULL ||
	    strcasecmp(c->default_sql, "NULL") == 0))
		return 0;
	for (i = 0; i < tt->nfks; i++) {
		for (j = 0; j < tt->fks[i]->columns.n; j++) {
			/* REFERENCES with a non-NULL default is refused */
			if (strcasecmp(tt->fks[i]->columns.v[j], c->name) ==
			    0 && c->default_sql != NULL &&
			    strcasecmp(c->default_sql, "NULL") != 0)
				return 0;
		}
	}
	return 1;
}

static int
sqlite_render_strv_has(const struct strv *v, const char *s)
{
	size_t	 i;

	for (i = 0; i < v->n; i++) {
		if (strcasecmp(v->v[i], s) == 0)
			return 1;
	}
	return 0;
}

/*
 * Whether ALTER TABLE DROP COLUMN can drop column c of from's table ft:
 * not in a key, an index, a foreign key, a CHECK, a generated column, a
 * trigger or a view that stays.
 */
static int
sqlite_render_can_drop(const struct sqlite_render *r,
    const struct schema_table *ft, const struct schema_column *c)
{
	size_t	 i, j;

	if (ft->pk != NULL && sqlite_render_strv_has(&ft->pk->columns,
	    c->name))
		return 0;
	for (i = 0; i < ft->nuniques; i++) {
		if (sqlite_render_strv_has(&ft->uniques[i]->columns, c->name))
			return 0;
	}
	for (i = 0; i < ft->nindexes; i++) {
		const struct schema_index *x = ft->indexes[i];

		for (j = 0; j < x->keys.n; j++) {
			if (sqlite_render_mentions(x->keys.v[j], c->name))
				return 0;
		}
		if (sqlite_render_mentions(x->where, c->name))
			return 0;
	}
	for (i = 0; i < ft->nfks; i++) {
		if (sqlite_render_strv_has(&ft->fks[i]->columns, c->name))
			return 0;
	}
	for (i = 0; i < ft->nchecks; i++) {
		if (sqlite_render_mentions(ft->checks[i]->expr, c->name))
			return 0;
	}
	for (i = 0; i < ft->ncolumns; i++) {
		if (sqlite_render_mentions(ft->columns[i]->generated,
		    c->name))
			return 0;
	}
	for (i = 0; i < r->from->ntriggers; i++) {
		if (sqlite_render_mentions(r->from->triggers[i]->sql,
		    c->name))
			return 0;
	}
	/* views that mention the table are dropped first by the diff */
	for (i = 0; i < r->from->nviews; i++) {
		const struct schema_view *v = r->from->views[i];
		int	 dropped = 0;

		for (j = 0; j < r->d->n; j++) {
			if (r->d->v[j].kind == OP_DROP_VIEW &&
			    r->d->v[j].old == v)
				dropped = 1;
		}
		if (!dropped && sqlite_render_mentions(v->definition,
		    c->name))
			return 0;
	}
	return 1;
}

/*
 * Decide which tables are rebuilt, and where: at the last of their ops,
 * after the tables the new definition may point at are created.
 */
static int
sqlite_render_plan(struct sqlite_render *r, struct err *err)
{
	const struct op			*op;
	size_t				 i;

	for (i = 0; i < r->d->n; i++) {
		op = &r->d->v[i];
		switch (op->kind) {
		case OP_CREATE_ENUM:
		case OP_ADD_ENUM_VALUE:
		case OP_RECREATE_ENUM:
		case OP_DROP_ENUM:
			return err_set(err, MG_ERROR, "SQLite has no enum "
			    "types: cannot render '%s'",
			    diff_op_name(op->kind));
		case OP_DROP_FK:
			/* a table that goes takes its foreign keys along */
			if (sqlite_render_dropped(r, op->table->name))
				break;
			sqlite_render_add_rebuild(r, sqlite_render_to_name(r,
			    op->table->name), i);
			break;
		case OP_ADD_FK:
			/* CREATE TABLE declares all of them */
			if (sqlite_render_created(r, op->table->name))
				break;
			sqlite_render_add_rebuild(r, op->table->name, i);
			break;
		case OP_DROP_UNIQUE:
		case OP_DROP_CHECK:
		case OP_DROP_PK:
			sqlite_render_add_rebuild(r, sqlite_render_to_name(r,
			    op->table->name), i);
			break;
		case OP_ADD_UNIQUE:
		case OP_ADD_CHECK:
		case OP_ADD_PK:
		case OP_RENAME_CONSTRAINT:	/* names live in the table */
		case OP_TABLE_OPTIONS:
		case OP_ALTER_COLUMN:
			sqlite_render_add_rebuild(r, op->table->name, i);
			break;
		case OP_ADD_COLUMN:
			if (!sqlite_render_can_add(op->table, op->new))
				sqlite_render_add_rebuild(r, op->table->name,
				    i);
			break;
		case OP_DROP_COLUMN:
			if (!sqlite_render_can_drop(r, op->table, op->old))
				sqlite_render_add_rebuild(r,
				    sqlite_render_to_name(r, op->table->name),
				    i);
			break;
		default:
			break;
		}
	}
	/*
	 * Every op of a rebuilt table moves into the rebuild: it has to run
	 * after them all.
	 */
	for (i = 0; i < r->d->n; i++) {
		struct sqlite_rebuild	*rb;

		op = &r->d->v[i];
		if (op->table == NULL || op->kind == OP_CREATE_TABLE ||
		    op->kind == OP_DROP_TABLE || op->kind == OP_RENAME_TABLE)
			continue;
		rb = sqlite_render_find_rebuild(r, sqlite_render_to_name(r,
		    op->table->name));
		if (rb != NULL && i > rb->last)
			rb->last = i;
	}
	for (i = 0; i < r->nrb; i++) {
		if (r->rb[i].tt == NULL || r->rb[i].ft == NULL)
			return err_set(err, MG_ERROR, "cannot rebuild table "
			    "'%s': it is not in both schemas", r->rb[i].name);
	}
	return 0;
}

/*
 * Writing definitions.
 */

/*
 * "-- WARNING: drop column "t"."c": what is lost", on one line whatever
 * the names hold.
 */
static void
sqlite_render_warning(struct strbuf *out, const struct op *op)
{
	const char	*what = NULL;
	size_t		 start = out->len;

	if (op->warning == NULL)
		return;
	strbuf_addf(out, "-- WARNING: %s", diff_op_name(op->kind));
	if (op->table != NULL) {
		strbuf_addch(out, ' ');
		sqlite_render_quote(out, op->table->name);
	}
	if (op->kind == OP_DROP_COLUMN && op->old != NULL)
		what = ((const struct schema_column *)op->old)->name;
	else if (op->kind == OP_ALTER_COLUMN && op->new != NULL)
		what = ((const struct schema_column *)op->new)->name;
	if (what != NULL) {
		strbuf_addch(out, '.');
		sqlite_render_quote(out, what);
	}
	strbuf_addf(out, ": %s", op->warning);
	dialect_comment_end(out, start);
}

static void
sqlite_render_name_list(struct strbuf *out, const struct strv *v)
{
	size_t	 i;

	strbuf_addch(out, '(');
	for (i = 0; i < v->n; i++) {
		if (i > 0)
			strbuf_addstr(out, ", ");
		sqlite_render_quote(out, v->v[i]);
	}
	strbuf_addch(out, ')');
}

static void
sqlite_render_constraint_name(struct strbuf *out, const char *name)
{
	if (name == NULL)
		return;
	strbuf_addstr(out, "CONSTRAINT ");
	sqlite_render_quote(out, name);
	strbuf_addch(out, ' ');
}

/* Whether t's primary key is one INTEGER column (the rowid's alias). */
static int
sqlite_render_integer_pk(const struct schema_table *t)
{
	const struct schema_column	*c;

	if (t->pk == NULL || t->pk->columns.n != 1 || t->without_rowid)
		return 0;
	c = schema_find_column(t, t->pk->columns.v[0]);
	return c != NULL && c->type != NULL && strcasecmp(c->type,
	    "INTEGER") == 0;
}

static void
sqlite_render_column_def(struct strbuf *out, const struct schema_column *c)
{
	sqlite_render_quote(out, c->name);
	if (c->type != NULL && *c->type != '\0')
		strbuf_addf(out, " %s", c->type);
	if (c->collation != NULL)
		strbuf_addf(out, " COLLATE %s", c->collation);
	if (c->notnull)
		strbuf_addstr(out, " NOT NULL");
	if (c->generated != NULL)
		strbuf_addf(out, " GENERATED ALWAYS AS (%s) %s", c->generated,
		    c->generated_stored ? "STORED" : "VIRTUAL");
	else if (c->default_sql != NULL)
		strbuf_addf(out, " DEFAULT %s", c->default_sql);
}

/* A CREATE TABLE for t from its parts, named name. */
static void
sqlite_render_create_from_parts(struct strbuf *out,
    const struct schema_table *t, const char *name)
{
	size_t	 i;

	strbuf_addstr(out, "CREATE TABLE ");
	sqlite_render_quote(out, name);
	strbuf_addstr(out, " (");
	for (i = 0; i < t->ncolumns; i++) {
		if (t->columns[i]->hidden)
			continue;
		strbuf_addstr(out, i > 0 ? ",\n    " : "\n    ");
		sqlite_render_column_def(out, t->columns[i]);
	}
	if (t->pk != NULL) {
		strbuf_addstr(out, ",\n    ");
		sqlite_render_constraint_name(out, t->pk->name);
		if (sqlite_render_integer_pk(t) && t->autoincrement) {
			/* AUTOINCREMENT goes only on a column's own key */
			strbuf_addstr(out, "PRIMARY KEY ");
			sqlite_render_name_list(out, &t->pk->columns);
			strbuf_setlen(out, out->len - 1);
			strbuf_addstr(out, " AUTOINCREMENT)");
		} else {
			strbuf_addstr(out, "PRIMARY KEY ");
			sqlite_render_name_list(out, &t->pk->columns);
		}
	}
	for (i = 0; i < t->nuniques; i++) {
		strbuf_addstr(out, ",\n    ");
		sqlite_render_constraint_name(out, t->uniques[i]->name);
		strbuf_addstr(out, "UNIQUE ");
		sqlite_render_name_list(out, &t->uniques[i]->columns);
	}
	for (i = 0; i < t->nchecks; i++) {
		strbuf_addstr(out, ",\n    ");
		sqlite_render_constraint_name(out, t->checks[i]->name);
		strbuf_addf(out, "CHECK (%s)", t->checks[i]->expr);
	}
	for (i = 0; i < t->nfks; i++) {
		const struct schema_fk *fk = t->fks[i];

		strbuf_addstr(out, ",\n    ");
		sqlite_render_constraint_name(out, fk->name);
		strbuf_addstr(out, "FOREIGN KEY ");
		sqlite_render_name_list(out, &fk->columns);
		strbuf_addstr(out, " REFERENCES ");
		sqlite_render_quote(out, fk->ref_table);
		if (fk->ref_columns.n > 0) {
			strbuf_addch(out, ' ');
			sqlite_render_name_list(out, &fk->ref_columns);
		}
		if (fk->on_delete != NULL && strcasecmp(fk->on_delete,
		    "NO ACTION") != 0)
			strbuf_addf(out, " ON DELETE %s", fk->on_delete);
		if (fk->on_update != NULL && strcasecmp(fk->on_update,
		    "NO ACTION") != 0)
			strbuf_addf(out, " ON UPDATE %s", fk->on_update);
		if (fk->match != NULL)
			strbuf_addf(out, " MATCH %s", fk->match);
		if (fk->deferrable)
			strbuf_addf(out, " DEFERRABLE INITIALLY %s",
			    fk->initially_deferred ? "DEFERRED" :
			    "IMMEDIATE");
	}
	strbuf_addstr(out, "\n)");
	if (t->without_rowid)
		strbuf_addstr(out, " WITHOUT ROWID");
	if (t->strict)
		strbuf_addf(out, "%s STRICT", t->without_rowid ? "," : "");
}

/*
 * CREATE TABLE for t named name: the text the model declared when there
 * is one (what SQLite keeps), with the name replaced; else from parts.
 */
static void
sqlite_render_create_table(struct strbuf *out, const struct schema_table *t,
    const char *name)
{
	const char	*rest = t->sql != NULL ?
			    sqlite_render_after_name(t->sql) : NULL;

	if (rest == NULL) {
		sqlite_render_create_from_parts(out, t, name);
	} else {
		strbuf_addstr(out, sqlite_render_is_virtual(t->sql) ?
		    "CREATE VIRTUAL TABLE " : "CREATE TABLE ");
		sqlite_render_quote(out, name);
		if (*rest == '(')
			strbuf_addch(out, ' ');
		strbuf_addstr(out, rest);
		strbuf_rtrim(out);
		while (out->len > 0 && out->buf[out->len - 1] == ';')
			strbuf_setlen(out, out->len - 1);
	}
	strbuf_addstr(out, ";\n");
}

/* An index key: a column name is quoted, an expression kept. */
static void
sqlite_render_index_key(struct strbuf *out, const struct schema_table *t,
    const char *key)
{
	size_t	 i, n;

	for (i = 0; i < t->ncolumns; i++) {
		n = strlen(t->columns[i]->name);
		if (strncmp(key, t->columns[i]->name, n) == 0 &&
		    (key[n] == '\0' || key[n] == ' ')) {
			sqlite_render_quote(out, t->columns[i]->name);
			strbuf_addstr(out, key + n);
			return;
		}
	}
	strbuf_addstr(out, key);
}

/*
 * A statement as the catalog keeps it, then ";\n". The text is kept to
 * the byte (trailing blanks too), so that sqlite_schema reads the same
 * after the migration; a ';' of its own is not doubled.
 */
static void
sqlite_render_sql_stmt(struct strbuf *out, const char *sql)
{
	size_t	 start = out->len, len;

	strbuf_addstr(out, sql);
	for (len = out->len; len > start && isspace((unsigned char)
	    out->buf[len - 1]); len--)
		;
	if (len > start && out->buf[len - 1] == ';')
		strbuf_setlen(out, len - 1);
	strbuf_addstr(out, ";\n");
}

static void
sqlite_render_create_index(struct strbuf *out, const struct schema_table *t,
    const struct schema_index *x)
{
	size_t	 i;

	if (x->sql != NULL) {
		sqlite_render_sql_stmt(out, x->sql);
		return;
	}
	strbuf_addstr(out, x->unique ? "CREATE UNIQUE INDEX " :
	    "CREATE INDEX ");
	sqlite_render_quote(out, x->name);
	strbuf_addstr(out, " ON ");
	sqlite_render_quote(out, t->name);
	strbuf_addstr(out, " (");
	for (i = 0; i < x->keys.n; i++) {
		if (i > 0)
			strbuf_addstr(out, ", ");
		sqlite_render_index_key(out, t, x->keys.v[i]);
	}
	strbuf_addch(out, ')');
	if (x->where != NULL)
		strbuf_addf(out, " WHERE %s", x->where);
	strbuf_addstr(out, ";\n");
}


/*
 * A trigger, SQLite's only object besides tables, indexes and views:
 * dropped, made, or (changed) both.
 */
static void
sqlite_render_trigger(struct sqlite_render *r, const struct op *op)
{
	const struct schema_object	*o = op->old, *n = op->new;

	if (op->kind != OP_CREATE_OBJECT) {
		strbuf_addstr(r->out, "DROP TRIGGER ");
		sqlite_render_quote(r->out, o->name);
		strbuf_addstr(r->out, ";\n");
	}
	if (op->kind != OP_DROP_OBJECT)
		sqlite_render_sql_stmt(r->out, n->sql);
}

/* Whether the diff drops trigger name (a rebuild must not make it again). */
static int
sqlite_render_trigger_dropped(const struct sqlite_render *r, const char *name)
{
	size_t	 i;

	for (i = 0; i < r->d->n; i++) {
		const struct op			*op = &r->d->v[i];
		const struct schema_object	*o = op->old;

		if ((op->kind == OP_DROP_OBJECT ||
		    op->kind == OP_ALTER_OBJECT) && o != NULL &&
		    o->kind == SCHEMA_OBJ_TRIGGER && strcmp(o->name, name) == 0)
			return 1;
	}
	return 0;
}

/*
 * The rebuild of one table: see the comment atop the file. The rows keep
 * their rowids; a column that becomes NOT NULL with a default takes the
 * default where it was NULL.
 */
static void
sqlite_render_rebuild(struct sqlite_render *r, struct sqlite_rebuild *rb)
{
	struct strbuf			*out = r->out;
	struct strbuf			 tmp = STRBUF_INIT;
	struct strbuf			 cols = STRBUF_INIT;
	struct strbuf			 vals = STRBUF_INIT;
	const struct schema_table	*ft = rb->ft, *tt = rb->tt;
	const struct schema_column	*tc, *fc;
	const char			*rowid = NULL, *src = ft->name;
	static const char *const	 rowids[] = {
		"rowid", "_rowid_", "oid"
	};
	int				 alias_copied = 0;
	size_t				 i;

	strbuf_addf(&tmp, SQLITE_RENDER_NEW_PREFIX "%s", rb->name);
	/* a rename, done in place before, gave the table its new name */
	if (sqlite_render_rename_of_table(r, tt->name) != NULL)
		src = tt->name;
	/* a virtual table's rows are its module's: made again, empty */
	if (ft->vtab != NULL || tt->vtab != NULL) {
		for (i = 0; i < r->d->n; i++) {
			if (r->d->v[i].table == tt)
				sqlite_render_warning(out, &r->d->v[i]);
		}
		strbuf_addstr(out, "DROP TABLE ");
		sqlite_render_quote(out, src);
		strbuf_addstr(out, ";\n");
		sqlite_render_create_table(out, tt, tt->name);
		rb->done = 1;
		strbuf_release(&tmp);
		return;
	}
	for (i = 0; i < r->d->n; i++) {
		const struct op	*op = &r->d->v[i];

		if (op->table != NULL && op->kind != OP_DROP_TABLE &&
		    op->kind != OP_CREATE_TABLE && strcmp(
		    sqlite_render_to_name(r, op->table->name), rb->name) == 0)
			sqlite_render_warning(out, op);
	}
	strbuf_addstr(out, SQLITE_RENDER_FK_OFF);
	sqlite_render_create_table(out, tt, tmp.buf);

	for (i = 0; i < tt->ncolumns; i++) {
		tc = tt->columns[i];
		if (tc->generated != NULL || tc->hidden)
			continue;
		fc = sqlite_render_source_column(r, ft, tc);
		if (fc == NULL || fc->hidden)
			continue;
		if (cols.len > 0) {
			strbuf_addstr(&cols, ", ");
			strbuf_addstr(&vals, ", ");
		}
		sqlite_render_quote(&cols, tc->name);
		if (tc->notnull && !fc->notnull && tc->default_sql != NULL) {
			strbuf_addstr(&vals, "coalesce(");
			sqlite_render_quote(&vals, fc->name);
			strbuf_addf(&vals, ", %s)", tc->default_sql);
		} else {
			sqlite_render_quote(&vals, fc->name);
		}
		if (sqlite_render_integer_pk(tt) && strcmp(tc->name,
		    tt->pk->columns.v[0]) == 0)
			alias_copied = 1;
	}
	/* keep the rowids, unless the INTEGER PRIMARY KEY carries them */
	if (!ft->without_rowid && !tt->without_rowid && !alias_copied) {
		for (i = 0; i < 3 && rowid == NULL; i++) {
			if (schema_find_column(ft, rowids[i]) == NULL &&
			    schema_find_column(tt, rowids[i]) == NULL)
				rowid = rowids[i];
		}
	}
	if (cols.len > 0 || rowid != NULL) {
		strbuf_addstr(out, "INSERT INTO ");
		sqlite_render_quote(out, tmp.buf);
		strbuf_addf(out, " (%s%s%s) SELECT %s%s%s FROM ",
		    rowid != NULL ? rowid : "",
		    rowid != NULL && cols.len > 0 ? ", " : "", cols.buf,
		    rowid != NULL ? rowid : "",
		    rowid != NULL && cols.len > 0 ? ", " : "", vals.buf);
		sqlite_render_quote(out, src);
		strbuf_addstr(out, ";\n");
	}
	if (tt->autoincrement && ft->autoincrement) {
		/* the counter, not only the largest rowid left */
		strbuf_addstr(out, "DELETE FROM sqlite_sequence WHERE name = ");
		dialect_quote_literal_std(out, tmp.buf);
		strbuf_addstr(out, " AND EXISTS (SELECT 1 FROM sqlite_sequence "
		    "WHERE name = ");
		dialect_quote_literal_std(out, src);
		strbuf_addstr(out, ");\n");
		strbuf_addstr(out, "INSERT INTO sqlite_sequence (name, seq) "
		    "SELECT ");
		dialect_quote_literal_std(out, tmp.buf);
		strbuf_addstr(out, ", seq FROM sqlite_sequence WHERE name = ");
		dialect_quote_literal_std(out, src);
		strbuf_addstr(out, ";\n");
	}
	strbuf_addstr(out, "DROP TABLE ");
	sqlite_render_quote(out, src);
	strbuf_addstr(out, ";\n");
	/*
	 * Legacy rename: do not check or rewrite the views and triggers
	 * that name the table; they read the new one once it has the name.
	 */
	strbuf_addstr(out, "PRAGMA legacy_alter_table = ON;\n");
	strbuf_addstr(out, "ALTER TABLE ");
	sqlite_render_quote(out, tmp.buf);
	strbuf_addstr(out, " RENAME TO ");
	sqlite_render_quote(out, tt->name);
	strbuf_addstr(out, ";\n");
	strbuf_addstr(out, "PRAGMA legacy_alter_table = OFF;\n");
	for (i = 0; i < tt->nindexes; i++)
		sqlite_render_create_index(out, tt, tt->indexes[i]);
	for (i = 0; i < r->from->ntriggers; i++) {
		const struct schema_trigger *g = r->from->triggers[i];

		if (strcmp(g->table, ft->name) == 0 && g->sql != NULL &&
		    !sqlite_render_trigger_dropped(r, g->name))
			sqlite_render_sql_stmt(out, g->sql);
	}
	strbuf_addstr(out, "PRAGMA foreign_key_check;\n");
	rb->done = 1;
	strbuf_release(&tmp);
	strbuf_release(&cols);
	strbuf_release(&vals);
}

/* One op that is not part of a rebuild. */
static void
sqlite_render_op(struct sqlite_render *r, const struct op *op)
{
	struct strbuf			*out = r->out;
	const struct schema_column	*c;
	const struct schema_table	*t = op->table;
	char				*text = NULL;

	switch (op->kind) {
	case OP_CREATE_TABLE:
		sqlite_render_create_table(out, op->new, t->name);
		break;
	case OP_DROP_TABLE:
		sqlite_render_warning(out, op);
		strbuf_addstr(out, "DROP TABLE ");
		sqlite_render_quote(out, t->name);
		strbuf_addstr(out, ";\n");
		break;
	case OP_RENAME_TABLE: {
		const char	*from = ((const struct schema_table *)
				    op->old)->name;

		/* SQLite refuses a new name that differs only in case */
		if (strcasecmp(from, t->name) == 0) {
			strbuf_addstr(out, "ALTER TABLE ");
			sqlite_render_quote(out, from);
			strbuf_addstr(out, " RENAME TO ");
			sqlite_render_quote(out, SQLITE_RENDER_NEW_PREFIX);
			strbuf_addstr(out, ";\n");
			from = SQLITE_RENDER_NEW_PREFIX;
		}
		strbuf_addstr(out, "ALTER TABLE ");
		sqlite_render_quote(out, from);
		strbuf_addstr(out, " RENAME TO ");
		sqlite_render_quote(out, t->name);
		strbuf_addstr(out, ";\n");
		break;
	}
	case OP_RENAME_COLUMN:
		strbuf_addstr(out, "ALTER TABLE ");
		sqlite_render_quote(out, t->name);
		strbuf_addstr(out, " RENAME COLUMN ");
		sqlite_render_quote(out,
		    ((const struct schema_column *)op->old)->name);
		strbuf_addstr(out, " TO ");
		sqlite_render_quote(out,
		    ((const struct schema_column *)op->new)->name);
		strbuf_addstr(out, ";\n");
		break;
	case OP_ADD_COLUMN:
		c = op->new;
		strbuf_addstr(out, "ALTER TABLE ");
		sqlite_render_quote(out, t->name);
		strbuf_addstr(out, " ADD COLUMN ");
		if (t->sql != NULL)
			text = sqlite_render_column_text(t->sql, c->name);
		if (text != NULL)
			strbuf_addstr(out, text);
		else
			sqlite_render_column_def(out, c);
		strbuf_addstr(out, ";\n");
		xfree(text);
		break;
	case OP_DROP_COLUMN:
		sqlite_render_warning(out, op);
		strbuf_addstr(out, "ALTER TABLE ");
		sqlite_render_quote(out, sqlite_render_to_name(r, t->name));
		strbuf_addstr(out, " DROP COLUMN ");
		sqlite_render_quote(out,
		    ((const struct schema_column *)op->old)->name);
		strbuf_addstr(out, ";\n");
		break;
	case OP_CREATE_INDEX:
		sqlite_render_create_index(out, t, op->new);
		break;
	case OP_RENAME_INDEX:	/* SQLite cannot rename an index */
		strbuf_addstr(out, "DROP INDEX ");
		sqlite_render_quote(out, op->old_name);
		strbuf_addstr(out, ";\n");
		sqlite_render_create_index(out, t, op->new);
		break;
	case OP_DROP_INDEX:
		strbuf_addstr(out, "DROP INDEX ");
		sqlite_render_quote(out,
		    ((const struct schema_index *)op->old)->name);
		strbuf_addstr(out, ";\n");
		break;
	case OP_DROP_VIEW:
		sqlite_render_warning(out, op);
		strbuf_addstr(out, "DROP VIEW ");
		sqlite_render_quote(out,
		    ((const struct schema_view *)op->old)->name);
		strbuf_addstr(out, ";\n");
		break;
	case OP_CREATE_VIEW:
		strbuf_addstr(out, "CREATE VIEW ");
		sqlite_render_quote(out,
		    ((const struct schema_view *)op->new)->name);
		strbuf_addstr(out, " AS ");
		sqlite_render_sql_stmt(out,
		    ((const struct schema_view *)op->new)->definition);
		break;
	case OP_DROP_OBJECT:
	case OP_ALTER_OBJECT:
	case OP_CREATE_OBJECT:
		sqlite_render_trigger(r, op);
		break;
	default:
		/*
		 * Comments: SQLite has none. Foreign keys of tables created
		 * or dropped here go with their CREATE or DROP TABLE.
		 */
		break;
	}
}

/* See dialect.h. */
int
sqlite_render(struct strbuf *out, const struct diff *d,
    const struct schema *from, const struct schema *to, struct err *err)
{
	struct sqlite_render	 r;
	struct sqlite_rebuild	*rb;
	size_t			 i, j;
	int			 rc;

	memset(&r, 0, sizeof r);
	r.out = out;
	r.d = d;
	r.from = from;
	r.to = to;
	if ((rc = sqlite_render_plan(&r, err)) != 0)
		goto done;
	for (i = 0; i < d->n; i++) {
		const struct op	*op = &d->v[i];

		rb = NULL;
		if (op->table != NULL && op->kind != OP_CREATE_TABLE &&
		    op->kind != OP_DROP_TABLE && op->kind != OP_RENAME_TABLE)
			rb = sqlite_render_find_rebuild(&r,
			    sqlite_render_to_name(&r, op->table->name));
		if (rb == NULL)
			sqlite_render_op(&r, op);
		for (j = 0; j < r.nrb; j++) {
			if (!r.rb[j].done && r.rb[j].last == i)
				sqlite_render_rebuild(&r, &r.rb[j]);
		}
	}
	for (j = 0; j < r.nrb; j++) {
		if (!r.rb[j].done)
			sqlite_render_rebuild(&r, &r.rb[j]);
	}
done:
	xfree(r.rb);
	return rc;
}
