/*
 * migrate help [COMMAND]: the list of commands, or one command's usage.
 */
#include "cmd.h"

static int	cmd_help_exec(struct cmd_ctx *, struct args *, struct err *);

const struct cmd_entry cmd_help_entry = {
	.name = "help",
	.usage = "[command]",
	.summary = "Show the commands, or how to use one.",
	.opts = NULL,
	.nargs_min = 0,
	.nargs_max = 1,
	.flags = 0,
	.exec = cmd_help_exec
};

void
cmd_help_print(FILE *f)
{
	fputs("usage: migrate [-c FILE] [--url URL] [-v] [-q] <command> "
	    "[<args>]\n"
	    "\n"
	    "Keep a SQLite or PostgreSQL schema in step with versioned SQL "
	    "scripts.\n"
	    "\n"
	    "global options:\n"
	    "  -c, --config FILE   migrate.ini to read (default: "
	    "$MIGRATE_CONFIG, ./migrate.ini)\n"
	    "  --url URL           database URL (overrides $MIGRATE_URL and "
	    "'url')\n"
	    "  -v, --verbose       say more; show where an error was raised\n"
	    "  -q, --quiet         print only data and errors\n"
	    "  -h, --help          show this help, or a command's with "
	    "<command> --help\n"
	    "  --version           print the version\n"
	    "\n"
	    "commands:\n", f);
	cmd_list(f);
	fputs("\nSee 'migrate help <command>' and man migrate(1).\n", f);
}

static int
cmd_help_exec(struct cmd_ctx *ctx, struct args *args, struct err *err)
{
	const struct cmd_entry	*entry;

	if (args->argc == 0) {
		cmd_help_print(ctx->out);
		return 0;
	}
	if ((entry = cmd_find(args->argv[0])) == NULL)
		return err_set(err, MG_EUSAGE, "'%s' is not a migrate "
		    "command; see 'migrate --help'", args->argv[0]);
	cmd_usage(ctx->out, entry);
	return 0;
}
