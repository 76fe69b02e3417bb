/*
 * migrate edit REV: open a revision script in $VISUAL or $EDITOR (vi).
 * The editor command comes from the environment; the script's path is
 * passed as an argument, never spliced into the shell's text.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"

static int	cmd_edit_exec(struct cmd_ctx *, struct args *, struct err *);

const struct cmd_entry cmd_edit_entry = {
	.name = "edit",
	.usage = "revision",
	.summary = "Open a revision script in $EDITOR.",
	.opts = NULL,
	.nargs_min = 1,
	.nargs_max = 1,
	.flags = CMD_NEEDS_CONFIG | CMD_CONFIG_OPTIONAL,
	.exec = cmd_edit_exec
};

static int
cmd_edit_run(const char *editor, const char *path, struct err *err)
{
	struct strbuf	 cmd = STRBUF_INIT;
	pid_t		 pid;
	int		 status;

	/* as git does: the editor may hold arguments, the path is "$1" */
	strbuf_addf(&cmd, "%s \"$@\"", editor);
	fflush(NULL);
	if ((pid = fork()) < 0) {
		strbuf_release(&cmd);
		return err_set(err, MG_ERROR, "cannot start the editor: %s",
		    strerror(errno));
	}
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd.buf, editor, path,
		    (char *)NULL);
		_exit(127);
	}
	strbuf_release(&cmd);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return err_set(err, MG_ERROR, "cannot wait for the "
			    "editor: %s", strerror(errno));
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return err_set(err, MG_ERROR, "the editor '%s' failed", editor);
	return 0;
}

static int
cmd_edit_exec(struct cmd_ctx *ctx, struct args *args, struct err *err)
{
	struct graph	*g = NULL;
	struct target	 t;
	const char	*editor = getenv("VISUAL");
	int		 rc;

	memset(&t, 0, sizeof t);
	if (editor == NULL || *editor == '\0')
		editor = getenv("EDITOR");
	if (editor == NULL || *editor == '\0')
		editor = "vi";
	if ((rc = graph_load(&g, ctx->config, err)) != 0 ||
	    (rc = graph_resolve(&t, g, args->argv[0], NULL, err)) != 0)
		goto done;
	if (t.revs.n != 1) {
		rc = err_set(err, MG_EUSAGE, "'%s' does not name one "
		    "revision", args->argv[0]);
		goto done;
	}
	rc = cmd_edit_run(editor, t.revs.v[0]->script->path, err);
done:
	target_release(&t);
	graph_free(g);
	return rc;
}
