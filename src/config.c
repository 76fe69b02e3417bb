/*
 * migrate.ini: the [migrate] section read with inih, then expanded the way
 * Alembic's configparser does (%(here)s, %(key)s, %%) plus ${VAR} from the
 * environment.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "migrate.h"

#define CONFIG_SECTION		"migrate"
#define CONFIG_MAX_DEPTH	16
#define CONFIG_MAX_VALUE	(1024 * 1024)	/* bytes of an expanded value */
#define CONFIG_MARK		'\001'

/* The keys migrate.ini knows, with their defaults (expanded like values). */
static const struct {
	const char	*key;
	const char	*def;
} config_keys[] = {
	{ "script_location",		"migrations" },
	{ "models",			"%(script_location)s/models" },
	{ "url",			NULL },
	{ "dev_url",			NULL },
	{ "model_cache",		NULL },
	{ "version_table",		"migrate_version" },
	{ "version_table_schema",	NULL },
	{ "history_table",		"migrate_history" },
	{ "file_template",		"%%(rev)s_%%(slug)s" },
	{ "truncate_slug_length",	"40" },
	{ "timezone",			NULL },
	{ "transaction_per_migration",	"true" },
	{ "version_locations",		NULL },
	{ "version_path_separator",	NULL },
	{ "recursive_version_locations", "false" },
	{ "include_tables",		NULL },
	{ "exclude_tables",		NULL },
	{ "schemas",			NULL },
	{ "lock_wait",			"60" },
	{ "lock_timeout",		NULL },
	{ "statement_timeout",		NULL },
	{ "lock_retries",		"0" },
};
#define CONFIG_NKEYS (sizeof config_keys / sizeof config_keys[0])

/* Names file_template fills in itself, left alone by %(name)s expansion. */
static const char *const config_template_names[] = {
	"rev", "slug", "epoch", "year", "month", "day", "hour", "minute",
	"second", NULL
};

/*
 * A raw value as written, and its expansion once worked out: a key that
 * others name many times is expanded once, so keys that each name the
 * next eight times cost eight lookups a level, not 8^16.
 */
struct config_raw {
	char		*key;
	char		*value;
	char		*expanded;	/* NULL until worked out */
	unsigned	 line;
};

/* A value the reader cut out of its line. */
struct config_cut {
	char		*text;
	unsigned	 line;
	int		 cont;		/* from a continuation line */
};

struct config_parse {
	struct config		*cfg;
	FILE			*f;
	struct err		*err;
	unsigned		 lineno;	/* of the line inih holds now */
	struct strbuf		 line;
	/* values cut out of lines, so inih never truncates or splits them */
	struct config_cut	*vals;
	size_t			 nvals;
	size_t			 valloc;
	struct config_raw	*raw;
	size_t			 nraw;
	size_t			 rawalloc;
	int			 saw_section;
	unsigned		 bad_line;	/* first line inih rejects */
	unsigned		 nul_line;	/* first line holding a NUL */
	unsigned		 section_line;	/* of [migrate] */
	unsigned		 again_line;	/* of a second [migrate] */
	char			*last_key;	/* last key of [migrate] */
};

static int	config_expand(struct strbuf *, struct config_parse *,
		    const char *key, const char *value, unsigned line,
		    int depth);
static int	config_expand_raw(const char **, struct config_parse *,
		    struct config_raw *, int depth);

int
config_known_key(const char *key)
{
	size_t	 i;

	for (i = 0; i < CONFIG_NKEYS; i++) {
		if (strcmp(config_keys[i].key, key) == 0)
			return 1;
	}
	return 0;
}

static size_t
config_distance(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b), i, j;
	size_t	 row[64], prev, tmp, best;

	if (lb >= sizeof row / sizeof row[0] || la >= 64)
		return (size_t)-1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			best = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

