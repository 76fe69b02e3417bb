/*
 * migrate create-all: create the model in an empty database and stamp
 * every head, in one transaction under the migration lock (the fast path
 * for a new test database, as Alembic's metadata.create_all() followed by
 * stamp head); with --sql, print that SQL instead.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "model.h"
#include "version.h"

static int	cmd_create_all_exec(struct cmd_ctx *, struct args *,
		    struct err *);

static const struct cmd_opt cmd_create_all_opts[] = {
	{ "sql", 0, NULL, "print the SQL instead of running it" },
	{ NULL, 0, NULL, NULL }
};

const struct cmd_entry cmd_create_all_entry = {
	.name = "create-all",
	.usage = "[--sql]",
	.summary = "Create the model in an empty database and stamp head.",
	.opts = cmd_create_all_opts,
	.nargs_min = 0,
	.nargs_max = 0,
	.flags = CMD_NEEDS_CONFIG,
	.exec = cmd_create_all_exec
};

/* "schema.name", or name alone when it has no schema. */
static void
cmd_create_all_name(struct strbuf *out, const char *schema, const char *name)
{
	if (schema != NULL && *schema != '\0')
		strbuf_addf(out, "%s.", schema);
	strbuf_addstr(out, name);
}

/*
 * MG_ERROR unless the database is empty: nothing in the reflected scope
 * (the version and history tables are not in it) and no version row.
 */
static int
cmd_create_all_check(struct version *v, const struct schema *db,
    struct err *err)
{
	struct strbuf	 what = STRBUF_INIT, sql = STRBUF_INIT;
	struct rows	*r = NULL;
	int		 rc = 0, exists = 0;

	if (db->ntables > 0) {
		strbuf_addstr(&what, "table ");
		cmd_create_all_name(&what, db->tables[0]->schema,
		    db->tables[0]->name);
	} else if (db->nviews > 0) {
		strbuf_addstr(&what, "view ");
		cmd_create_all_name(&what, db->views[0]->schema,
		    db->views[0]->name);
	} else if (db->nenums > 0) {
		strbuf_addstr(&what, "type ");
		cmd_create_all_name(&what, db->enums[0]->schema,
		    db->enums[0]->name);
	} else if (db->ntriggers > 0) {
		strbuf_addf(&what, "trigger %s", db->triggers[0]->name);
	}
	if (what.len > 0) {
		rc = err_set(err, MG_ERROR, "create-all needs an empty "
		    "database: found %s", what.buf);
		goto done;
	}
	if ((rc = v->dialect->table_exists(&exists, v->conn, v->schema,
	    v->table, err)) != 0 || !exists)
		goto done;
	strbuf_addf(&sql, "SELECT version_num FROM %s ORDER BY version_num",
	    v->vt.buf);
	if ((rc = v->dialect->query(&r, v->conn, sql.buf, NULL, 0,
	    err)) != 0)
		goto done;
	if (r->nrows > 0)
		rc = err_set(err, MG_ERROR, "create-all needs an empty "
		    "database: found revision %s in %s",
		    rows_get(r, 0, 0) != NULL ? rows_get(r, 0, 0) : "NULL",
		    v->table);
done:
	rows_free(r);
	strbuf_release(&what);
	strbuf_release(&sql);
	return rc;
}

/* The model's statements as SQL text, each file under a comment. */
static int
cmd_create_all_model_sql(struct strbuf *out, const struct strv *files,
    enum sql_flavor flavor, struct err *err)
{
	struct strbuf		 text = STRBUF_INIT;
	struct sql_stmts	 stmts = SQL_STMTS_INIT;
	size_t			 i, j;
	int			 rc = 0;

	for (i = 0; i < files->n && rc == 0; i++) {
		if ((rc = model_read(&text, &stmts, files->v[i], flavor,
		    err)) != 0)
			break;
		strbuf_addf(out, "-- %s\n", files->v[i]);
		for (j = 0; j < stmts.n; j++)
			strbuf_addf(out, "%s;\n\n", stmts.v[j].sql);
	}
	sqlsplit_release(&stmts);
	strbuf_release(&text);
	return rc;
}

/*
 * Offline: BEGIN, the model, the version tables and the stamp, COMMIT.
 * version_stamp prints its tables before its own BEGIN; that BEGIN is
 * moved up so that the model runs in the same transaction.
 */
