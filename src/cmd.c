/*
 * The command table, lookup by exact name, and option parsing for every
 * command (the global options are main.c's).
 */
#include <string.h>

#include "cmd.h"
#include "util/json.h"

const struct cmd_entry *const cmd_table[] = {
	&cmd_branches_entry,
	&cmd_check_entry,
	&cmd_config_entry,
	&cmd_create_all_entry,
	&cmd_current_entry,
	&cmd_diff_entry,
	&cmd_downgrade_entry,
	&cmd_edit_entry,
	&cmd_exec_entry,
	&cmd_heads_entry,
	&cmd_help_entry,
	&cmd_history_entry,
	&cmd_init_entry,
	&cmd_merge_entry,
	&cmd_revision_entry,
	&cmd_show_entry,
	&cmd_stamp_entry,
	&cmd_upgrade_entry,
	NULL
};

const struct cmd_entry *
cmd_find(const char *name)
{
	const struct cmd_entry	*const *e;

	for (e = cmd_table; *e != NULL; e++) {
		if (strcmp((*e)->name, name) == 0)
			return *e;
		if ((*e)->alias != NULL && strcmp((*e)->alias, name) == 0)
			return *e;
	}
	return NULL;
}

static const struct cmd_opt *
args_find_long(const struct cmd_entry *entry, const char *name, size_t len)
{
	const struct cmd_opt	*o;

	for (o = entry->opts; o != NULL && o->name != NULL; o++) {
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
	}
	return NULL;
}

static const struct cmd_opt *
args_find_short(const struct cmd_entry *entry, int c)
{
	const struct cmd_opt	*o;

	for (o = entry->opts; o != NULL && o->name != NULL; o++) {
		if (o->short_name == c)
			return o;
	}
	return NULL;
}

static void
args_push(struct args *a, const struct cmd_opt *opt, const char *value)
{
	XGROW(a->vals, a->alloc, a->nvals + 1);
	a->vals[a->nvals].opt = opt;
	a->vals[a->nvals].value = value;
	a->nvals++;
}

static int
args_parse_long(struct args *out, const struct cmd_entry *entry, int argc,
    char **argv, int *i, struct err *err)
{
	const char		*arg = argv[*i] + 2, *eq;
	const struct cmd_opt	*opt;
	size_t			 len;

	eq = strchr(arg, '=');
	len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
	if (len == 4 && strncmp(arg, "help", 4) == 0) {
		out->help = 1;
		return 0;
	}
	if ((opt = args_find_long(entry, arg, len)) == NULL)
		return err_set(err, MG_EUSAGE, "%s: unknown option '--%.*s'",
		    entry->name, (int)len, arg);
	if (opt->arg == NULL) {
		if (eq != NULL)
			return err_set(err, MG_EUSAGE,
			    "%s: option '--%s' takes no value", entry->name,
			    opt->name);
		args_push(out, opt, NULL);
	} else if (eq != NULL) {
		args_push(out, opt, eq + 1);
	} else if (*i + 1 < argc) {
		args_push(out, opt, argv[++*i]);
	} else {
		return err_set(err, MG_EUSAGE, "%s: option '--%s' needs %s",
		    entry->name, opt->name, opt->arg);
	}
	return 0;
}

static int
args_parse_short(struct args *out, const struct cmd_entry *entry, int argc,
    char **argv, int *i, struct err *err)
{
	const char		*s = argv[*i] + 1;
	const struct cmd_opt	*opt;

	for (; *s != '\0'; s++) {
		if (*s == 'h') {
			out->help = 1;
			continue;
		}
		if ((opt = args_find_short(entry, *s)) == NULL)
			return err_set(err, MG_EUSAGE,
			    "%s: unknown option '-%c'", entry->name, *s);
		if (opt->arg == NULL) {
			args_push(out, opt, NULL);
			continue;
		}
		if (s[1] != '\0')
			args_push(out, opt, s + 1);
		else if (*i + 1 < argc)
			args_push(out, opt, argv[++*i]);
		else
			return err_set(err, MG_EUSAGE,
			    "%s: option '-%c' needs %s", entry->name, *s,
			    opt->arg);
		break;
	}
	return 0;
}

