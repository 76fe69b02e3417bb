/*
 * migrate heads: the revisions nothing revises, as Alembic prints them.
 */
#include "cmd.h"

static int	cmd_heads_exec(struct cmd_ctx *, struct args *, struct err *);

static const struct cmd_opt cmd_heads_opts[] = {
	{ "verbose", 'v', NULL, "show each head in full" },
	{ "resolve-dependencies", 0, NULL, "leave out heads that another "
	    "revision depends on" },
	{ "format", 0, "text|json", "the output format (json: see JSON "
	    "OUTPUT in migrate(1))" },
	{ NULL, 0, NULL, NULL }
};

const struct cmd_entry cmd_heads_entry = {
	.name = "heads",
	.usage = "[-v] [--resolve-dependencies] [--format json]",
	.summary = "Show the head revisions of the graph.",
	.opts = cmd_heads_opts,
	.nargs_min = 0,
	.nargs_max = 0,
	.flags = CMD_NEEDS_CONFIG | CMD_CONFIG_OPTIONAL,
	.exec = cmd_heads_exec
};

static int
cmd_heads_exec(struct cmd_ctx *ctx, struct args *args, struct err *err)
{
	struct graph	*g = NULL;
	struct strbuf	 sb = STRBUF_INIT;
	size_t		 i, n = 0;
	int		 rc, json, resolve = args_has(args,
			    "resolve-dependencies");

	if ((rc = cmd_json(&json, args, err)) != 0 ||
	    (rc = graph_load(&g, ctx->config, err)) != 0)
		goto done;
	/* verbose shows each header as written: the scripts' text */
	for (i = 0; !json && args_has(args, "verbose") && i < g->nheads; i++) {
		if ((rc = script_load_body(g->heads[i]->script, err)) != 0)
			goto done;
	}
	if (json)
		strbuf_addstr(&sb, "{\"heads\": [");
	for (i = 0; i < g->nheads; i++) {
		struct rev	*r = g->heads[i];

		if (resolve && r->ndependents > 0)
			continue;
		if (json) {
			strbuf_addstr(&sb, n++ > 0 ? ",\n  " : "\n  ");
			cmd_json_rev(&sb, r, NULL);
			continue;
		}
		strbuf_reset(&sb);
		cmd_format_rev(&sb, g, r, args_has(args, "verbose") ?
		    FMT_VERBOSE : FMT_BRANCHES | FMT_HEAD, NULL);
		fprintf(ctx->out, "%s\n", sb.buf);
	}
	if (json)
		fprintf(ctx->out, "%s\n]}\n", sb.buf);
done:
	strbuf_release(&sb);
	graph_free(g);
	return rc;
}