static void
config_warn(struct config *cfg, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
config_warn(struct config *cfg, unsigned line, const char *fmt, ...)
{
	struct strbuf	 sb = STRBUF_INIT;
	va_list		 ap;

	strbuf_addf(&sb, "%s:%u: ", cfg->path, line);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	XGROW(cfg->warnings, cfg->walloc, cfg->nwarnings + 1);
	cfg->warnings[cfg->nwarnings++] = strbuf_detach(&sb, NULL);
}

/*
 * inih reads through this: it counts lines (inih does not report them to
 * the handler) and replaces each value with a short mark pointing at the
 * value kept here, so that long values and ';' in values survive inih's
 * 200-byte lines and inline comments, as in Python's configparser.
 */
static char *
config_reader(char *buf, int size, void *stream)
{
	struct config_parse	*p = stream;
	const char		*s, *start, *sep;
	int			 c, cont;
	size_t			 namelen;

	strbuf_reset(&p->line);
	while ((c = getc(p->f)) != EOF && c != '\n') {
		if (c == '\0' && p->nul_line == 0)
			p->nul_line = p->lineno + 1;
		strbuf_addch(&p->line, c);
	}
	if (c == EOF && p->line.len == 0)
		return NULL;
	p->lineno++;
	while (p->line.len > 0 && p->line.buf[p->line.len - 1] == '\r')
		strbuf_setlen(&p->line, p->line.len - 1);

	s = p->line.buf;
	start = s;
	while (*start == ' ' || *start == '\t')
		start++;
	cont = start > s;
	if (*start == '[' && !cont && strchr(start, ']') == NULL &&
	    p->bad_line == 0)
		p->bad_line = p->lineno;
	/* configparser refuses a section given twice: so does Alembic */
	if (*start == '[' && !cont && strncmp(start + 1, CONFIG_SECTION,
	    strlen(CONFIG_SECTION)) == 0 && start[1 +
	    strlen(CONFIG_SECTION)] == ']') {
		if (p->section_line == 0)
			p->section_line = p->lineno;
		else if (p->again_line == 0)
			p->again_line = p->lineno;
	}
	if (*start == '\0' || *start == ';' || *start == '#' ||
	    (*start == '[' && !cont) || strchr(s, CONFIG_MARK) != NULL) {
		snprintf(buf, (size_t)size, "%.*s\n", size - 2, s);
		return buf;
	}
	if (cont) {
		sep = start - 1;
		namelen = 0;
	} else {
		sep = start + strcspn(start, "=:");
		if (*sep == '\0' || (size_t)(sep - s) > (size_t)size / 2) {
			/* not a key line: inih reports it as malformed */
			if (p->bad_line == 0)
				p->bad_line = p->lineno;
			snprintf(buf, (size_t)size, "%.*s\n", size - 2, s);
			return buf;
		}
		namelen = (size_t)(sep - s);
	}
	XGROW(p->vals, p->valloc, p->nvals + 1);
	s = sep + 1;
	while (*s == ' ' || *s == '\t')
		s++;
	p->vals[p->nvals].text = xstrdup(s);
	p->vals[p->nvals].line = p->lineno;
	p->vals[p->nvals].cont = cont;
	if (cont)
		snprintf(buf, (size_t)size, " %c%zu\n", CONFIG_MARK, p->nvals);
	else
		snprintf(buf, (size_t)size, "%.*s= %c%zu\n", (int)namelen,
		    p->line.buf, CONFIG_MARK, p->nvals);
	p->nvals++;
	return buf;
}

static struct config_raw *
config_raw_find(struct config_parse *p, const char *key)
{
	size_t	 i;

	for (i = 0; i < p->nraw; i++) {
		if (strcmp(p->raw[i].key, key) == 0)
			return &p->raw[i];
	}
	return NULL;
}

static int
config_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct config_parse	*p = user;
	struct config_raw	*r;
	struct strbuf		 joined = STRBUF_INIT;
	char			*key, *end;
	size_t			 idx, i;
	unsigned		 line;

	if (p->err->code != 0)
		return 1;
	if (value[0] != CONFIG_MARK)
		return 0;	/* cannot happen: the reader marks every value */
	idx = strtoul(value + 1, &end, 10);
	if (*end != '\0' || idx >= p->nvals)
		return 0;
	line = p->vals[idx].line;
	if (*section == '\0') {
		err_set(p->err, MG_ECONFIG,
		    "key '%s' is outside any section; put it under [%s]",
		    name, CONFIG_SECTION);
		err_set_path(p->err, p->cfg->path, line);
		return 1;
	}
	if (strcmp(section, CONFIG_SECTION) != 0)
		return 1;	/* other tools' sections are theirs */
	p->saw_section = 1;

	key = xstrdup(name);
	for (i = 0; key[i] != '\0'; i++)
		key[i] = (char)tolower((unsigned char)key[i]);
	if (p->vals[idx].cont) {
		/* a continuation line: configparser joins with a newline */
		r = config_raw_find(p, key);
		if (r != NULL) {
			strbuf_addf(&joined, "%s\n%s", r->value,
			    p->vals[idx].text);
			xfree(r->value);
			r->value = strbuf_detach(&joined, NULL);
		}
		xfree(key);
		return 1;
	}
	if ((r = config_raw_find(p, key)) != NULL) {
		err_set(p->err, MG_ECONFIG,
		    "duplicate key '%s' (first set on line %u)", key, r->line);
		err_set_path(p->err, p->cfg->path, line);
		xfree(key);
		return 1;
	}
	XGROW(p->raw, p->rawalloc, p->nraw + 1);
	p->raw[p->nraw].key = key;
	p->raw[p->nraw].value = xstrdup(p->vals[idx].text);
	p->raw[p->nraw].expanded = NULL;
	p->raw[p->nraw].line = line;
	p->nraw++;
	return 1;
}