int
args_parse(struct args *out, const struct cmd_entry *entry, int argc,
    char **argv, struct err *err)
{
	int	 i, rc = 0, dashdash = 0;

	out->argv = xcalloc((size_t)argc + 1, sizeof *out->argv);
	out->argc = 0;
	for (i = 0; i < argc; i++) {
		const char	*a = argv[i];

		if (dashdash || a[0] != '-' || a[1] == '\0' ||
		    (a[1] >= '0' && a[1] <= '9')) {
			/* "-" is stdin and "-1" a relative revision */
			out->argv[out->argc++] = argv[i];
		} else if (strcmp(a, "--") == 0) {
			dashdash = 1;
		} else if (a[1] == '-') {
			rc = args_parse_long(out, entry, argc, argv, &i, err);
		} else {
			rc = args_parse_short(out, entry, argc, argv, &i, err);
		}
		if (rc != 0)
			return rc;
	}
	if (out->help)
		return 0;
	if (out->argc < entry->nargs_min)
		return err_set(err, MG_EUSAGE, "%s: too few arguments "
		    "(usage: migrate %s %s)", entry->name, entry->name,
		    entry->usage);
	if (entry->nargs_max >= 0 && out->argc > entry->nargs_max)
		return err_set(err, MG_EUSAGE, "%s: too many arguments "
		    "(usage: migrate %s %s)", entry->name, entry->name,
		    entry->usage);
	return 0;
}

void
args_release(struct args *a)
{
	xfree(a->vals);
	xfree(a->argv);
	memset(a, 0, sizeof *a);
}

int
args_has(const struct args *a, const char *name)
{
	size_t	 i;
	int	 n = 0;

	for (i = 0; i < a->nvals; i++) {
		if (strcmp(a->vals[i].opt->name, name) == 0)
			n++;
	}
	return n;
}

const char *
args_get(const struct args *a, const char *name)
{
	size_t	 i;

	for (i = a->nvals; i > 0; i--) {
		if (strcmp(a->vals[i - 1].opt->name, name) == 0)
			return a->vals[i - 1].value;
	}
	return NULL;
}

void
args_values(const struct args *a, const char *name, struct strv *out)
{
	size_t	 i;

	for (i = 0; i < a->nvals; i++) {
		if (strcmp(a->vals[i].opt->name, name) == 0)
			strv_push(out, a->vals[i].value);
	}
}

int
cmd_json(int *json, const struct args *a, struct err *err)
{
	const char	*f = args_get(a, "format");

	*json = f != NULL && strcmp(f, "json") == 0;
	if (f != NULL && !*json && strcmp(f, "text") != 0)
		return err_set(err, MG_EUSAGE, "--format takes text or json, "
		    "not '%s'", f);
	return 0;
}

void
cmd_json_rev(struct strbuf *out, const struct rev *r,
    const struct revset *current)
{
	const char	**v;
	size_t		  i, n = r->nparents > r->ndeps ? r->nparents : r->ndeps;

	v = xcalloc(n + 1, sizeof *v);
	strbuf_addch(out, '{');
	json_key_str(out, 1, "revision", r->id);
	for (i = 0; i < r->nparents; i++)
		v[i] = r->parents[i]->id;
	json_key_strs(out, 0, "parents", v, r->nparents);
	for (i = 0; i < r->ndeps; i++)
		v[i] = r->deps[i]->id;
	json_key_strs(out, 0, "depends_on", v, r->ndeps);
	json_key_strs(out, 0, "branch_labels",
	    (const char *const *)r->script->labels, r->script->nlabels);
	json_key_str(out, 0, "message", r->script->message);
	json_key_str(out, 0, "path", r->script->path);
	json_key_bool(out, 0, "is_head", r->nchildren == 0);
	json_key_bool(out, 0, "is_base", r->nparents == 0);
	if (current != NULL)
		json_key_bool(out, 0, "is_current", revset_has(current, r));
	else	/* the database was not read */
		json_key_str(out, 0, "is_current", NULL);
	strbuf_addch(out, '}');
	xfree(v);
}

