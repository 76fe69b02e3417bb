/*
 * migrate check: the CI gate. The revision graph has the heads it
 * should, the database is at them, no applied revision's script was
 * edited since it ran, and the database equals the model; or it says
 * each place where that is not so, one line each, and exits 1.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "gitref.h"
#include "lint.h"
#include "version.h"
#include "util/json.h"

static int	cmd_check_exec(struct cmd_ctx *, struct args *, struct err *);

static const struct cmd_opt cmd_check_opts[] = {
	{ "heads", 0, "rev,...", "the heads the graph must have (default: "
	    "exactly one)" },
	{ "replay", 0, NULL, "build a scratch database from base to head and "
	    "compare it with the model, instead of the database" },
	{ "stairway", 0, NULL, "with --replay, walk each revision up, down "
	    "and up again" },
	{ "base", 0, "ref", "fail when a revision at this git ref was edited "
	    "or deleted, or new ones do not build on its head" },
	{ "lint", 0, NULL, "lint the revisions not applied yet for risky "
	    "changes (all of them with --replay)" },
	{ "strict", 0, NULL, "with --lint, a lint warning fails the check" },
	{ "format", 0, "text|json", "the output format (json: see JSON "
	    "OUTPUT in migrate(1))" },
	{ NULL, 0, NULL, NULL }
};

const struct cmd_entry cmd_check_entry = {
	.name = "check",
	.usage = "[--replay [--stairway]] [--lint [--strict]] [--base ref] "
	    "[--heads rev,...] [--format json]",
	.summary = "Check that revisions, database and model agree (for CI).",
	.opts = cmd_check_opts,
	.nargs_min = 0,
	.nargs_max = 0,
	.flags = CMD_NEEDS_CONFIG,
	.exec = cmd_check_exec
};

/* What check found: one line a problem, printed at the end. */
struct cmd_check {
	struct cmd_ctx	*ctx;
	const struct graph *g;
	struct strbuf	 out;
	size_t		 nproblems;
	struct strbuf	 warn;		/* lint lines that do not fail it */
	/* how a difference is told: "drift", "the model", "the database" */
	const char	*tag;
	const char	*model;
	const char	*db;
};