static const char *
config_default(const char *key)
{
	size_t	 i;

	for (i = 0; i < CONFIG_NKEYS; i++) {
		if (strcmp(config_keys[i].key, key) == 0)
			return config_keys[i].def;
	}
	return NULL;
}

static int
config_is_template_name(const char *key, const char *name, size_t len)
{
	size_t	 i;

	if (strcmp(key, "file_template") != 0)
		return 0;
	for (i = 0; config_template_names[i] != NULL; i++) {
		if (strlen(config_template_names[i]) == len &&
		    strncmp(config_template_names[i], name, len) == 0)
			return 1;
	}
	return 0;
}

/* Expand %(name)s: here, another key of [migrate], or a default. */
static int
config_expand_name(struct strbuf *out, struct config_parse *p,
    const char *key, const char *name, unsigned line, int depth)
{
	struct config_raw	*r;
	const char		*def, *v;
	int			 rc;

	if (strcmp(name, "here") == 0) {
		strbuf_addstr(out, p->cfg->here);
		return 0;
	}
	if ((r = config_raw_find(p, name)) != NULL) {
		if ((rc = config_expand_raw(&v, p, r, depth + 1)) != 0)
			return rc;
		strbuf_addstr(out, v);
		return 0;
	}
	if ((def = config_default(name)) != NULL)
		return config_expand(out, p, name, def, line, depth + 1);
	err_set(p->err, MG_ECONFIG,
	    "bad interpolation in '%s': no key '%s' for %%(%s)s", key, name,
	    name);
	err_set_path(p->err, p->cfg->path, line);
	return MG_ECONFIG;
}

