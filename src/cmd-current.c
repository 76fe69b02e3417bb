/*
 * migrate current: the revision(s) the database is at, from its version
 * table; nothing when it is at base.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "version.h"

static int	cmd_current_exec(struct cmd_ctx *, struct args *, struct err *);

static const struct cmd_opt cmd_current_opts[] = {
	{ "verbose", 'v', NULL, "show each revision in full" },
	{ "format", 0, "text|json", "the output format (json: see JSON "
	    "OUTPUT in migrate(1))" },
	{ NULL, 0, NULL, NULL }
};

const struct cmd_entry cmd_current_entry = {
	.name = "current",
	.usage = "[-v] [--format json]",
	.summary = "Show the revision(s) the database is at.",
	.opts = cmd_current_opts,
	.nargs_min = 0,
	.nargs_max = 0,
	.flags = CMD_NEEDS_CONFIG,
	.exec = cmd_current_exec
};

/*
 * The version rows of the database in ctx, for commands that only read
 * them (no lock, no table created). Shared with history, show and stamp.
 */
int
cmd_current_rows(struct revset *out, struct cmd_ctx *ctx,
    const struct graph *g, struct err *err)
{
	struct version	 v;
	int		 rc;

	memset(out, 0, sizeof *out);
	if ((rc = cmd_url(ctx, err)) != 0)
		return rc;
	/* a SQLite file that is not there is at base: do not create it */
	if (ctx->url->kind == URL_SQLITE && !ctx->url->memory &&
	    access(ctx->url->path, F_OK) != 0 && errno == ENOENT)
		return 0;
	if ((rc = cmd_connect(ctx, err)) != 0)
		return rc;
	if ((rc = version_init(&v, ctx->config, ctx->conn->dialect, ctx->conn,
	    err)) == 0)
		rc = version_rows(out, &v, g, err);
	version_release(&v);
	return rc;
}

static int
cmd_current_exec(struct cmd_ctx *ctx, struct args *args, struct err *err)
{
	struct graph	*g = NULL;
	struct revset	 rows = REVSET_INIT;
	struct strbuf	 sb = STRBUF_INIT;
	size_t		 i;
	int		 rc, json, verbose = args_has(args, "verbose");

	if ((rc = cmd_json(&json, args, err)) != 0 ||
	    (rc = graph_load(&g, ctx->config, err)) != 0 ||
	    (rc = cmd_current_rows(&rows, ctx, g, err)) != 0)
		goto done;
	/* verbose shows each header as written: the scripts' text */
	for (i = 0; verbose && !json && i < rows.n; i++) {
		if ((rc = script_load_body(rows.v[i]->script, err)) != 0)
			goto done;
	}
	if (json) {
		strbuf_addstr(&sb, "{\"current\": [");
		for (i = 0; i < rows.n; i++) {
			strbuf_addstr(&sb, i > 0 ? ",\n  " : "\n  ");
			cmd_json_rev(&sb, rows.v[i], &rows);
		}
		fprintf(ctx->out, "%s\n]}\n", sb.buf);
		goto done;
	}
	if (verbose && !ctx->quiet) {
		char	*shown = url_mask(ctx->url);

		fprintf(ctx->log, "Current revision(s) for %s:\n", shown);
		xfree(shown);
	}
	for (i = 0; i < rows.n; i++) {
		strbuf_reset(&sb);
		/* as Alembic: tree indicators, no branch labels */
		cmd_format_rev(&sb, g, rows.v[i], verbose ? FMT_VERBOSE :
		    FMT_TREE, NULL);
		fprintf(ctx->out, "%s\n", sb.buf);
	}
done:
	revset_release(&rows);
	strbuf_release(&sb);
	graph_free(g);
	return rc;
}
