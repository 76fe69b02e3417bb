/*
 * migrate exec FILE...: run SQL files against the database statement by
 * statement, all in one transaction unless told otherwise.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "cmd.h"

static int	cmd_exec_exec(struct cmd_ctx *, struct args *, struct err *);

static const struct cmd_opt cmd_exec_opts[] = {
	{ "no-transaction", 0, NULL,
	    "run each statement on its own (for CREATE INDEX CONCURRENTLY)" },
	{ NULL, 0, NULL, NULL }
};

const struct cmd_entry cmd_exec_entry = {
	.name = "exec",
	.usage = "[--no-transaction] file...",
	.summary = "Run SQL files (or - for stdin) on the database, "
	    "statement by statement.",
	.opts = cmd_exec_opts,
	.nargs_min = 1,
	.nargs_max = -1,
	.flags = CMD_NEEDS_DB,
	.exec = cmd_exec_exec
};

static int
cmd_exec_read(struct strbuf *out, const char *path, struct err *err)
{
	char	 chunk[8192];
	size_t	 n;

	if (strcmp(path, "-") != 0) {
		if (strbuf_read_file(out, path) != 0)
			return err_set(err, MG_EIO, "cannot read '%s': %s",
			    path, strerror(errno));
		return 0;
	}
	while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
		strbuf_add(out, chunk, n);
	if (ferror(stdin))
		return err_set(err, MG_EIO, "cannot read standard input");
	return 0;
}

static double
cmd_exec_ms(const struct timespec *a)
{
	struct timespec	 b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (double)(b.tv_sec - a->tv_sec) * 1e3 +
	    (double)(b.tv_nsec - a->tv_nsec) / 1e6;
}

static int
cmd_exec_exec(struct cmd_ctx *ctx, struct args *args, struct err *err)
{
	struct strbuf	 text = STRBUF_INIT;
	struct timespec	 start;
	const char	*name;
	size_t		 nrun;
	int		 i, rc = 0, txn = !args_has(args, "no-transaction");

	if (txn && (rc = dialect_begin(ctx->conn, err)) != 0)
		goto done;
	for (i = 0; i < args->argc; i++) {
		name = strcmp(args->argv[i], "-") == 0 ? "<stdin>" :
		    args->argv[i];
		strbuf_reset(&text);
		if ((rc = cmd_exec_read(&text, args->argv[i], err)) != 0)
			goto done;
		clock_gettime(CLOCK_MONOTONIC, &start);
		rc = dialect_exec_script(ctx->conn, name, text.buf, text.len,
		    &nrun, err);
		if (rc != 0)
			goto done;
		if (!ctx->quiet)
			fprintf(ctx->log, "%s: %zu statement%s (%.0f ms)\n",
			    name, nrun, nrun == 1 ? "" : "s",
			    cmd_exec_ms(&start));
	}
	if (txn)
		rc = dialect_commit(ctx->conn, err);
done:
	if (rc != 0 && txn && ctx->conn->txn_depth > 0) {
		struct err	 rerr = ERR_INIT;

		/* the statement's error is what the user needs to see */
		dialect_rollback(ctx->conn, &rerr);
		err_release(&rerr);
	}
	strbuf_release(&text);
	return rc;
}