void
cmd_usage(FILE *f, const struct cmd_entry *entry)
{
	const struct cmd_opt	*o;
	struct strbuf		 sb = STRBUF_INIT;

	fprintf(f, "usage: migrate %s %s\n\n%s\n", entry->name, entry->usage,
	    entry->summary);
	if (entry->opts == NULL || entry->opts[0].name == NULL)
		return;
	fputs("\noptions:\n", f);
	for (o = entry->opts; o->name != NULL; o++) {
		strbuf_reset(&sb);
		if (o->short_name)
			strbuf_addf(&sb, "-%c, ", o->short_name);
		strbuf_addf(&sb, "--%s", o->name);
		if (o->arg != NULL)
			strbuf_addf(&sb, " %s", o->arg);
		fprintf(f, "  %-24s %s\n", sb.buf, o->help);
	}
	strbuf_release(&sb);
}

void
cmd_list(FILE *f)
{
	const struct cmd_entry	*const *e;

	for (e = cmd_table; *e != NULL; e++)
		fprintf(f, "  %-12s %s\n", (*e)->name, (*e)->summary);
}

int
cmd_connect(struct cmd_ctx *ctx, struct err *err)
{
	int	 rc;

	if (ctx->conn != NULL)
		return 0;
	if ((rc = cmd_url(ctx, err)) != 0)
		return rc;
	return dialect_connect(&ctx->conn, ctx->url, err);
}

int
cmd_url(struct cmd_ctx *ctx, struct err *err)
{
	const struct config_entry	*e;
	const char			*text;
	int				 rc;

	if (ctx->url != NULL)
		return 0;
	text = config_url(ctx->config, ctx->url_flag, ctx->url_env);
	if (text == NULL)
		return err_set(err, MG_ECONFIG, "no database URL: set 'url' "
		    "in migrate.ini, MIGRATE_URL, or --url");
	if ((rc = url_parse(&ctx->url, text, err)) != 0) {
		e = config_find(ctx->config, "url");
		if (e != NULL && e->value == text)
			err_set_path(err, ctx->config->path, e->line);
		else if (text == ctx->url_env) {
			/* say where the bad URL came from */
			err_set_path(err, "MIGRATE_URL", 0);
		}
		return rc;
	}
	return 0;
}

static void
cmd_format_ids(struct strbuf *out, struct rev *const *v, size_t n)
{
	size_t	 i;

	/* addstr, not addf: history prints one line a revision */
	for (i = 0; i < n; i++) {
		if (i > 0)
			strbuf_addstr(out, ", ");
		strbuf_addstr(out, v[i]->id);
	}
}

/*
 * The branch labels r is on: its own and those it inherits (as Alembic,
 * a label covers its revision's descendants and ancestors up to a branch
 * point). Adds nothing when there are none; returns how many.
 */
static size_t
cmd_format_labels(struct strbuf *out, const struct graph *g,
    const struct rev *r, const char *before, const char *after)
{
	size_t	 i, n = 0;

	for (i = 0; i < g->nlabels; i++) {
		if (!g->labels[i].member[r->index])
			continue;
		strbuf_addstr(out, n++ ? ", " : before);
		strbuf_addstr(out, g->labels[i].name);
	}
	if (n > 0)
		strbuf_addstr(out, after);
	return n;
}

