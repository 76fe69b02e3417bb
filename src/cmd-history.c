/*
 * migrate history: the revisions from newest to oldest, as Alembic lists
 * them, within a range such as -r base:head or -r-3:current.
 */
#include <string.h>

#include "cmd.h"

static int	cmd_history_exec(struct cmd_ctx *, struct args *, struct err *);

static const struct cmd_opt cmd_history_opts[] = {
	{ "rev-range", 'r', "range", "[start]:[end], e.g. base:head, "
	    "-3:current, ae10:" },
	{ "verbose", 'v', NULL, "show each revision in full" },
	{ "indicate-current", 'i', NULL, "mark the database's current "
	    "revision(s)" },
	{ "format", 0, "text|json", "the output format (json: see JSON "
	    "OUTPUT in migrate(1))" },
	{ NULL, 0, NULL, NULL }
};

const struct cmd_entry cmd_history_entry = {
	.name = "history",
	.usage = "[-v] [-i] [-r [start]:[end]] [--format json]",
	.summary = "List revisions in order, newest first.",
	.opts = cmd_history_opts,
	.nargs_min = 0,
	.nargs_max = 0,
	.flags = CMD_NEEDS_CONFIG | CMD_CONFIG_OPTIONAL,
	.exec = cmd_history_exec
};

/* Resolve one end of the range; an empty end is base or heads. */
static int
cmd_history_end(struct target *out, const struct graph *g, const char *p,
    size_t len, const char *dflt, const struct revset *rows, struct err *err)
{
	char	*spec = xstrndup(p, len);
	int	 rc;

	rc = graph_resolve(out, g, len > 0 ? spec : dflt, rows, err);
	xfree(spec);
	return rc;
}

static int
cmd_history_exec(struct cmd_ctx *ctx, struct args *args, struct err *err)
{
	struct graph	*g = NULL;
	struct revset	 rows = REVSET_INIT;
	struct target	 lo, hi;
	struct strbuf	 sb = STRBUF_INIT;
	const char	*range = args_get(args, "rev-range"), *colon = NULL;
	unsigned char	*show = NULL, *above = NULL;
	size_t		 i, n = 0;
	int		 rc, db, flags, json;

	memset(&lo, 0, sizeof lo);
	memset(&hi, 0, sizeof hi);
	if (range != NULL && (colon = strchr(range, ':')) == NULL)
		return err_set(err, MG_EUSAGE, "History range requires "
		    "[start]:[end], [start]:, or :[end]");
	if (range != NULL && strchr(colon + 1, ':') != NULL)
		return err_set(err, MG_EUSAGE, "bad range '%s': expected "
		    "[start]:[end]", range);
	/* verbose shows each header as written: the scripts' text */
	if ((rc = cmd_json(&json, args, err)) != 0 ||
	    (rc = graph_load(&g, ctx->config, err)) != 0 ||
	    (!json && args_has(args, "verbose") &&
	    (rc = graph_load_bodies(g, err)) != 0))
		goto done;
	db = args_has(args, "indicate-current") || (range != NULL &&
	    (cmd_spec_needs_db(range) || cmd_spec_needs_db(colon + 1)));
	if (db && (rc = cmd_current_rows(&rows, ctx, g, err)) != 0)
		goto done;
	if (range != NULL &&
	    ((rc = cmd_history_end(&lo, g, range, (size_t)(colon - range),
	    "base", db ? &rows : NULL, err)) != 0 ||
	    (rc = cmd_history_end(&hi, g, colon + 1, strlen(colon + 1),
	    "heads", db ? &rows : NULL, err)) != 0))
		goto done;
	if (range == NULL)
		graph_resolve(&hi, g, "heads", NULL, err);
	/* what is below hi and above lo, both included (as Alembic) */
	show = xcalloc(g->nrevs + 1, 1);
	above = xcalloc(g->nrevs + 1, 1);
	graph_ancestors(show, g, &hi.revs);
	for (i = 0; i < lo.revs.n; i++) {
		if (!show[lo.revs.v[i]->index]) {
			rc = err_set(err, MG_EUSAGE, "Revision %s is not an "
			    "ancestor of revision %s", lo.revs.v[i]->id,
			    colon[1] != '\0' ? colon + 1 : "heads");
			goto done;
		}
		graph_descendants(above, g, lo.revs.v[i], 0);
	}
	flags = args_has(args, "verbose") ? FMT_VERBOSE :
	    FMT_PARENTS | FMT_BRANCHES | FMT_TREE | FMT_DOC;
	for (i = g->nrevs; i-- > 0;) {
		if (!show[i] || (lo.revs.n > 0 && !above[i]))
			continue;
		if (json) {
			strbuf_addstr(&sb, n++ > 0 ? ",\n  " :
			    "{\"revisions\": [\n  ");
			cmd_json_rev(&sb, g->order[i], db ? &rows : NULL);
			continue;
		}
		strbuf_reset(&sb);
		cmd_format_rev(&sb, g, g->order[i], flags, db ? &rows : NULL);
		strbuf_addch(&sb, '\n');
		fwrite(sb.buf, 1, sb.len, ctx->out);
	}
	if (json)
		fprintf(ctx->out, "%s\n]}\n", n > 0 ? sb.buf :
		    "{\"revisions\": [");
done:
	xfree(show);
	xfree(above);
	target_release(&lo);
	target_release(&hi);
	revset_release(&rows);
	strbuf_release(&sb);
	graph_free(g);
	return rc;
}