static int
cmd_create_all_sql(struct cmd_ctx *ctx, struct version *v,
    const struct strv *files, const struct revset *heads, struct err *err)
{
	struct strbuf	 model = STRBUF_INIT;
	struct revset	 none = REVSET_INIT;
	char		*stamp = NULL, *begin;
	size_t		 len = 0;
	FILE		*f = NULL;
	int		 rc;

	if ((rc = cmd_create_all_model_sql(&model, files, v->dialect->flavor,
	    err)) != 0)
		goto done;
	if ((f = open_memstream(&stamp, &len)) == NULL) {
		rc = err_set(err, MG_EIO, "cannot write output: %s",
		    strerror(errno));
		goto done;
	}
	rc = version_stamp(v, f, &none, heads, 0, err);
	if (fclose(f) != 0 && rc == 0)
		rc = err_set(err, MG_EIO, "cannot write output: %s",
		    strerror(errno));
	if (rc != 0)
		goto done;
	if ((begin = strstr(stamp, "BEGIN;\n\n")) == NULL)
		BUG("version_stamp's SQL has no BEGIN: %s", stamp);
	fprintf(ctx->out, "BEGIN;\n\n%s%.*s%s", model.buf,
	    (int)(begin - stamp), stamp, begin + strlen("BEGIN;\n\n"));
done:
	free(stamp);	/* open_memstream's, from malloc */
	strbuf_release(&model);
	return rc;
}

/* Online, under the lock: check, then model and stamp in one transaction. */
static int
cmd_create_all_run(struct cmd_ctx *ctx, struct version *v,
    const struct strv *files, const struct revset *heads, struct err *err)
{
	struct cmd_compare	 cmp;
	struct revset		 none = REVSET_INIT;
	struct err		 rerr = ERR_INIT;
	int			 rc, quiet = ctx->quiet;

	/*
	 * The database as diff sees it, and the model loaded into scratch
	 * first (its errors name file and line; nothing live is touched).
	 * Quiet: what the diff would drop from a database that is not
	 * empty is no news here, the refusal below says it.
	 */
	ctx->quiet = 1;
	rc = cmd_compare(&cmp, ctx, NULL, err);
	ctx->quiet = quiet;
	if (rc != 0)
		return rc;
	if ((rc = cmd_create_all_check(v, cmp.db, err)) != 0)
		goto done;
	/* nested levels (version_ensure, version_stamp) become savepoints */
	if ((rc = dialect_begin(ctx->conn, err)) != 0 ||
	    (rc = version_ensure(v, err)) != 0 ||
	    (rc = model_run(ctx->conn, files, err)) != 0 ||
	    (heads->n > 0 && (rc = version_stamp(v, NULL, &none, heads, 0,
	    err)) != 0))
		goto done;
	rc = dialect_commit(ctx->conn, err);
done:
	while (ctx->conn->txn_depth > 0 &&
	    dialect_rollback(ctx->conn, &rerr) == 0)
		;
	err_release(&rerr);
	cmd_compare_release(&cmp);
	return rc;
}

static int
cmd_create_all_exec(struct cmd_ctx *ctx, struct args *args, struct err *err)
{
	struct graph		*g = NULL;
	struct version		 v;
	struct revset		 heads = REVSET_INIT;
	struct strv		 files = { NULL, 0 };
	const struct dialect	*d;
	size_t			 i;
	int			 rc, offline = args_has(args, "sql");

	memset(&v, 0, sizeof v);
	if ((rc = graph_load(&g, ctx->config, err)) != 0)
		goto done;
	for (i = 0; i < g->nheads; i++)
		revset_add(&heads, g->heads[i]);
	if (offline) {
		if ((rc = cmd_url(ctx, err)) != 0)
			goto done;
		d = dialect_for_url(ctx->url);
		if ((rc = version_init(&v, ctx->config, d, NULL, err)) != 0 ||
		    (rc = model_files(&files, ctx->config, d->flavor,
		    err)) != 0)
			goto done;
		if ((rc = cmd_create_all_sql(ctx, &v, &files, &heads,
		    err)) == 0 && heads.n == 0 && !ctx->quiet)
			fprintf(ctx->log, "No revisions: the version table "
			    "stays empty\n");
		goto done;
	}
	if ((rc = cmd_connect(ctx, err)) != 0 ||
	    (rc = version_init(&v, ctx->config, ctx->conn->dialect,
	    ctx->conn, err)) != 0)
		goto done;
	v.log = ctx->log;
	v.quiet = ctx->quiet;
	if ((rc = version_lock(&v, err)) != 0 ||
	    (rc = model_files(&files, ctx->config, ctx->conn->dialect->flavor,
	    err)) != 0 ||
	    (rc = cmd_create_all_run(ctx, &v, &files, &heads, err)) != 0)
		goto done;
	if (ctx->quiet)
		goto done;
	fprintf(ctx->log, "Created the model (%zu file%s)", files.n,
	    files.n == 1 ? "" : "s");
	if (heads.n == 0)
		fprintf(ctx->log, "; no revisions, so the version table stays "
		    "empty\n");
	for (i = 0; i < heads.n; i++)
		fprintf(ctx->log, "%s%s", i ? ", " : "; stamped the database "
		    "at ", heads.v[i]->id);
	if (heads.n > 0)
		fprintf(ctx->log, "\n");
done:
	rc = version_done(&v, rc, err);
	strv_release(&files);
	revset_release(&heads);
	graph_free(g);
	return rc;
}
