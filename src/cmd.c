/*
 * The command table, lookup by exact name, and option parsing for every
 * command (the global options are main.c's).
 */
#include <string.h>

#include "cmd.h"

const struct cmd_entry *const cmd_table[] = {
	&cmd_config_entry,
	&cmd_exec_entry,
	&cmd_help_entry,
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