static void
cmd_check_problem(struct cmd_check *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
cmd_check_problem(struct cmd_check *c, const char *fmt, ...)
{
	va_list		 ap;
	size_t		 start = c->out.len;

	va_start(ap, fmt);
	strbuf_vaddf(&c->out, fmt, ap);
	va_end(ap);
	/* one line, whatever names or messages hold */
	dialect_comment_end(&c->out, start);
	c->nproblems++;
}

/* "id (message)" of a revision. */
static void
cmd_check_rev(struct strbuf *out, const struct rev *r)
{
	strbuf_addstr(out, r->id);
	if (r->script->message != NULL && *r->script->message != '\0')
		strbuf_addf(out, " (%s)", r->script->message);
}

/* The graph has one head, or exactly the heads --heads names. */
static int
cmd_check_heads(struct cmd_check *c, const char *want, struct err *err)
{
	struct revset	 named = REVSET_INIT;
	struct target	 t;
	struct strbuf	 sb = STRBUF_INIT;
	const char	*p;
	size_t		 i, len;
	int		 rc = 0;

	memset(&t, 0, sizeof t);
	for (p = want; p != NULL && *p != '\0' && rc == 0; p += len) {
		char	*one;

		p += strspn(p, ", ");
		if ((len = strcspn(p, ", ")) == 0)
			break;
		one = xstrndup(p, len);
		if ((rc = graph_resolve(&t, c->g, one, NULL, err)) == 0) {
			for (i = 0; i < t.revs.n; i++)
				revset_add(&named, t.revs.v[i]);
		}
		target_release(&t);
		xfree(one);
	}
	if (rc != 0) {
		err->code = rc = MG_EUSAGE;	/* --heads names nothing */
		goto done;
	}
	for (i = 0; i < c->g->nheads; i++) {
		if (i > 0)
			strbuf_addstr(&sb, ", ");
		cmd_check_rev(&sb, c->g->heads[i]);
	}
	if (want == NULL && c->g->nheads > 1) {
		cmd_check_problem(c, "heads: %zu heads, %s: merge them "
		    "(migrate merge heads) or name them with --heads",
		    c->g->nheads, sb.buf);
	} else if (want != NULL) {
		for (i = 0; i < c->g->nheads; i++) {
			if (!revset_has(&named, c->g->heads[i]))
				cmd_check_problem(c, "heads: %s is a head that "
				    "--heads does not name", c->g->heads[i]->id);
		}
		for (i = 0; i < named.n; i++) {
			if (named.v[i]->nchildren > 0)
				cmd_check_problem(c, "heads: %s is not a head "
				    "(%zu revision%s build%s on it)",
				    named.v[i]->id, named.v[i]->nchildren,
				    named.v[i]->nchildren == 1 ? "" : "s",
				    named.v[i]->nchildren == 1 ? "s" : "");
		}
	}
done:
	revset_release(&named);
	strbuf_release(&sb);
	return rc;
}

/* The revisions upgrade head would run, one problem each. */
static int
cmd_check_pending(struct cmd_check *c, const struct revset *rows,
    size_t *npending, struct err *err)
{
	struct target	 t;
	struct plan	 p;
	struct strbuf	 sb = STRBUF_INIT;
	size_t		 i;
	int		 rc;

	memset(&t, 0, sizeof t);
	memset(&p, 0, sizeof p);
	*npending = 0;
	if ((rc = graph_resolve(&t, c->g, "heads", rows, err)) != 0 ||
	    (rc = graph_plan(&p, c->g, rows, &t, 1, err)) != 0)
		goto done;
	for (i = 0; i < rows->n; i++)
		strbuf_addf(&sb, "%s%s", i ? ", " : "", rows->v[i]->id);
	for (i = 0; i < p.n; i++) {
		struct strbuf	 r = STRBUF_INIT;

		cmd_check_rev(&r, p.v[i].rev);
		cmd_check_problem(c, "pending: %s is not applied (the database "
		    "is at %s)", r.buf, rows->n > 0 ? sb.buf : "base");
		strbuf_release(&r);
	}
	*npending = p.n;
done:
	plan_release(&p);
	target_release(&t);
	strbuf_release(&sb);
	return rc;
}

/*
 * Applied revisions whose upgrade part is not what ran: the checksum of
 * its last successful upgrade in the history table against the script's.
 * Revisions stamped without running have no checksum and are skipped.
 */
static int
cmd_check_edited(struct cmd_check *c, struct version *v,
    const struct revset *rows, struct err *err)
{
	struct rows	*r = NULL;
	struct strbuf	 sql = STRBUF_INIT;
	unsigned char	*applied;
	const char	**sums;
	char		 now[65];
	size_t		 i;
	int		 rc, exists = 0;

	applied = xcalloc(c->g->nrevs + 1, 1);
	sums = xcalloc(c->g->nrevs + 1, sizeof *sums);
	if ((rc = v->dialect->table_exists(&exists, v->conn, v->schema,
	    v->history, err)) != 0 || !exists)
		goto done;
	graph_ancestors(applied, c->g, rows);
	strbuf_addf(&sql, "SELECT revision, checksum FROM %s WHERE direction "
	    "= 'upgrade' AND status = 'ok' AND checksum IS NOT NULL ORDER BY "
	    "id", v->ht.buf);
	if ((rc = v->dialect->query(&r, v->conn, sql.buf, NULL, 0, err)) != 0)
		goto done;
	for (i = 0; i < r->nrows; i++) {	/* the last run wins */
		struct rev	*x = graph_get(c->g, rows_get(r, i, 0));

		if (x != NULL)
			sums[x->index] = rows_get(r, i, 1);
	}
	for (i = 0; i < c->g->nrevs; i++) {
		struct rev	*x = c->g->order[i];

		if (!applied[x->index] || sums[x->index] == NULL)
			continue;
		script_checksum(now, x->script, 1);
		if (strcmp(now, sums[x->index]) != 0)
			cmd_check_problem(c, "edited: %s: the upgrade part of "
			    "revision %s changed after it was applied (it ran "
			    "as %.12s, the file now has %.12s); write a new "
			    "revision instead", x->script->path, x->id,
			    sums[x->index], now);
	}
done:
	rows_free(r);
	strbuf_release(&sql);
	xfree(applied);
	xfree(sums);
	return rc;
}

/* "TYPE NOT NULL DEFAULT x" of a column. */
static void
cmd_check_column(struct strbuf *out, const struct schema_column *col)
{
	strbuf_addstr(out, col->type);
	if (col->notnull)
		strbuf_addstr(out, " NOT NULL");
	if (col->default_sql != NULL)
		strbuf_addf(out, " DEFAULT %s", col->default_sql);
	if (col->generated != NULL)
		strbuf_addf(out, " GENERATED (%s)", col->generated);
}

static void
cmd_check_list(struct strbuf *out, const struct strv *v)
{
	size_t	 i;

	strbuf_addch(out, '(');
	for (i = 0; i < v->n; i++)
		strbuf_addf(out, "%s%s", i ? ", " : "", v->v[i]);
	strbuf_addch(out, ')');
}

static const char *
cmd_check_or(const char *s, const char *none)
{
	return s != NULL ? s : none;
}

/* One aspect of a column that differs: what the model and database say. */
static void
cmd_check_aspect(struct cmd_check *c, const struct op *op,
    const char *what, const char *model, const char *db)
{
	const struct schema_column	*tc = op->new;

	cmd_check_problem(c, "%s: column %s.%s: %s is %s in %s, %s in %s",
	    c->tag, op->table->name, tc->name, what, model, c->model, db,
	    c->db);
}

/* "in the model only" or "in the database only" */
static const char *
cmd_check_side(const struct cmd_check *c, int model, struct strbuf *sb)
{
	strbuf_reset(sb);
	strbuf_addf(sb, "in %s only", model ? c->model : c->db);
	return sb->buf;
}

/*
 * One op of the diff from the database to the model, as what differs:
 * "in the model only" is what the upgrade would add.
 */
static void
cmd_check_op(struct cmd_check *c, const struct op *op)
{
	struct strbuf			 sb = STRBUF_INIT, side = STRBUF_INIT;
	const struct schema_column	*fc = op->old, *tc = op->new;
	const char			*t = op->table != NULL ?
					    op->table->name : "";
	const char			*tag = c->tag;

	switch (op->kind) {
	case OP_CREATE_TABLE:
	case OP_DROP_TABLE:
		cmd_check_problem(c, "%s: table %s: %s", tag, t,
		    cmd_check_side(c, op->kind == OP_CREATE_TABLE, &side));
		break;
	case OP_ADD_COLUMN:
	case OP_DROP_COLUMN:
		cmd_check_column(&sb, op->kind == OP_ADD_COLUMN ? tc : fc);
		cmd_check_problem(c, "%s: column %s.%s: %s (%s)", tag, t,
		    op->kind == OP_ADD_COLUMN ? tc->name : fc->name,
		    cmd_check_side(c, op->kind == OP_ADD_COLUMN, &side),
		    sb.buf);
		break;
	case OP_ALTER_COLUMN:
		if (op->change & OP_CHANGE_TYPE)
			cmd_check_aspect(c, op, "the type", tc->type, fc->type);
		if (op->change & OP_CHANGE_NULL)
			cmd_check_aspect(c, op, "nullability", tc->notnull ?
			    "NOT NULL" : "NULL", fc->notnull ? "NOT NULL" :
			    "NULL");
		if (op->change & OP_CHANGE_DEFAULT)
			cmd_check_aspect(c, op, "the default",
			    cmd_check_or(tc->default_sql, "none"),
			    cmd_check_or(fc->default_sql, "none"));
		if (op->change & OP_CHANGE_IDENTITY)
			cmd_check_aspect(c, op, "identity", tc->identity ?
			    "an identity" : "none", fc->identity ?
			    "an identity" : "none");
		if (op->change & OP_CHANGE_GENERATED)
			cmd_check_aspect(c, op, "the generated expression",
			    cmd_check_or(tc->generated, "none"),
			    cmd_check_or(fc->generated, "none"));
		if (op->change & OP_CHANGE_COLLATION)
			cmd_check_aspect(c, op, "the collation",
			    cmd_check_or(tc->collation, "the default"),
			    cmd_check_or(fc->collation, "the default"));
		break;
	case OP_ADD_PK:
	case OP_DROP_PK:
	case OP_ADD_UNIQUE:
	case OP_DROP_UNIQUE: {
		int			 add = op->kind == OP_ADD_PK ||
					    op->kind == OP_ADD_UNIQUE;
		const struct schema_key	*k = add ? op->new : op->old;

		cmd_check_list(&sb, &k->columns);
		cmd_check_problem(c, "%s: table %s: %s %s%s%s %s", tag, t,
		    op->kind == OP_ADD_PK || op->kind == OP_DROP_PK ?
		    "primary key" : "unique constraint",
		    cmd_check_or(k->name, ""), k->name != NULL ? " " : "",
		    sb.buf, cmd_check_side(c, add, &side));
		break;
	}
	case OP_ADD_CHECK:
	case OP_DROP_CHECK: {
		const struct schema_check *k = op->kind == OP_ADD_CHECK ?
					    op->new : op->old;

		cmd_check_problem(c, "%s: table %s: check constraint %s%s"
		    "CHECK (%s) %s", tag, t, cmd_check_or(k->name, ""),
		    k->name != NULL ? " " : "", k->expr, cmd_check_side(c,
		    op->kind == OP_ADD_CHECK, &side));
		break;
	}
	case OP_ADD_FK:
	case OP_DROP_FK: {
		const struct schema_fk	*k = op->kind == OP_ADD_FK ?
					    op->new : op->old;

		cmd_check_list(&sb, &k->columns);
		strbuf_addf(&sb, " REFERENCES %s ", k->ref_table);
		cmd_check_list(&sb, &k->ref_columns);
		if (k->on_delete != NULL && strcmp(k->on_delete,
		    "NO ACTION") != 0)
			strbuf_addf(&sb, " ON DELETE %s", k->on_delete);
		if (k->on_update != NULL && strcmp(k->on_update,
		    "NO ACTION") != 0)
			strbuf_addf(&sb, " ON UPDATE %s", k->on_update);
		cmd_check_problem(c, "%s: table %s: foreign key %s%s%s %s", tag,
		    t, cmd_check_or(k->name, ""), k->name != NULL ? " " : "",
		    sb.buf, cmd_check_side(c, op->kind == OP_ADD_FK, &side));
		break;
	}
	case OP_CREATE_INDEX:
	case OP_DROP_INDEX: {
		const struct schema_index *x = op->kind == OP_CREATE_INDEX ?
					    op->new : op->old;

		if (x->sql != NULL)
			strbuf_addstr(&sb, x->sql);
		else
			cmd_check_list(&sb, &x->keys);
		cmd_check_problem(c, "%s: table %s: index %s %s: %s", tag, t,
		    x->name, cmd_check_side(c, op->kind == OP_CREATE_INDEX,
		    &side), sb.buf);
		break;
	}
	case OP_CREATE_VIEW:
	case OP_DROP_VIEW: {
		const struct schema_view *x = op->kind == OP_CREATE_VIEW ?
					    op->new : op->old;

		cmd_check_problem(c, "%s: view %s: %s the definition %s", tag,
		    x->name, op->kind == OP_CREATE_VIEW ? "the model's" :
		    "this", cmd_check_side(c, op->kind == OP_CREATE_VIEW,
		    &side));
		break;
	}
	case OP_RENAME_TABLE:
		cmd_check_problem(c, "%s: table %s: named %s in %s", tag, t,
		    ((const struct schema_table *)op->old)->name, c->db);
		break;
	case OP_RENAME_COLUMN:
		cmd_check_problem(c, "%s: column %s.%s: named %s in %s", tag, t,
		    tc->name, fc->name, c->db);
		break;
	case OP_RENAME_CONSTRAINT:
	case OP_RENAME_INDEX:
		cmd_check_problem(c, "%s: table %s: %s %s is named %s in %s",
		    tag, t, op->kind == OP_RENAME_INDEX ? "index" :
		    "constraint", op->new_name, op->old_name, c->db);
		break;
	case OP_CREATE_OBJECT:
	case OP_DROP_OBJECT:
	case OP_ALTER_OBJECT: {
		const struct schema_object *o = op->new != NULL ? op->new :
					    op->old;

		cmd_check_problem(c, "%s: %s %s: %s", tag,
		    schema_object_kind_name(o->kind), o->identity,
		    op->kind == OP_ALTER_OBJECT ? "differs" :
		    cmd_check_side(c, op->kind == OP_CREATE_OBJECT, &side));
		break;
	}
	case OP_COMMENT_TABLE:
		cmd_check_problem(c, "%s: table %s: the comment differs", tag,
		    t);
		break;
	case OP_COMMENT_COLUMN:
		cmd_check_problem(c, "%s: column %s.%s: the comment differs",
		    tag, t, tc->name);
		break;
	default:
		cmd_check_problem(c, "%s: %s%s%s", tag, diff_op_name(op->kind),
		    *t != '\0' ? " " : "", t);
		break;
	}
	strbuf_release(&sb);
	strbuf_release(&side);
}

/*
 * The scratch database of --replay: SQLite in memory; on PostgreSQL a
 * database of its own, created (and dropped after) on the server of
 * dev_url, or of the database URL, which the role must be allowed to.
 */
struct cmd_check_scratch {
	struct conn	*admin;		/* PostgreSQL: where it is created */
	struct conn	*conn;
	struct url	*url;
	char		*name;		/* PostgreSQL: the database */
};

static int
cmd_check_scratch_open(struct cmd_check_scratch *sc, struct cmd_ctx *ctx,
    struct err *err)
{
	struct strbuf	 sql = STRBUF_INIT;
	const char	*dev = config_get(ctx->config, "dev_url");
	int		 rc;

	memset(sc, 0, sizeof *sc);
	if ((rc = cmd_url(ctx, err)) != 0)
		return rc;
	if (ctx->url->kind == URL_SQLITE) {
		if ((rc = url_parse(&sc->url, "sqlite://", err)) != 0)
			return rc;
		return dialect_connect(&sc->conn, sc->url, err);
	}
	if ((rc = url_parse(&sc->url, dev != NULL && *dev != '\0' ? dev :
	    config_url(ctx->config, ctx->url_flag, ctx->url_env), err)) != 0)
		return rc;
	/* as createdb: the server's maintenance database, not the URL's */
	xfree(sc->url->database);
	sc->url->database = xstrdup("postgres");
	if ((rc = dialect_connect(&sc->admin, sc->url, err)) != 0) {
		xfree(sc->url->database);
		sc->url->database = xstrdup("template1");
		err_release(err);
		if ((rc = dialect_connect(&sc->admin, sc->url, err)) != 0)
			return rc;
	}
	strbuf_addf(&sql, "migrate_replay_%ld_%ld", (long)getpid(),
	    (long)time(NULL));
	sc->name = strbuf_detach(&sql, NULL);
	strbuf_addstr(&sql, "CREATE DATABASE ");
	dialect_quote_ident_std(&sql, sc->name);
	if ((rc = sc->admin->dialect->exec(sc->admin, sql.buf, err)) != 0) {
		xfree(sc->name);
		sc->name = NULL;
		strbuf_release(&sql);
		err_wrap(err, rc, "check --replay creates a scratch database "
		    "and could not");
		err_append(err, " (grant CREATEDB, or set dev_url to a server "
		    "where the role may)");
		return rc;
	}
	strbuf_release(&sql);
	xfree(sc->url->database);
	sc->url->database = xstrdup(sc->name);
	return dialect_connect(&sc->conn, sc->url, err);
}

static void
cmd_check_scratch_close(struct cmd_check_scratch *sc)
{
	struct strbuf	 sql = STRBUF_INIT;
	struct err	 err = ERR_INIT;

	dialect_disconnect(sc->conn);
	if (sc->name != NULL) {
		strbuf_addstr(&sql, "DROP DATABASE IF EXISTS ");
		dialect_quote_ident_std(&sql, sc->name);
		(void)sc->admin->dialect->exec(sc->admin, sql.buf, &err);
	}
	dialect_disconnect(sc->admin);
	url_free(sc->url);
	xfree(sc->name);
	strbuf_release(&sql);
	err_release(&err);
	memset(sc, 0, sizeof *sc);
}

/* Run one step; a failure is a problem naming the script and line. */
static int
cmd_check_step(struct cmd_check *c, struct version *v, struct rev *r,
    int upgrade, const struct revset *from, const struct revset *to,
    const char *what)
{
	struct plan	 p;
	struct step	 s;
	struct err	 err = ERR_INIT;
	int		 rc;

	memset(&s, 0, sizeof s);
	s.rev = r;
	s.upgrade = upgrade;
	s.from = *from;
	s.to = *to;
	p.v = &s;
	p.n = p.alloc = 1;
	if ((rc = version_run(v, &p, &err)) != 0) {
		struct strbuf	 where = STRBUF_INIT;

		if (err.path != NULL)
			strbuf_addf(&where, "%s:", err.path);
		if (err.path != NULL && err.line > 0)
			strbuf_addf(&where, "%u:", err.line);
		cmd_check_problem(c, "%s: %s of %s failed: %s%s%s", c->tag,
		    what, r->id, where.buf, where.len > 0 ? " " : "",
		    err.msg != NULL ? err.msg : "");
		strbuf_release(&where);
	}
	err_release(&err);
	return rc;
}

/* The schema of the scratch database now, as diff sees it. */
static int
cmd_check_reflect(struct schema **out, struct cmd_ctx *ctx, struct conn *conn,
    struct err *err)
{
	struct schema_filter	 f;

	memset(&f, 0, sizeof f);
	f.version_table = config_get(ctx->config, "version_table");
	f.history_table = config_get(ctx->config, "history_table");
	return conn->dialect->reflect(out, conn, &f, err);
}

/*
 * --replay: every revision from base to the heads on a scratch database,
 * then the scratch compared with the model. --stairway: each revision
 * up, down (which must give back the schema of before) and up again.
 */
static int
cmd_check_replay(struct cmd_check *c, int stairway, struct err *err)
{
	struct cmd_ctx		*ctx = c->ctx;
	struct cmd_check_scratch sc;
	struct version		 v;
	struct revset		 none = REVSET_INIT;
	struct target		 t;
	struct plan		 p;
	struct cmd_compare	 cmp;
	struct conn		*live;
	struct url		*live_url;
	size_t			 i, j;
	int			 rc, failed = 0;

	memset(&v, 0, sizeof v);
	memset(&t, 0, sizeof t);
	memset(&p, 0, sizeof p);
	memset(&cmp, 0, sizeof cmp);
	c->tag = stairway ? "stairway" : "replay";
	c->db = "the revisions";
	if ((rc = cmd_check_scratch_open(&sc, ctx, err)) != 0 ||
	    (rc = version_init(&v, ctx->config, sc.conn->dialect, sc.conn,
	    err)) != 0)
		goto done;
	v.log = ctx->log;
	v.quiet = 1;
	if ((rc = version_ensure(&v, err)) != 0 ||
	    (rc = graph_resolve(&t, c->g, "heads", &none, err)) != 0 ||
	    (rc = graph_plan(&p, c->g, &none, &t, 1, err)) != 0)
		goto done;
	for (i = 0; i < p.n && !failed; i++) {
		struct step	*s = &p.v[i];
		struct schema	*before = NULL, *after = NULL;
		struct diff	 d = DIFF_INIT;

		if (!stairway) {
			failed = cmd_check_step(c, &v, s->rev, 1, &s->from,
			    &s->to, "the upgrade") != 0;
			continue;
		}
		if ((rc = cmd_check_reflect(&before, ctx, sc.conn, err)) != 0)
			goto done;
		failed = cmd_check_step(c, &v, s->rev, 1, &s->from, &s->to,
		    "the upgrade") != 0 || cmd_check_step(c, &v, s->rev, 0,
		    &s->to, &s->from, "the downgrade") != 0;
		if (!failed && (rc = cmd_check_reflect(&after, ctx, sc.conn,
		    err)) == 0) {
			struct strbuf	 tag = STRBUF_INIT;

			strbuf_addf(&tag, "stairway: the downgrade of %s",
			    s->rev->id);
			c->tag = tag.buf;
			c->model = "the schema before its upgrade";
			c->db = "the schema it leaves";
			diff_schemas(&d, after, before);
			for (j = 0; j < d.n; j++)
				cmd_check_op(c, &d.v[j]);
			c->tag = "stairway";
			c->model = "the model";
			c->db = "the revisions";
			strbuf_release(&tag);
			failed = d.n > 0;
		}
		diff_release(&d);
		schema_free(before);
		schema_free(after);
		if (rc != 0)
			goto done;
		if (!failed)
			failed = cmd_check_step(c, &v, s->rev, 1, &s->from,
			    &s->to, "the upgrade after the downgrade") != 0;
	}
	if (failed)
		goto done;
	/* what the revisions built, against the model */
	live = ctx->conn;
	live_url = ctx->url;
	ctx->conn = sc.conn;
	ctx->url = sc.url;
	rc = cmd_compare(&cmp, ctx, NULL, err);
	ctx->conn = live;
	ctx->url = live_url;
	if (rc != 0)
		goto done;
	c->tag = "replay";
	for (i = 0; i < cmp.ops.n; i++)
		cmd_check_op(c, &cmp.ops.v[i]);
done:
	cmd_compare_release(&cmp);
	plan_release(&p);
	target_release(&t);
	version_release(&v);
	cmd_check_scratch_close(&sc);
	return rc;
}

/*
 * --base REF: the revisions at a git ref (what production may have run)
 * are still there, byte for byte, and the new work builds on its heads:
 * each new revision that stands only on revisions at REF (where a branch
 * of new work starts) revises heads at REF, never a revision that REF
 * already built on. A new base (no Revises) is left to the heads check.
 */
static int
cmd_check_base(struct cmd_check *c, const char *ref, struct err *err)
{
	struct script	**v = NULL;
	unsigned char	*atref, *ishead, *above, *below;
	struct revset	 one = REVSET_INIT;
	size_t		 n = 0, i, j, k;
	int		 rc;

	if ((rc = gitref_scripts(&v, &n, c->ctx->config, ref, err)) != 0)
		return rc;
	atref = xcalloc(c->g->nrevs + 1, 1);
	ishead = xcalloc(c->g->nrevs + 1, 1);
	above = xcalloc(c->g->nrevs + 1, 1);
	below = xcalloc(c->g->nrevs + 1, 1);
	for (i = 0; i < n; i++) {
		const struct rev	*r = graph_get(c->g, v[i]->rev);

		if (r == NULL)
			cmd_check_problem(c, "base: revision %s (%s) is at %s "
			    "but was deleted; a database may have run it: "
			    "restore it", v[i]->rev, v[i]->path, ref);
		else if (r->script->len != v[i]->len || memcmp(r->script->text,
		    v[i]->text, v[i]->len) != 0)
			cmd_check_problem(c, "base: %s: revision %s was edited "
			    "since %s, where a database may have run it; "
			    "write a new revision instead", r->script->path,
			    r->id, ref);
		if (r == NULL)
			continue;
		atref[r->index] = 1;
		ishead[r->index] = 1;
	}
	/* a head at ref: nothing there revises it */
	for (i = 0; i < n; i++) {
		for (k = 0; k < v[i]->ndown; k++) {
			const struct rev *d = graph_get(c->g, v[i]->down[k]);

			if (d != NULL)
				ishead[d->index] = 0;
		}
	}
	for (i = 0; i < c->g->nrevs; i++) {
		const struct rev	*r = c->g->order[i];
		const struct rev	*p = NULL, *h = NULL;

		if (atref[r->index])
			continue;
		for (j = 0; j < r->nparents && atref[r->parents[j]->index];
		    j++)
			;
		if (j < r->nparents)
			continue;	/* it stands on new work: not a start */
		for (j = 0; j < r->nparents && p == NULL; j++) {
			if (!ishead[r->parents[j]->index])
				p = r->parents[j];
		}
		if (p == NULL)
			continue;	/* on heads at ref, or a new base */
		/* the head at ref it should build on: one above p on its
		 * branch that r does not already stand on (a merge) */
		memset(above, 0, c->g->nrevs + 1);
		cmd_revises_above(above, c->g, p);
		memset(below, 0, c->g->nrevs + 1);
		one.n = 0;
		revset_add(&one, (struct rev *)r);
		graph_ancestors(below, c->g, &one);
		for (j = 0; j < c->g->nrevs && h == NULL; j++) {
			if (ishead[j] && above[j] && !below[j])
				h = c->g->order[j];
		}
		if (h != NULL)
			cmd_check_problem(c, "base: revision %s (%s) does not "
			    "build on %s, the head at %s: rebase it (migrate "
			    "revision --rebase %s)", r->id, r->script->path,
			    h->id, ref, r->id);
	}
	xfree(atref);
	xfree(ishead);
	xfree(above);
	xfree(below);
	revset_release(&one);
	gitref_scripts_free(v, n);
	return 0;
}

/*
 * --lint: the findings of every revision not applied (every one when
 * rows is empty), in graph order, as "lint: file:line: [rule] message";
 * problems with --strict, warnings without.
 */
static int
cmd_check_lint(struct cmd_check *c, const struct revset *rows,
    enum sql_flavor flavor, int strict, struct err *err)
{
	struct lint_findings	 f = LINT_FINDINGS_INIT;
	unsigned char		*applied;
	size_t			 i, j;
	int			 rc = 0;

	applied = xcalloc(c->g->nrevs + 1, 1);
	graph_ancestors(applied, c->g, rows);
	for (i = 0; i < c->g->nrevs && rc == 0; i++) {
		const struct rev	*r = c->g->order[i];

		if (applied[r->index])
			continue;
		if ((rc = lint_script(&f, r->script, flavor, err)) != 0)
			break;
		for (j = 0; j < f.n; j++) {
			if (strict) {
				cmd_check_problem(c, "lint: %s:%u: [%s] %s",
				    r->script->path, f.v[j].line, f.v[j].rule,
				    f.v[j].message);
			} else {
				size_t	 start = c->warn.len;

				strbuf_addf(&c->warn, "lint: %s:%u: [%s] %s",
				    r->script->path, f.v[j].line, f.v[j].rule,
				    f.v[j].message);
				dialect_comment_end(&c->warn, start);
			}
		}
		lint_findings_release(&f);
	}
	lint_findings_release(&f);
	xfree(applied);
	return rc;
}

/*
 * {"ok": false, "problems": [{"kind": "drift", "message": "..."}, ...],
 * "warnings": [...]}: each line of c->out (and c->warn), its kind the
 * word before the first colon.
 */
/* "key": [{"kind": ..., "message": ...}, ...] of the lines of text. */
static void
cmd_check_json_list(struct strbuf *sb, const char *key, const char *text)
{
	struct strbuf	 kind = STRBUF_INIT;
	const char	*p, *e, *colon;

	strbuf_addf(sb, ", \"%s\": [", key);
	for (p = text; *p != '\0'; p = e + 1) {
		e = strchr(p, '\n');
		colon = strchr(p, ':');
		strbuf_reset(&kind);
		strbuf_add(&kind, p, (size_t)(colon - p));
		strbuf_addstr(sb, p == text ? "\n  {" : ",\n  {");
		json_key_str(sb, 1, "kind", kind.buf);
		/* the message without its kind */
		strbuf_reset(&kind);
		strbuf_add(&kind, colon + 2, (size_t)(e - colon - 2));
		json_key_str(sb, 0, "message", kind.buf);
		strbuf_addch(sb, '}');
	}
	strbuf_addstr(sb, *text != '\0' ? "\n]" : "]");
	strbuf_release(&kind);
}

static void
cmd_check_json(FILE *out, const struct cmd_check *c)
{
	struct strbuf	 sb = STRBUF_INIT;

	strbuf_addstr(&sb, "{");
	json_key_bool(&sb, 1, "ok", c->nproblems == 0);
	cmd_check_json_list(&sb, "problems", c->out.buf);
	cmd_check_json_list(&sb, "warnings", c->warn.buf);
	fprintf(out, "%s}\n", sb.buf);
	strbuf_release(&sb);
}

static int
cmd_check_exec(struct cmd_ctx *ctx, struct args *args, struct err *err)
{
	struct graph		*g = NULL;
	struct cmd_check	 c;
	struct revset		 rows = REVSET_INIT;
	struct version		 v;
	struct cmd_compare	 cmp;
	struct strbuf		 graph = STRBUF_INIT;
	size_t			 i, npending = 0;
	int			 rc, json, missing = 0;

	memset(&c, 0, sizeof c);
	memset(&v, 0, sizeof v);
	memset(&cmp, 0, sizeof cmp);
	strbuf_init(&c.out, 0);
	strbuf_init(&c.warn, 0);
	c.ctx = ctx;
	c.tag = "drift";
	c.model = "the model";
	c.db = "the database";
	if ((rc = cmd_json(&json, args, err)) != 0)
		goto done;
	/* every script that does not read, every id, parent and cycle */
	if ((rc = graph_load_all(&g, ctx->config, &graph, err)) != 0) {
		const char	*p, *nl;

		if (graph.len == 0)
			goto done;
		err_release(err);
		for (p = graph.buf; (nl = strchr(p, '\n')) != NULL;
		    p = nl + 1)
			cmd_check_problem(&c, "graph: %.*s", (int)(nl - p),
			    p);
		goto report;
	}
	c.g = g;
	if ((rc = cmd_check_heads(&c, args_get(args, "heads"), err)) != 0 ||
	    (args_get(args, "base") != NULL && (rc = cmd_check_base(&c,
	    args_get(args, "base"), err)) != 0) ||
	    (rc = cmd_url(ctx, err)) != 0)
		goto done;
	if ((args_has(args, "stairway") && !args_has(args, "replay")) ||
	    (args_has(args, "strict") && !args_has(args, "lint"))) {
		rc = err_set(err, MG_EUSAGE, "--%s goes with --%s",
		    args_has(args, "strict") && !args_has(args, "lint") ?
		    "strict" : "stairway", args_has(args, "strict") &&
		    !args_has(args, "lint") ? "lint" : "replay");
		goto done;
	}
	if (args_has(args, "replay")) {
		int	 quiet = ctx->quiet;

		ctx->quiet = 1;
		rc = cmd_check_replay(&c, args_has(args, "stairway"), err);
		ctx->quiet = quiet;
		if (rc == 0 && args_has(args, "lint"))
			rc = cmd_check_lint(&c, &rows, ctx->url->kind ==
			    URL_SQLITE ? SQL_SQLITE : SQL_POSTGRES,
			    args_has(args, "strict"), err);
		if (rc != 0)
			goto done;
		goto report;
	}
	/* a SQLite file that is not there is at base: do not create it */
	missing = ctx->url->kind == URL_SQLITE && !ctx->url->memory &&
	    access(ctx->url->path, F_OK) != 0 && errno == ENOENT;
	if (!missing && ((rc = cmd_connect(ctx, err)) != 0 ||
	    (rc = version_init(&v, ctx->config, ctx->conn->dialect,
	    ctx->conn, err)) != 0 || (rc = version_rows(&rows, &v, g,
	    err)) != 0 || (rc = cmd_check_edited(&c, &v, &rows, err)) != 0))
		goto done;
	if ((rc = cmd_check_pending(&c, &rows, &npending, err)) != 0 ||
	    (args_has(args, "lint") && (rc = cmd_check_lint(&c, &rows,
	    ctx->url->kind == URL_SQLITE ? SQL_SQLITE : SQL_POSTGRES,
	    args_has(args, "strict"), err)) != 0))
		goto done;
	/* behind: the model is compared with head, not with this database */
	if (npending == 0 && !missing) {
		int	 quiet = ctx->quiet;

		ctx->quiet = 1;		/* no warnings or hints: findings */
		rc = cmd_compare(&cmp, ctx, NULL, err);
		ctx->quiet = quiet;
		if (rc != 0)
			goto done;
		for (i = 0; i < cmp.ops.n; i++)
			cmd_check_op(&c, &cmp.ops.v[i]);
	}
report:
	if (json) {
		cmd_check_json(ctx->out, &c);
	} else {
		fputs(c.out.buf, ctx->out);
		fputs(c.warn.buf, ctx->out);
	}
	if (c.nproblems > 0) {
		rc = err_set(err, MG_ERROR, "check failed: %zu problem%s%s",
		    c.nproblems, c.nproblems == 1 ? "" : "s", npending > 0 ?
		    " (the model is compared once the database is at head)" :
		    "");
	} else if (!ctx->quiet && args_has(args, "replay")) {
		fprintf(ctx->log, "OK: the revisions build the model from base "
		    "to head%s\n", args_has(args, "stairway") ? ", and each "
		    "downgrade gives back the schema of before its upgrade" :
		    "");
	} else if (!ctx->quiet) {
		fprintf(ctx->log, "OK: the database is at ");
		for (i = 0; i < rows.n; i++)
			fprintf(ctx->log, "%s%s", i ? ", " : "", rows.v[i]->id);
		fprintf(ctx->log, "%s, no applied revision was edited, and "
		    "it equals the model\n", rows.n == 0 ? "base" : "");
	}
done:
	cmd_compare_release(&cmp);
	version_release(&v);
	revset_release(&rows);
	strbuf_release(&c.out);
	strbuf_release(&c.warn);
	strbuf_release(&graph);
	graph_free(g);
	return rc;
}