static int
config_expand(struct strbuf *out, struct config_parse *p, const char *key,
    const char *value, unsigned line, int depth)
{
	const char	*s = value, *end, *env;
	char		*name = NULL;
	size_t		 len;
	int		 rc = 0;

	if (depth > CONFIG_MAX_DEPTH) {
		err_set(p->err, MG_ECONFIG,
		    "bad interpolation in '%s': references nest too deep "
		    "(a key refers to itself?)", key);
		err_set_path(p->err, p->cfg->path, line);
		return MG_ECONFIG;
	}
	while (*s != '\0') {
		if (s[0] == '%' && s[1] == '%') {
			strbuf_addch(out, '%');
			s += 2;
		} else if (s[0] == '%' && s[1] == '(') {
			end = strchr(s + 2, ')');
			if (end == NULL || end[1] != 's') {
				err_set(p->err, MG_ECONFIG,
				    "bad interpolation in '%s': '%%(' must "
				    "be closed by ')s' (write %%%% for a "
				    "literal %%)", key);
				err_set_path(p->err, p->cfg->path, line);
				rc = MG_ECONFIG;
				goto done;
			}
			len = (size_t)(end - (s + 2));
			if (config_is_template_name(key, s + 2, len)) {
				strbuf_add(out, s, len + 4);
			} else {
				name = xstrndup(s + 2, len);
				rc = config_expand_name(out, p, key, name,
				    line, depth);
				xfree(name);
				name = NULL;
				if (rc != 0)
					goto done;
			}
			s = end + 2;
		} else if (s[0] == '$' && s[1] == '{') {
			end = strchr(s + 2, '}');
			if (end == NULL) {
				err_set(p->err, MG_ECONFIG,
				    "bad interpolation in '%s': '${' without "
				    "'}'", key);
				err_set_path(p->err, p->cfg->path, line);
				rc = MG_ECONFIG;
				goto done;
			}
			name = xstrndup(s + 2, (size_t)(end - (s + 2)));
			len = strcspn(name, ":");
			if (name[len] == ':' && name[len + 1] == '-') {
				name[len] = '\0';
				env = getenv(name);
				if (env == NULL || *env == '\0')
					env = name + len + 2;
			} else if (name[len] != '\0') {
				err_set(p->err, MG_ECONFIG,
				    "bad interpolation in '%s': write ${VAR} "
				    "or ${VAR:-default}", key);
				err_set_path(p->err, p->cfg->path, line);
				rc = MG_ECONFIG;
				goto done;
			} else if ((env = getenv(name)) == NULL) {
				err_set(p->err, MG_ECONFIG,
				    "environment variable '%s' is not set "
				    "(used by '%s')", name, key);
				err_set_path(p->err, p->cfg->path, line);
				rc = MG_ECONFIG;
				goto done;
			}
			strbuf_addstr(out, env);
			xfree(name);
			name = NULL;
			s = end + 1;
		} else {
			/* a lone '%' (as in %40 of a URL) stays as written */
			strbuf_addch(out, *s++);
		}
		if (out->len > CONFIG_MAX_VALUE) {
			err_set(p->err, MG_ECONFIG,
			    "bad interpolation in '%s': the value grows past "
			    "%d bytes (do keys name each other many times?)",
			    key, CONFIG_MAX_VALUE);
			err_set_path(p->err, p->cfg->path, line);
			rc = MG_ECONFIG;
			goto done;
		}
	}
done:
	xfree(name);
	return rc;
}

/*
 * Point *out at the expansion of a key of [migrate], borrowed from r,
 * working it out on first use. A key that names itself, directly or not,
 * is caught by config_expand's depth limit before it is kept.
 */
static int
config_expand_raw(const char **out, struct config_parse *p,
    struct config_raw *r, int depth)
{
	struct strbuf	 sb = STRBUF_INIT;
	int		 rc;

	*out = NULL;
	if (r->expanded == NULL) {
		rc = config_expand(&sb, p, r->key, r->value, r->line, depth);
		if (rc != 0) {
			strbuf_release(&sb);
			return rc;
		}
		r->expanded = strbuf_detach(&sb, NULL);
	}
	*out = r->expanded;
	return 0;
}

static void
config_add(struct config *cfg, const char *key, char *value, unsigned line)
{
	XGROW(cfg->v, cfg->alloc, cfg->n + 1);
	cfg->v[cfg->n].key = xstrdup(key);
	cfg->v[cfg->n].value = value;
	cfg->v[cfg->n].line = line;
	cfg->n++;
}

