/*
 * migrate downgrade REV: undo revisions down to a target (-1, base, an
 * id, label@base); with --sql FROM:TO, print the SQL instead.
 */
#include "cmd.h"

static int	cmd_downgrade_exec(struct cmd_ctx *, struct args *,
		    struct err *);

static const struct cmd_opt cmd_downgrade_opts[] = {
	{ "sql", 0, NULL, "print the SQL instead of running it (offline "
	    "mode; needs FROM:TO)" },
	{ NULL, 0, NULL, NULL }
};

const struct cmd_entry cmd_downgrade_entry = {
	.name = "downgrade",
	.usage = "[--sql] [from:]revision",
	.summary = "Undo revisions down to a target: -1, base, an id, "
	    "label@base.",
	.opts = cmd_downgrade_opts,
	.nargs_min = 1,
	.nargs_max = 1,
	.flags = CMD_NEEDS_CONFIG,
	.exec = cmd_downgrade_exec
};

static int
cmd_downgrade_exec(struct cmd_ctx *ctx, struct args *args, struct err *err)
{
	return cmd_upgrade_run(ctx, args, 0, err);
}
