/*
 * migrate upgrade REV: apply revisions up to a target, under the
 * migration lock, each in its own transaction; with --sql, print the SQL
 * instead. The run itself is shared with downgrade.
 */
#include <string.h>

#include "cmd.h"
#include "version.h"

static int	cmd_upgrade_exec(struct cmd_ctx *, struct args *, struct err *);

static const struct cmd_opt cmd_upgrade_opts[] = {
	{ "sql", 0, NULL, "print the SQL instead of running it (offline "
	    "mode; FROM:TO starts at FROM)" },
	{ NULL, 0, NULL, NULL }
};

const struct cmd_entry cmd_upgrade_entry = {
	.name = "upgrade",
	.usage = "[--sql] [from:]revision",
	.summary = "Apply revisions up to a target: head, heads, an id, "
	    "+N, label@head.",
	.opts = cmd_upgrade_opts,
	.nargs_min = 1,
	.nargs_max = 1,
	.flags = CMD_NEEDS_CONFIG,
	.exec = cmd_upgrade_exec
};

/* Offline: "from:to" or "to" from base; print the plan as SQL. */
static int
cmd_upgrade_offline(struct cmd_ctx *ctx, const struct graph *g,
    struct version *v, const char *spec, int upgrade, struct err *err)
{
	struct target	 from, to;
	struct plan	 plan = { NULL, 0, 0 };
	const char	*colon = strchr(spec, ':');
	char		*fspec = NULL;
	int		 rc;

	memset(&from, 0, sizeof from);
	memset(&to, 0, sizeof to);
	if (colon == NULL && !upgrade) {
		rc = err_set(err, MG_EUSAGE, "downgrade with --sql requires "
		    "<fromrev>:<torev>");
		goto done;
	}
	if (colon != NULL && (colon == spec || colon[1] == '\0' ||
	    strchr(colon + 1, ':') != NULL)) {
		rc = err_set(err, MG_EUSAGE, "bad range '%s': expected "
		    "<fromrev>:<torev>", spec);
		goto done;
	}
	if (colon != NULL) {
		fspec = xstrndup(spec, (size_t)(colon - spec));
		if ((rc = graph_resolve(&from, g, fspec, NULL, err)) != 0)
			goto done;
		spec = colon + 1;
	}
	if ((rc = graph_resolve(&to, g, spec, &from.revs, err)) != 0 ||
	    (rc = graph_plan(&plan, g, &from.revs, &to, upgrade, err)) != 0 ||
	    (rc = plan_load_bodies(&plan, err)) != 0)
		goto done;
	rc = version_run_sql(v, ctx->out, &plan, upgrade && from.revs.n == 0,
	    err);
done:
	plan_release(&plan);
	target_release(&from);
	target_release(&to);
	xfree(fspec);
	return rc;
}

static void
cmd_upgrade_at(struct strbuf *out, const struct revset *rows)
{
	size_t	 i;

	if (rows->n == 0)
		strbuf_addstr(out, "<base>");
	for (i = 0; i < rows->n; i++)
		strbuf_addf(out, "%s%s", i ? ", " : "", rows->v[i]->id);
}

int
cmd_upgrade_run(struct cmd_ctx *ctx, struct args *args, int upgrade,
    struct err *err)
{
	struct graph	*g = NULL;
	struct version	 v;
	struct revset	 rows = REVSET_INIT, after = REVSET_INIT;
	struct target	 t;
	struct plan	 plan = { NULL, 0, 0 };
	struct strbuf	 sb = STRBUF_INIT;
	const char	*spec = args->argv[0];
	size_t		 i;
	int		 rc, offline = args_has(args, "sql");

	memset(&v, 0, sizeof v);
	memset(&t, 0, sizeof t);
	if ((rc = graph_load(&g, ctx->config, err)) != 0)
		goto done;
	if (offline) {
		if ((rc = cmd_url(ctx, err)) != 0 ||
		    (rc = version_init(&v, ctx->config,
		    dialect_for_url(ctx->url), NULL, err)) != 0)
			goto done;
		rc = cmd_upgrade_offline(ctx, g, &v, spec, upgrade, err);
		goto done;
	}
	if (strchr(spec, ':') != NULL) {
		rc = err_set(err, MG_EUSAGE, "a range '%s' is for offline "
		    "mode (--sql) only", spec);
		goto done;
	}
	if ((rc = graph_spec_check(spec, err)) != 0 ||
	    (rc = cmd_connect(ctx, err)) != 0 ||
	    (rc = version_init(&v, ctx->config, ctx->conn->dialect,
	    ctx->conn, err)) != 0)
		goto done;
	v.log = ctx->log;
	v.quiet = ctx->quiet;
	/* the version rows are read under the lock: a waiting run sees ours */
	if ((rc = version_lock(&v, err)) != 0 ||
	    (rc = version_ensure(&v, err)) != 0 ||
	    (rc = version_rows(&rows, &v, g, err)) != 0 ||
	    (rc = graph_resolve(&t, g, spec, &rows, err)) != 0 ||
	    (rc = graph_plan(&plan, g, &rows, &t, upgrade, err)) != 0 ||
	    (rc = plan_load_bodies(&plan, err)) != 0)
		goto done;
	if (plan.n == 0) {
		if (!ctx->quiet) {
			cmd_upgrade_at(&sb, &rows);
			fprintf(ctx->log, "Nothing to do: the database is "
			    "already at %s\n", sb.buf);
		}
		goto done;
	}
	rc = version_run(&v, &plan, err);
	if (rc == 0 && !ctx->quiet) {
		/* the rows the plan leaves, to say where the database is */
		for (i = 0; i < rows.n; i++)
			revset_add(&after, rows.v[i]);
		for (i = 0; i < plan.n; i++) {
			size_t	 j;

			for (j = 0; j < plan.v[i].from.n; j++) {
				size_t	 k;

				for (k = 0; k < after.n; k++) {
					if (after.v[k] == plan.v[i].from.v[j])
						after.v[k] =
						    after.v[--after.n];
				}
			}
			for (j = 0; j < plan.v[i].to.n; j++)
				revset_add(&after, plan.v[i].to.v[j]);
		}
		cmd_upgrade_at(&sb, &after);
		fprintf(ctx->log, "%s: %zu step%s; the database is at %s\n",
		    upgrade ? "Upgraded" : "Downgraded", plan.n,
		    plan.n == 1 ? "" : "s", sb.buf);
	}
done:
	rc = version_done(&v, rc, err);
	plan_release(&plan);
	target_release(&t);
	revset_release(&rows);
	revset_release(&after);
	strbuf_release(&sb);
	graph_free(g);
	return rc;
}

static int
cmd_upgrade_exec(struct cmd_ctx *ctx, struct args *args, struct err *err)
{
	return cmd_upgrade_run(ctx, args, 1, err);
}
