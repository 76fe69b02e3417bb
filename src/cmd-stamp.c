/*
 * migrate stamp REV...: set the version table to the given revisions
 * without running any script (after a manual change, or to adopt an
 * existing database); --purge first empties it.
 */
#include <string.h>

#include "cmd.h"
#include "version.h"

static int	cmd_stamp_exec(struct cmd_ctx *, struct args *, struct err *);

static const struct cmd_opt cmd_stamp_opts[] = {
	{ "sql", 0, NULL, "print the SQL instead of running it" },
	{ "purge", 0, NULL, "delete every version row first (also rows "
	    "that name no script)" },
	{ NULL, 0, NULL, NULL }
};

const struct cmd_entry cmd_stamp_entry = {
	.name = "stamp",
	.usage = "[--sql] [--purge] revision... | --sql from:to...",
	.summary = "Set the version table to revisions without running "
	    "scripts.",
	.opts = cmd_stamp_opts,
	.nargs_min = 1,
	.nargs_max = -1,
	.flags = CMD_NEEDS_CONFIG,
	.exec = cmd_stamp_exec
};

/* Drop from rows those on the branch a base target names (all for base). */
static void
cmd_stamp_drop(struct revset *rows, const struct target *t)
{
	size_t	 i, n = 0;

	for (i = 0; i < rows->n; i++) {
		if (t->member != NULL && !t->member[rows->v[i]->index])
			rows->v[n++] = rows->v[i];
	}
	rows->n = n;
}

static int
cmd_stamp_exec(struct cmd_ctx *ctx, struct args *args, struct err *err)
{
	struct graph	*g = NULL;
	struct version	 v;
	struct revset	 rows = REVSET_INIT, targets = REVSET_INIT;
	struct revset	 after = REVSET_INIT, kept = REVSET_INIT;
	struct target	 t;
	char		*from = NULL;
	size_t		 i;
	int		 rc, j, offline = args_has(args, "sql");
	int		 purge = args_has(args, "purge");

	memset(&v, 0, sizeof v);
	memset(&t, 0, sizeof t);
	if (offline && purge) {
		rc = err_set(err, MG_EUSAGE, "Can't use --purge with --sql "
		    "mode");
		goto done;
	}
	/* offline, FROM:TO starts at FROM (one FROM for all, as Alembic) */
	for (j = 0; j < args->argc; j++) {
		const char	*a = args->argv[j], *c = strchr(a, ':');

		if (c != NULL && !offline) {
			rc = err_set(err, MG_EUSAGE, "a range '%s' is for "
			    "offline mode (--sql) only", a);
			goto done;
		}
		if (c != NULL && (c == a || c[1] == '\0')) {
			rc = err_set(err, MG_EUSAGE, "bad range '%s': expected "
			    "<fromrev>:<torev>", a);
			goto done;
		}
		if (c != NULL && from != NULL && (strlen(from) !=
		    (size_t)(c - a) || strncmp(from, a, strlen(from)) != 0)) {
			rc = err_set(err, MG_EUSAGE, "Stamp operation with "
			    "--sql only supports a single starting revision "
			    "at a time");
			goto done;
		}
		if (c != NULL && from == NULL)
			from = xstrndup(a, (size_t)(c - a));
		if ((rc = graph_spec_check(c != NULL ? c + 1 : a, err)) != 0)
			goto done;
	}
	if (from != NULL && (rc = graph_spec_check(from, err)) != 0)
		goto done;
	if ((rc = graph_load(&g, ctx->config, err)) != 0)
		goto done;
	if (offline) {
		if ((rc = cmd_url(ctx, err)) != 0 ||
		    (rc = version_init(&v, ctx->config,
		    dialect_for_url(ctx->url), NULL, err)) != 0)
			goto done;
	} else {
		if ((rc = cmd_connect(ctx, err)) != 0 ||
		    (rc = version_init(&v, ctx->config, ctx->conn->dialect,
		    ctx->conn, err)) != 0 ||
		    (rc = version_lock(&v, err)) != 0 ||
		    (rc = version_ensure(&v, err)) != 0)
			goto done;
		if (!purge && (rc = version_rows(&rows, &v, g, err)) != 0)
			goto done;
	}
	if (from != NULL) {
		/* as if the database were at FROM */
		if ((rc = graph_resolve(&t, g, from, NULL, err)) != 0)
			goto done;
		for (i = 0; i < t.revs.n; i++)
			revset_add(&rows, t.revs.v[i]);
		target_release(&t);
	}
	for (i = 0; i < rows.n; i++)
		revset_add(&kept, rows.v[i]);
	for (j = 0; j < args->argc; j++) {
		const char	*a = args->argv[j], *c = strchr(a, ':');

		/* relative targets are relative to the rows (or FROM) */
		if ((rc = graph_resolve(&t, g, c != NULL ? c + 1 : a,
		    offline && from == NULL ? NULL : &rows, err)) != 0)
			goto done;
		for (i = 0; i < t.revs.n; i++)
			revset_add(&targets, t.revs.v[i]);
		if (t.base)	/* base, label@base: that branch's rows go */
			cmd_stamp_drop(&kept, &t);
		target_release(&t);
	}
	if (purge)
		for (i = 0; i < targets.n; i++)
			revset_add(&after, targets.v[i]);
	else
		graph_stamp_rows(&after, g, &kept, &targets);
	rc = version_stamp(&v, offline ? ctx->out : NULL, &rows, &after,
	    purge, err);
	if (rc == 0 && !offline && !ctx->quiet) {
		fprintf(ctx->log, "Stamped the database at ");
		if (after.n == 0)
			fprintf(ctx->log, "<base>");
		for (i = 0; i < after.n; i++)
			fprintf(ctx->log, "%s%s", i ? ", " : "",
			    after.v[i]->id);
		fprintf(ctx->log, "\n");
	}
done:
	rc = version_done(&v, rc, err);
	target_release(&t);
	revset_release(&rows);
	revset_release(&targets);
	revset_release(&after);
	revset_release(&kept);
	xfree(from);
	graph_free(g);
	return rc;
}