static int
config_finish(struct config_parse *p)
{
	struct strbuf	 sb = STRBUF_INIT;
	size_t		 i, j, d, best;
	const char	*hint, *v;
	int		 rc;

	for (i = 0; i < p->nraw; i++) {
		if (!config_known_key(p->raw[i].key)) {
			hint = NULL;
			best = 3;
			for (j = 0; j < CONFIG_NKEYS; j++) {
				d = config_distance(p->raw[i].key,
				    config_keys[j].key);
				if (d < best) {
					best = d;
					hint = config_keys[j].key;
				}
			}
			if (hint != NULL)
				config_warn(p->cfg, p->raw[i].line,
				    "unknown key '%s' in [%s]; did you mean "
				    "'%s'?", p->raw[i].key, CONFIG_SECTION,
				    hint);
			else
				config_warn(p->cfg, p->raw[i].line,
				    "unknown key '%s' in [%s]",
				    p->raw[i].key, CONFIG_SECTION);
		}
		if ((rc = config_expand_raw(&v, p, &p->raw[i], 0)) != 0)
			goto fail;
		config_add(p->cfg, p->raw[i].key, xstrdup(v), p->raw[i].line);
	}
	for (i = 0; i < CONFIG_NKEYS; i++) {
		if (config_keys[i].def == NULL ||
		    config_raw_find(p, config_keys[i].key) != NULL)
			continue;
		rc = config_expand(&sb, p, config_keys[i].key,
		    config_keys[i].def, 0, 0);
		if (rc != 0)
			goto fail;
		config_add(p->cfg, config_keys[i].key,
		    strbuf_detach(&sb, NULL), 0);
	}
	return 0;
fail:
	strbuf_release(&sb);
	return rc;
}

static char *
config_abs_dir(const char *path)
{
	char		 resolved[PATH_MAX];
	char		*dir;
	const char	*slash;

	slash = path != NULL ? strrchr(path, '/') : NULL;
	if (slash == NULL)
		dir = xstrdup(".");
	else if (slash == path)
		dir = xstrdup("/");
	else
		dir = xstrndup(path, (size_t)(slash - path));
	if (realpath(dir, resolved) != NULL) {
		xfree(dir);
		return xstrdup(resolved);
	}
	return dir;
}

int
config_load(struct config **out, const char *path, struct err *err)
{
	struct config_parse	 p;
	struct config		*cfg;
	struct stat		 st;
	size_t			 i;
	int			 rc = 0, line;

	*out = NULL;
	memset(&p, 0, sizeof p);
	strbuf_init(&p.line, 0);
	cfg = xcalloc(1, sizeof *cfg);
	cfg->path = path != NULL ? xstrdup(path) : NULL;
	cfg->here = config_abs_dir(path);
	p.cfg = cfg;
	p.err = err;

	if (path != NULL) {
		if ((p.f = fopen(path, "r")) == NULL) {
			rc = err_set(err, MG_ECONFIG, "cannot open '%s': %s",
			    path, strerror(errno));
			goto done;
		}
		if (fstat(fileno(p.f), &st) != 0)
			rc = err_set(err, MG_ECONFIG, "cannot read '%s': %s",
			    path, strerror(errno));
		else if (S_ISDIR(st.st_mode))
			rc = err_set(err, MG_ECONFIG, "cannot read '%s': %s",
			    path, strerror(EISDIR));
		if (rc != 0)
			goto done;
		line = ini_parse_stream(config_reader, &p, config_handler,
		    &p);
		if (ferror(p.f)) {
			err_release(err);
			rc = err_set(err, MG_ECONFIG, "cannot read '%s': %s",
			    path, strerror(errno));
			goto done;
		}
		if (p.nul_line > 0 || (p.again_line > 0 && (err->code == 0 ||
		    err->line > p.again_line))) {
			err_release(err);
			if (p.nul_line > 0)
				rc = err_set(err, MG_ECONFIG, "not a text file "
				    "(it holds a NUL byte)");
			else
				rc = err_set(err, MG_ECONFIG, "[%s] given twice "
				    "(first on line %u)", CONFIG_SECTION,
				    p.section_line);
			err_set_path(err, path, p.nul_line > 0 ? p.nul_line :
			    p.again_line);
			goto done;
		}
		if (p.bad_line > 0 && (err->code == 0 ||
		    err->line > p.bad_line)) {
			/* a malformed line before the handler's error wins */
			err_release(err);
			line = (int)p.bad_line;
		}
		if (err->code != 0) {
			rc = err->code;
			goto done;
		}
		if (line != 0) {
			rc = err_set(err, MG_ECONFIG, "malformed line: "
			    "expected '[section]' or 'key = value'");
			err_set_path(err, path, line > 0 ? (unsigned)line : 0);
			goto done;
		}
		if (!p.saw_section) {
			rc = err_set(err, MG_ECONFIG,
			    "no [%s] section (or it is empty)",
			    CONFIG_SECTION);
			err_set_path(err, path, 0);
			goto done;
		}
	}
	rc = config_finish(&p);
done:
	if (p.f != NULL)
		fclose(p.f);
	strbuf_release(&p.line);
	for (i = 0; i < p.nvals; i++)
		xfree(p.vals[i].text);
	xfree(p.vals);
	for (i = 0; i < p.nraw; i++) {
		xfree(p.raw[i].key);
		xfree(p.raw[i].value);
		xfree(p.raw[i].expanded);
	}
	xfree(p.raw);
	if (rc != 0) {
		config_free(cfg);
		return rc;
	}
	*out = cfg;
	return 0;
}

