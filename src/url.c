/*
 * Database URLs as SQLAlchemy writes them, parsed into struct url, and shown
 * again with the password masked.
 *
 * The userinfo ends at the last '@' before the query, so an unescaped '@',
 * ':' or '/' in a password still parses (u:p@ss:w/rd@host/db); the escaped
 * form (p%40ss%3Aw%2Frd) is the documented one. Duplicate query keys: the
 * last one wins, as libpq does with repeated keywords.
 */
#include <ctype.h>
#include <string.h>

#include "migrate.h"

static const char *const url_pg_schemes[] = {
	"postgresql", "postgres", "postgresql+libpq", "postgresql+psycopg2",
	"postgresql+psycopg", "postgresql+pg8000", "postgresql+asyncpg", NULL
};
static const char *const url_sqlite_params[] = {
	"mode", "cache", "immutable", "nolock", "vfs", NULL
};

static int
url_in(const char *const *list, const char *s)
{
	for (; *list != NULL; list++) {
		if (strcmp(*list, s) == 0)
			return 1;
	}
	return 0;
}

static int
url_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Percent-decode s[0..len) into *out; what names the part for errors. */
static int
url_decode(char **out, const char *s, size_t len, const char *what,
    struct err *err)
{
	struct strbuf	 sb = STRBUF_INIT;
	size_t		 i;
	int		 hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] != '%') {
			strbuf_addch(&sb, s[i]);
			continue;
		}
		hi = i + 1 < len ? url_hex((unsigned char)s[i + 1]) : -1;
		lo = i + 2 < len ? url_hex((unsigned char)s[i + 2]) : -1;
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			strbuf_release(&sb);
			return err_set(err, MG_ECONFIG, "bad percent escape in "
			    "the %s of the URL", what);
		}
		strbuf_addch(&sb, hi * 16 + lo);
		i += 2;
	}
	*out = strbuf_detach(&sb, NULL);
	return 0;
}

static int
url_parse_query(struct url *u, const char *q, struct err *err)
{
	const char	*amp, *eq;
	char		*key = NULL, *val = NULL;
	size_t		 len, i;
	int		 rc;

	while (*q != '\0') {
		amp = strchr(q, '&');
		len = amp != NULL ? (size_t)(amp - q) : strlen(q);
		eq = memchr(q, '=', len);
		if (len == 0) {
			q += amp != NULL ? 1 : 0;
			continue;
		}
		if (eq == NULL || eq == q)
			return err_set(err, MG_ECONFIG, "URL query parameter "
			    "'%.*s' is not key=value", (int)(eq == q ? len :
			    len), q);
		if ((rc = url_decode(&key, q, (size_t)(eq - q),
		    "query parameter", err)) != 0)
			return rc;
		if ((rc = url_decode(&val, eq + 1, len - (size_t)(eq - q) - 1,
		    "query parameter", err)) != 0) {
			xfree(key);
			return rc;
		}
		for (i = 0; i < u->nparams; i++) {
			if (strcmp(u->params[i].key, key) == 0)
				break;
		}
		if (i == u->nparams) {
			u->params = xrealloc(u->params, (u->nparams + 1) *
			    sizeof *u->params);
			u->params[u->nparams].key = key;
			u->nparams++;
		} else {
			xfree(u->params[i].value);
			xfree(key);
		}
		u->params[i].value = val;
		key = val = NULL;
		q += len + (amp != NULL ? 1 : 0);
	}
	return 0;
}

static int
url_parse_sqlite(struct url *u, const char *rest, struct err *err)
{
	const char	*q = strchr(rest, '?');
	size_t		 len = q != NULL ? (size_t)(q - rest) : strlen(rest);
	size_t		 i;
	int		 rc;

	if (len > 0 && rest[0] != '/')
		return err_set(err, MG_ECONFIG, "a sqlite URL has no host: "
		    "write sqlite:///relative.db or sqlite:////absolute.db");
	if (q != NULL && (rc = url_parse_query(u, q + 1, err)) != 0)
		return rc;
	for (i = 0; i < u->nparams; i++) {
		if (!url_in(url_sqlite_params, u->params[i].key))
			return err_set(err, MG_ECONFIG, "unknown sqlite URL "
			    "parameter '%s' (known: mode, cache, immutable, "
			    "nolock, vfs)", u->params[i].key);
	}
	if (len <= 1 || (len == 9 && strncmp(rest, "/:memory:", 9) == 0)) {
		u->memory = 1;
		return 0;
	}
	u->path = xstrndup(rest + 1, len - 1);
	return 0;
}

