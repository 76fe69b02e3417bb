/*
 * migrate show REV: the revision's log entry (parents, labels, path,
 * header), as Alembic's show.
 */
#include <string.h>

#include "cmd.h"

static int	cmd_show_exec(struct cmd_ctx *, struct args *, struct err *);

const struct cmd_entry cmd_show_entry = {
	.name = "show",
	.usage = "revision",
	.summary = "Show a revision: head, an id prefix, a label, current.",
	.opts = NULL,
	.nargs_min = 1,
	.nargs_max = 1,
	.flags = CMD_NEEDS_CONFIG | CMD_CONFIG_OPTIONAL,
	.exec = cmd_show_exec
};

/* Whether a spec needs the database: current, or relative to it. */
int
cmd_spec_needs_db(const char *spec)
{
	const char	*at = strchr(spec, '@');

	if (at != NULL)
		spec = at + 1;
	return strstr(spec, "current") != NULL || spec[0] == '+' ||
	    spec[0] == '-';
}

static int
cmd_show_exec(struct cmd_ctx *ctx, struct args *args, struct err *err)
{
	struct graph	*g = NULL;
	struct revset	 rows = REVSET_INIT;
	struct target	 t;
	struct strbuf	 sb = STRBUF_INIT;
	const char	*spec = args->argv[0];
	size_t		 i;
	int		 rc, db = cmd_spec_needs_db(spec);

	memset(&t, 0, sizeof t);
	if ((rc = graph_spec_check(spec, err)) != 0 ||
	    (rc = graph_load(&g, ctx->config, err)) != 0)
		goto done;
	if (db && (rc = cmd_current_rows(&rows, ctx, g, err)) != 0)
		goto done;
	if ((rc = graph_resolve(&t, g, spec, db ? &rows : NULL, err)) != 0)
		goto done;
	if (t.base) {
		rc = err_set(err, MG_EUSAGE, "'%s' is base, which is no "
		    "revision", spec);
		goto done;
	}
	/* each header as written: the scripts' text */
	for (i = 0; i < t.revs.n; i++) {
		if ((rc = script_load_body(t.revs.v[i]->script, err)) != 0)
			goto done;
	}
	for (i = 0; i < t.revs.n; i++) {
		strbuf_reset(&sb);
		cmd_format_rev_verbose(&sb, g, t.revs.v[i], db ? &rows : NULL);
		fprintf(ctx->out, "%s\n", sb.buf);
	}
done:
	target_release(&t);
	revset_release(&rows);
	strbuf_release(&sb);
	graph_free(g);
	return rc;
}
