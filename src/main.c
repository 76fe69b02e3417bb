/*
 * Entry point: parse the global options, find the command in the table,
 * load what its flags ask for, run it, print its error and pick the exit
 * code.
 */
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

struct main_opts {
	int		 help;
	int		 version;
};

static int
main_global(struct cmd_ctx *ctx, struct main_opts *mo, int argc, char **argv,
    int *i, struct err *err)
{
	const char	*a = argv[*i], *eq;
	size_t		 len;

	if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
		mo->help = 1;
		return 0;
	}
	if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
		mo->version = 1;
		return 0;
	}
	if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
		ctx->verbose++;
		return 0;
	}
	if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
		ctx->quiet = 1;
		return 0;
	}
	eq = strchr(a, '=');
	len = eq != NULL ? (size_t)(eq - a) : strlen(a);
	if ((len == 8 && strncmp(a, "--config", 8) == 0) ||
	    strcmp(a, "-c") == 0) {
		if (eq != NULL)
			ctx->config_path = eq + 1;
		else if (*i + 1 < argc)
			ctx->config_path = argv[++*i];
		else
			return err_set(err, MG_EUSAGE,
			    "option '%s' needs a file", a);
		return 0;
	}
	if (len == 5 && strncmp(a, "--url", 5) == 0) {
		if (eq != NULL)
			ctx->url_flag = eq + 1;
		else if (*i + 1 < argc)
			ctx->url_flag = argv[++*i];
		else
			return err_set(err, MG_EUSAGE,
			    "option '--url' needs a database URL");
		return 0;
	}
	return err_set(err, MG_EUSAGE, "unknown option '%.*s'; see "
	    "'migrate --help'", (int)len, a);
}

/*
 * Load migrate.ini: -c, then MIGRATE_CONFIG, then ./migrate.ini. Without
 * a file of its own choosing, a command may run on defaults when it says it
 * can, or when the database URL comes from --url or MIGRATE_URL.
 */
static int
main_load_config(struct cmd_ctx *ctx, const struct cmd_entry *entry,
    struct err *err)
{
	const char	*path = ctx->config_path;
	size_t		 i;
	int		 rc;

	if (path == NULL || *path == '\0')
		path = getenv("MIGRATE_CONFIG");
	if (path == NULL || *path == '\0') {
		path = "migrate.ini";
		if (access(path, F_OK) != 0) {
			if (!(entry->flags & CMD_CONFIG_OPTIONAL) &&
			    config_url(NULL, ctx->url_flag, ctx->url_env) ==
			    NULL)
				return err_set(err, MG_ECONFIG, "cannot open "
				    "'migrate.ini' in this folder; run "
				    "'migrate init', pass -c FILE, or give "
				    "--url");
			path = NULL;
		}
	}
	if ((rc = config_load(&ctx->config, path, err)) != 0)
		return rc;
	if (!ctx->quiet) {
		for (i = 0; i < ctx->config->nwarnings; i++)
			fprintf(ctx->log, "warning: %s\n",
			    ctx->config->warnings[i]);
	}
	return 0;
}

static void
main_print_error(const struct cmd_ctx *ctx, const struct err *err)
{
	struct strbuf	 sb = STRBUF_INIT;

	if (err->path == NULL)
		strbuf_addstr(&sb, "migrate: ");
	err_format(&sb, err);
	if (ctx->verbose && err->src_file != NULL)
		strbuf_addf(&sb, " [%s:%d]", err->src_file, err->src_line);
	fprintf(stderr, "%s\n", sb.buf);
	strbuf_release(&sb);
}

int
main(int argc, char **argv)
{
	struct cmd_ctx		 ctx;
	struct main_opts	 mo = { 0, 0 };
	struct args		 args = ARGS_INIT;
	struct err		 err = ERR_INIT;
	const struct cmd_entry	*entry = NULL;
	int			 i, rc = 0, code;

#ifdef __GLIBC__
	/*
	 * A command lives for milliseconds: the heap grows in steps of 32
	 * MiB of address space (untouched pages cost nothing) and is not
	 * given back on the way, instead of a brk call every 128 KiB each
	 * way (a no-op compare of 1,000 tables made 128 of them, ~4 % of
	 * its time). Setting them turns glibc's moving mmap threshold off:
	 * blocks of 128 KiB and more are still mapped on their own.
	 */
	(void)mallopt(M_TOP_PAD, 32 << 20);
	(void)mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
	memset(&ctx, 0, sizeof ctx);
	ctx.out = stdout;
	ctx.log = stderr;
	ctx.url_env = getenv("MIGRATE_URL");

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		if ((rc = main_global(&ctx, &mo, argc, argv, &i, &err)) != 0)
			goto done;
	}
	if (mo.version) {
		printf("migrate %s\n", MIGRATE_VERSION);
		goto done;
	}
	if (i >= argc) {
		cmd_help_print(mo.help ? stdout : stderr);
		if (!mo.help)
			rc = MG_EUSAGE;
		goto done;
	}
	if ((entry = cmd_find(argv[i])) == NULL) {
		rc = err_set(&err, MG_EUSAGE, "'%s' is not a migrate command; "
		    "see 'migrate --help'", argv[i]);
		goto done;
	}
	args.help = mo.help;
	if ((rc = args_parse(&args, entry, argc - i - 1, argv + i + 1,
	    &err)) != 0)
		goto done;
	if (args.help) {
		cmd_usage(stdout, entry);
		goto done;
	}
	if (entry->flags & (CMD_NEEDS_CONFIG | CMD_NEEDS_DB)) {
		if ((rc = main_load_config(&ctx, entry, &err)) != 0)
			goto done;
	}
	if (entry->flags & CMD_NEEDS_DB) {
		if ((rc = cmd_connect(&ctx, &err)) != 0)
			goto done;
	}
	rc = entry->exec(&ctx, &args, &err);
done:
	if (rc != 0 && err.code == 0)
		err.code = rc;	/* usage printed already, no message */
	dialect_disconnect(ctx.conn);
	url_free(ctx.url);
	config_free(ctx.config);
	args_release(&args);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (err.code == 0)
			err_set(&err, MG_EIO, "cannot write output: %s",
			    strerror(errno));
	}
	if (err.msg != NULL)
		main_print_error(&ctx, &err);
	code = err_exit_code(&err);
	err_release(&err);
	return code;
}