void
config_free(struct config *cfg)
{
	size_t	 i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->n; i++) {
		xfree(cfg->v[i].key);
		xfree(cfg->v[i].value);
	}
	xfree(cfg->v);
	for (i = 0; i < cfg->nwarnings; i++)
		xfree(cfg->warnings[i]);
	xfree(cfg->warnings);
	xfree(cfg->path);
	xfree(cfg->here);
	xfree(cfg);
}

const struct config_entry *
config_find(const struct config *cfg, const char *key)
{
	size_t	 i;

	for (i = 0; i < cfg->n; i++) {
		if (strcmp(cfg->v[i].key, key) == 0)
			return &cfg->v[i];
	}
	return NULL;
}

const char *
config_get(const struct config *cfg, const char *key)
{
	const struct config_entry	*e = config_find(cfg, key);

	return e != NULL ? e->value : NULL;
}

static int
config_value_error(struct err *err, const struct config *cfg,
    const struct config_entry *e, const char *want)
{
	err_set(err, MG_ECONFIG, "'%s' must be %s, not '%s'", e->key, want,
	    e->value);
	err_set_path(err, cfg->path, e->line);
	return MG_ECONFIG;
}

int
config_get_bool(int *out, const struct config *cfg, const char *key,
    struct err *err)
{
	static const char *const yes[] = { "1", "yes", "true", "on", NULL };
	static const char *const no[] = { "0", "no", "false", "off", NULL };
	const struct config_entry	*e = config_find(cfg, key);
	size_t				 i;

	*out = 0;
	if (e == NULL)
		return 0;
	for (i = 0; yes[i] != NULL; i++) {
		if (strcasecmp(e->value, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(e->value, no[i]) == 0)
			return 0;
	}
	return config_value_error(err, cfg, e, "true or false");
}

int
config_get_int(long *out, const struct config *cfg, const char *key,
    long min, long max, struct err *err)
{
	const struct config_entry	*e = config_find(cfg, key);
	struct strbuf			 want = STRBUF_INIT;
	char				*end;
	long				 v;
	int				 rc;

	*out = 0;
	if (e == NULL)
		return 0;
	errno = 0;
	v = strtol(e->value, &end, 10);
	if (errno == 0 && end != e->value && *end == '\0' && v >= min &&
	    v <= max) {
		*out = v;
		return 0;
	}
	strbuf_addf(&want, "a whole number from %ld to %ld", min, max);
	rc = config_value_error(err, cfg, e, want.buf);
	strbuf_release(&want);
	return rc;
}

char *
config_get_path(const struct config *cfg, const char *key)
{
	const char	*v = config_get(cfg, key);
	struct strbuf	 sb = STRBUF_INIT;

	if (v == NULL)
		return NULL;
	if (v[0] == '/')
		return xstrdup(v);
	strbuf_addf(&sb, "%s/%s", cfg->here, v);
	return strbuf_detach(&sb, NULL);
}

const char *
config_url(const struct config *cfg, const char *flag, const char *env)
{
	if (flag != NULL && *flag != '\0')
		return flag;
	if (env != NULL && *env != '\0')
		return env;
	return cfg != NULL ? config_get(cfg, "url") : NULL;
}