static int
url_parse_port(struct url *u, const char *s, size_t len, struct err *err)
{
	size_t	 i;
	long	 port = 0;

	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]) || port > 65535)
			break;
		port = port * 10 + (s[i] - '0');
	}
	if (len == 0 || i < len || port < 1 || port > 65535)
		return err_set(err, MG_ECONFIG, "invalid port '%.*s' in URL "
		    "(want 1 to 65535)", (int)(len > 20 ? 20 : len), s);
	u->port = (int)port;
	return 0;
}

static int
url_parse_postgres(struct url *u, const char *rest, struct err *err)
{
	const char	*q, *at = NULL, *p, *hostend, *slash, *colon;
	size_t		 len;
	int		 rc;

	q = strchr(rest, '?');
	len = q != NULL ? (size_t)(q - rest) : strlen(rest);
	for (p = rest; p < rest + len; p++) {
		if (*p == '@')
			at = p;
	}
	if (at != NULL) {
		colon = memchr(rest, ':', (size_t)(at - rest));
		if ((rc = url_decode(&u->user, rest, colon != NULL ?
		    (size_t)(colon - rest) : (size_t)(at - rest), "user name",
		    err)) != 0)
			return rc;
		if (colon != NULL && (rc = url_decode(&u->password, colon + 1,
		    (size_t)(at - colon - 1), "password", err)) != 0)
			return rc;
		if (*u->user == '\0') {
			xfree(u->user);
			u->user = NULL;
		}
		p = at + 1;
	} else {
		p = rest;
	}
	slash = memchr(p, '/', (size_t)(rest + len - p));
	hostend = slash != NULL ? slash : rest + len;
	if (*p == '[') {
		colon = memchr(p, ']', (size_t)(hostend - p));
		if (colon == NULL)
			return err_set(err, MG_ECONFIG, "unterminated '[' in "
			    "the host of the URL");
		if (colon == p + 1)
			return err_set(err, MG_ECONFIG, "empty IPv6 host "
			    "'[]' in URL");
		if ((rc = url_decode(&u->host, p + 1, (size_t)(colon - p - 1),
		    "host", err)) != 0)
			return rc;
		p = colon + 1;
		if (p < hostend && *p != ':')
			return err_set(err, MG_ECONFIG, "unexpected text after "
			    "']' in the host of the URL");
		colon = p < hostend ? p : NULL;
	} else {
		colon = memchr(p, ':', (size_t)(hostend - p));
		if (colon != p && (rc = url_decode(&u->host, p, (size_t)((
		    colon != NULL ? colon : hostend) - p), "host", err)) != 0)
			return rc;
		if (u->host != NULL && *u->host == '\0') {
			xfree(u->host);
			u->host = NULL;
		}
	}
	if (colon != NULL && (rc = url_parse_port(u, colon + 1,
	    (size_t)(hostend - colon - 1), err)) != 0)
		return rc;
	if (slash != NULL && (rc = url_decode(&u->database, slash + 1,
	    (size_t)(rest + len - slash - 1), "database name", err)) != 0)
		return rc;
	if (q != NULL && (rc = url_parse_query(u, q + 1, err)) != 0)
		return rc;
	if (u->database == NULL || *u->database == '\0')
		return err_set(err, MG_ECONFIG, "no database name in URL");
	return 0;
}