void
cmd_format_rev(struct strbuf *out, const struct graph *g,
    const struct rev *r, int flags, const struct revset *current)
{
	int	 head = r->nchildren == 0;
	int	 real_head = head && r->ndependents == 0;

	if (flags & FMT_VERBOSE) {
		cmd_format_rev_verbose(out, g, r, current);
		return;
	}
	if (flags & FMT_PARENTS) {
		if (r->nparents == 0)
			strbuf_addstr(out, "<base>");
		else
			cmd_format_ids(out, r->parents, r->nparents);
		if (r->ndeps > 0) {
			strbuf_addstr(out, " (");
			cmd_format_ids(out, r->deps, r->ndeps);
			strbuf_addch(out, ')');
		}
		strbuf_addstr(out, " -> ");
	}
	strbuf_addstr(out, r->id);
	if (flags & FMT_BRANCHES)
		cmd_format_labels(out, g, r, " (", ")");
	if (flags & (FMT_HEAD | FMT_TREE)) {
		if (real_head)
			strbuf_addstr(out, " (head)");
		if (head && !real_head)
			strbuf_addstr(out, " (effective head)");
		if (current != NULL && revset_has(current, r))
			strbuf_addstr(out, " (current)");
	}
	if (flags & FMT_TREE) {
		if (r->nchildren > 1)
			strbuf_addstr(out, " (branchpoint)");
		if (r->nparents > 1)
			strbuf_addstr(out, " (mergepoint)");
	}
	if (flags & FMT_DOC) {
		strbuf_addstr(out, ", ");
		strbuf_addstr(out, r->script->message);
	}
}

/* Alembic's log entry: what history -v, show and current -v print. */
void
cmd_format_rev_verbose(struct strbuf *out, const struct graph *g,
    const struct rev *r, const struct revset *current)
{
	const struct script	*s = r->script;
	const char		*p, *nl, *c, *end;
	size_t			 len;

	/* the header cache gives no body: the caller loads it first */
	if (s->text == NULL)
		BUG("the verbose entry of %s before its body is loaded", r->id);
	end = s->text + s->len;
	/* Alembic's log entry: "(head)" for no children, (current) last */
	strbuf_addf(out, "Rev: %s%s%s%s%s\n", r->id,
	    r->nchildren == 0 ? " (head)" : "",
	    r->nchildren > 1 ? " (branchpoint)" : "",
	    r->nparents > 1 ? " (mergepoint)" : "",
	    current != NULL && revset_has(current, r) ? " (current)" : "");
	if (r->nparents > 1) {
		strbuf_addstr(out, "Merges: ");
		cmd_format_ids(out, r->parents, r->nparents);
	} else {
		strbuf_addstr(out, "Parent: ");
		if (r->nparents == 0)
			strbuf_addstr(out, "<base>");
		else
			cmd_format_ids(out, r->parents, r->nparents);
	}
	strbuf_addch(out, '\n');
	if (r->ndeps > 0) {
		strbuf_addstr(out, "Also depends on: ");
		cmd_format_ids(out, r->deps, r->ndeps);
		strbuf_addch(out, '\n');
	}
	if (r->nchildren > 1) {
		strbuf_addstr(out, "Branches into: ");
		cmd_format_ids(out, r->children, r->nchildren);
		strbuf_addch(out, '\n');
	}
	cmd_format_labels(out, g, r, "Branch names: ", "\n");
	strbuf_addf(out, "Path: %s\n\n", s->path);
	/* the header, indented, as Alembic shows the module's docstring */
	for (p = s->text; end - p >= 2 && p[0] == '-' && p[1] == '-';
	    p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		c = p + 2;
		if (c < nl && *c == ' ')
			c++;
		len = (size_t)(nl - c);
		if (len > 0 && c[len - 1] == '\r')
			len--;
		strbuf_addf(out, "    %.*s\n", (int)len, c);
		if (nl == end)
			break;
	}
}

void
cmd_revises_above(unsigned char *mark, const struct graph *g,
    const struct rev *r)
{
	size_t	 i, j;

	mark[r->index] = 1;
	for (i = r->index; i < g->nrevs; i++) {	/* children come after */
		if (!mark[i])
			continue;
		for (j = 0; j < g->order[i]->nchildren; j++)
			mark[g->order[i]->children[j]->index] = 1;
	}
	mark[r->index] = 0;
}
