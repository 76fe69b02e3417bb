/*
 * migrate branches: each branch point and the revisions it branches into.
 */
#include <string.h>

#include "cmd.h"

static int	cmd_branches_exec(struct cmd_ctx *, struct args *,
		    struct err *);

static const struct cmd_opt cmd_branches_opts[] = {
	{ "verbose", 'v', NULL, "show each branch point in full" },
	{ NULL, 0, NULL, NULL }
};

const struct cmd_entry cmd_branches_entry = {
	.name = "branches",
	.usage = "[-v]",
	.summary = "Show the branch points of the graph.",
	.opts = cmd_branches_opts,
	.nargs_min = 0,
	.nargs_max = 0,
	.flags = CMD_NEEDS_CONFIG | CMD_CONFIG_OPTIONAL,
	.exec = cmd_branches_exec
};

static int
cmd_branches_exec(struct cmd_ctx *ctx, struct args *args, struct err *err)
{
	struct graph	*g = NULL;
	struct strbuf	 sb = STRBUF_INIT;
	size_t		 i, j;
	int		 rc, verbose = args_has(args, "verbose");

	if ((rc = graph_load(&g, ctx->config, err)) != 0)
		goto done;
	/* verbose shows each branch point's header as written: its text */
	for (i = 0; verbose && i < g->nrevs; i++) {
		if (g->revs[i].nchildren > 1 && (rc = script_load_body(
		    g->revs[i].script, err)) != 0)
			goto done;
	}
	for (i = g->nrevs; i-- > 0;) {
		struct rev	*r = g->order[i];

		if (r->nchildren < 2)
			continue;
		strbuf_reset(&sb);
		cmd_format_rev(&sb, g, r, verbose ? FMT_VERBOSE :
		    FMT_BRANCHES | FMT_TREE, NULL);
		fprintf(ctx->out, "%s\n", sb.buf);
		for (j = 0; j < r->nchildren; j++) {
			strbuf_reset(&sb);
			cmd_format_rev(&sb, g, r->children[j], FMT_BRANCHES |
			    FMT_TREE | (verbose ? FMT_DOC : 0), NULL);
			fprintf(ctx->out, "%*s -> %s\n", (int)strlen(r->id),
			    "", sb.buf);
		}
		fputc('\n', ctx->out);
	}
done:
	strbuf_release(&sb);
	graph_free(g);
	return rc;
}