int
url_parse(struct url **out, const char *text, struct err *err)
{
	struct url	*u;
	const char	*sep, *s;
	size_t		 i;
	int		 rc;

	*out = NULL;
	if (text == NULL || *text == '\0')
		return err_set(err, MG_ECONFIG, "empty database URL");
	for (s = text; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return err_set(err, MG_ECONFIG, "control character "
			    "in database URL");
	}
	if ((sep = strstr(text, "://")) == NULL)
		return err_set(err, MG_ECONFIG, "not a database URL (no "
		    "'://'): write sqlite:///file.db or "
		    "postgresql://user@host/db");
	u = xcalloc(1, sizeof *u);
	u->scheme = xstrndup(text, (size_t)(sep - text));
	for (i = 0; u->scheme[i] != '\0'; i++)
		u->scheme[i] = (char)tolower((unsigned char)u->scheme[i]);
	if (strcmp(u->scheme, "sqlite") == 0 ||
	    strcmp(u->scheme, "sqlite+pysqlite") == 0) {
		u->kind = URL_SQLITE;
		rc = url_parse_sqlite(u, sep + 3, err);
	} else if (url_in(url_pg_schemes, u->scheme)) {
		u->kind = URL_POSTGRES;
		rc = url_parse_postgres(u, sep + 3, err);
	} else {
		rc = err_set(err, MG_ECONFIG, "unknown database URL scheme "
		    "'%.*s'; expected sqlite or postgresql",
		    (int)(strlen(u->scheme) > 40 ? 40 : strlen(u->scheme)),
		    u->scheme);
	}
	if (rc != 0) {
		url_free(u);
		return rc;
	}
	*out = u;
	return 0;
}

void
url_free(struct url *u)
{
	size_t	 i;

	if (u == NULL)
		return;
	for (i = 0; i < u->nparams; i++) {
		xfree(u->params[i].key);
		xfree(u->params[i].value);
	}
	xfree(u->params);
	xfree(u->scheme);
	xfree(u->user);
	xfree(u->password);
	xfree(u->host);
	xfree(u->database);
	xfree(u->path);
	xfree(u);
}

const char *
url_param(const struct url *u, const char *key)
{
	size_t	 i;

	for (i = 0; i < u->nparams; i++) {
		if (strcmp(u->params[i].key, key) == 0)
			return u->params[i].value;
	}
	return NULL;
}

/* Append s percent-encoding what would not parse back. */
static void
url_encode(struct strbuf *sb, const char *s, const char *keep)
{
	for (; *s != '\0'; s++) {
		if (isalnum((unsigned char)*s) || strchr("-._~", *s) != NULL ||
		    (keep != NULL && strchr(keep, *s) != NULL))
			strbuf_addch(sb, *s);
		else
			strbuf_addf(sb, "%%%02X", (unsigned char)*s);
	}
}

char *
url_mask(const struct url *u)
{
	struct strbuf	 sb = STRBUF_INIT;
	size_t		 i;

	strbuf_addf(&sb, "%s://", u->scheme);
	if (u->kind == URL_SQLITE) {
		if (!u->memory)
			strbuf_addf(&sb, "/%s", u->path);
	} else {
		if (u->user != NULL || u->password != NULL) {
			if (u->user != NULL)
				url_encode(&sb, u->user, NULL);
			if (u->password != NULL)
				strbuf_addstr(&sb, ":***");
			strbuf_addch(&sb, '@');
		}
		if (u->host != NULL && strchr(u->host, ':') != NULL) {
			strbuf_addch(&sb, '[');
			url_encode(&sb, u->host, ":");
			strbuf_addch(&sb, ']');
		} else if (u->host != NULL) {
			url_encode(&sb, u->host, NULL);
		}
		if (u->port > 0)
			strbuf_addf(&sb, ":%d", u->port);
		strbuf_addch(&sb, '/');
		url_encode(&sb, u->database, NULL);
	}
	for (i = 0; i < u->nparams; i++) {
		strbuf_addch(&sb, i == 0 ? '?' : '&');
		url_encode(&sb, u->params[i].key, NULL);
		strbuf_addch(&sb, '=');
		if (strcmp(u->params[i].key, "password") == 0)
			strbuf_addstr(&sb, "***");
		else
			url_encode(&sb, u->params[i].value, "/,");
	}
	return strbuf_detach(&sb, NULL);
}
