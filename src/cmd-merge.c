/*
 * migrate merge REVS: a revision with no SQL of its own that revises two
 * or more heads, joining their branches.
 */
#include <string.h>

#include "cmd.h"

static int	cmd_merge_exec(struct cmd_ctx *, struct args *, struct err *);

static const struct cmd_opt cmd_merge_opts[] = {
	{ "message", 'm', "message", "what the merge is for" },
	{ "branch-label", 0, "label", "give the merge a branch label" },
	{ "rev-id", 0, "id", "use this id instead of a random one" },
	{ NULL, 0, NULL, NULL }
};

const struct cmd_entry cmd_merge_entry = {
	.name = "merge",
	.usage = "[-m message] [--branch-label label] [--rev-id id] "
	    "revision...",
	.summary = "Create a revision that merges heads (e.g. 'heads').",
	.opts = cmd_merge_opts,
	.nargs_min = 1,
	.nargs_max = -1,
	.flags = CMD_NEEDS_CONFIG | CMD_CONFIG_OPTIONAL,
	.exec = cmd_merge_exec
};

static int
cmd_merge_exec(struct cmd_ctx *ctx, struct args *args, struct err *err)
{
	struct graph		*g = NULL;
	struct revision_new	 rn;
	struct target		 t;
	size_t			 i;
	int			 rc, j;

	memset(&rn, 0, sizeof rn);
	memset(&t, 0, sizeof t);
	rn.message = args_get(args, "message");
	rn.rev_id = args_get(args, "rev-id");
	rn.labels = args_get(args, "branch-label");
	if ((rc = graph_load(&g, ctx->config, err)) != 0)
		goto done;
	for (j = 0; j < args->argc; j++) {
		if ((rc = graph_resolve(&t, g, args->argv[j], NULL, err)) != 0)
			goto done;
		for (i = 0; i < t.revs.n; i++)
			revset_add(&rn.parents, t.revs.v[i]);
		target_release(&t);
	}
	if (rn.parents.n < 2) {
		rc = err_set(err, MG_EUSAGE, "merge needs two or more "
		    "revisions; %s names %zu", args->argc == 1 ?
		    args->argv[0] : "these", rn.parents.n);
		goto done;
	}
	rc = cmd_revision_write(ctx, g, &rn, err);
done:
	target_release(&t);
	revset_release(&rn.parents);
	graph_free(g);
	return rc;
}
