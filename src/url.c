/*
 * Database URLs: parse the SQLAlchemy forms for SQLite and PostgreSQL into a
 * struct url, and write them back out with the password masked.
 *
 * SQLite (schemes sqlite, sqlite+pysqlite):
 *	sqlite://			in memory; so are sqlite:/// and
 *	sqlite:///:memory:		sqlite:///:memory:
 *	sqlite:///relative.db		path "relative.db"
 *	sqlite:////absolute.db		path "/absolute.db"
 *	sqlite:///file.db?mode=ro	path "file.db", parameter mode=ro
 * The path is taken as written, without percent-decoding, as SQLAlchemy
 * does; it ends at the first '?'. Parameters are percent-decoded and
 * limited to what SQLite's URI filenames know: mode (ro, rw, rwc, memory),
 * cache (shared, private), immutable and nolock (0, 1, yes, no, true,
 * false, on, off) and vfs. A host (sqlite://host/x.db) is an error.
 *
 * PostgreSQL (postgresql, postgres, postgresql+libpq and the SQLAlchemy
 * drivers psycopg2, psycopg, pg8000, asyncpg; all are served by libpq):
 *	postgresql://[user[:password]@][host][:port]/database[?key=value&...]
 * User, password, host, database and parameters are percent-decoded; a
 * '+' stays a '+' (libpq reads URIs so), it is not a space. The host is a
 * name, an IPv4 address or a bracketed IPv6 address ([::1],
 * [fe80::1%25eth0]), stored without the brackets. With no host
 * (postgresql:///db?host=/var/run/postgresql) libpq picks the default or
 * the host parameter. Every parameter is kept: the dialect hands them to
 * libpq as connection keywords. A parameter given twice is an error (a
 * silent "last one wins" would drop a host from SQLAlchemy's multi-host
 * form ?host=a&host=b, which libpq spells host=a,b).
 *
 * The userinfo ends at the last '@' before the query ('?') whose user name
 * (the text up to the first ':') holds no '/'. So a password may hold '@',
 * ':' and '/' unencoded, and both of these give the password "p@ss:w/rd%25":
 *	postgresql://u:p@ss:w/rd%2525@host/db
 *	postgresql://u:p%40ss%3Aw%2Frd%2525@host/db
 * while postgresql://u:p@ss:w/rd@host/db gives "p@ss:w/rd". A '?' in a
 * password must be written %3F, and a '@' in the database name %40 when
 * the URL has a userinfo; '%' is always written %25.
 *
 * No error message ever holds the password or the raw userinfo. When an
 * '@' follows the '?', the "query" may be the tail of a password with an
 * unencoded '?', so messages then quote nothing from the URL.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "migrate.h"

static const struct {
	const char	*name;
	enum url_kind	 kind;
} url_schemes[] = {
	{ "sqlite",			URL_SQLITE },
	{ "sqlite+pysqlite",		URL_SQLITE },
	{ "postgresql",			URL_POSTGRES },
	{ "postgres",			URL_POSTGRES },
	{ "postgresql+libpq",		URL_POSTGRES },
	{ "postgresql+psycopg2",	URL_POSTGRES },
	{ "postgresql+psycopg",		URL_POSTGRES },
	{ "postgresql+pg8000",		URL_POSTGRES },
	{ "postgresql+asyncpg",		URL_POSTGRES }
};

static const char *const url_sqlite_modes[] = {
	"ro", "rw", "rwc", "memory", NULL
};
static const char *const url_sqlite_caches[] = {
	"shared", "private", NULL
};
static const char *const url_sqlite_bools[] = {
	"0", "1", "yes", "no", "true", "false", "on", "off", NULL
};

/*
 * The parameters a SQLite URL may carry, with the values each allows
 * (values NULL: any non-empty value). SQLite matches mode and cache
 * exactly and booleans in any case.
 */
static const struct {
	const char		 *key;
	const char *const	 *values;
	int			  nocase;
	const char		 *expect;
} url_sqlite_params[] = {
	{ "mode",	url_sqlite_modes,	0, "ro, rw, rwc or memory" },
	{ "cache",	url_sqlite_caches,	0, "shared or private" },
	{ "immutable",	url_sqlite_bools,	1, "0 or 1" },
	{ "nolock",	url_sqlite_bools,	1, "0 or 1" },
	{ "vfs",	NULL,			0, "a VFS name" }
};

#define URL_NSCHEMES (sizeof url_schemes / sizeof url_schemes[0])
#define URL_NSQLITE_PARAMS \
	(sizeof url_sqlite_params / sizeof url_sqlite_params[0])

/* What url_mask leaves unencoded besides letters, digits and "-._~". */
#define URL_KEEP_USER	"!$&'()*+,;="
#define URL_KEEP_HOST	"!$&'()*+,;="
#define URL_KEEP_IPV6	":!$&'()*+,;="
#define URL_KEEP_DB	"!$&'()*+,;=:/"
#define URL_KEEP_KEY	"!$'()*,;:@/"
#define URL_KEEP_VALUE	"!$'()*,;:@/="

/* Query parameters whose value url_mask hides. */
static int
url_secret_key(const char *key)
{
	return strcmp(key, "password") == 0 || strcmp(key, "sslpassword") == 0;
}

static int
url_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The message for a bad escape at s, n bytes before the end; see below. */
static int
url_bad_escape(const char *s, size_t n, const char *what, const char *key,
    int secret, struct err *err)
{
	int	 len = n < 3 ? (int)n : 3;

	if (secret && key != NULL)
		return err_set(err, MG_ECONFIG, "invalid percent escape in "
		    "URL parameter '%s'", key);
	if (secret)
		return err_set(err, MG_ECONFIG, "invalid percent escape in "
		    "URL %s", what);
	if (key != NULL)
		return err_set(err, MG_ECONFIG, "invalid percent escape "
		    "'%.*s' in URL parameter '%s'", len, s, key);
	return err_set(err, MG_ECONFIG, "invalid percent escape '%.*s' in "
	    "URL %s", len, s, what);
}

/*
 * Percent-decode s[0..n) into *out (owned); %00 is refused. what names the
 * part for the message ("database name"); key, when not NULL, is the
 * parameter whose value this is. With secret set the message does not
 * quote the escape.
 */
static int
url_decode(char **out, const char *s, size_t n, const char *what,
    const char *key, int secret, struct err *err)
{
	char	*d;
	size_t	 i, j = 0;
	int	 hi, lo;

	*out = NULL;
	d = xmalloc(n + 1);
	for (i = 0; i < n; i++) {
		if (s[i] != '%') {
			d[j++] = s[i];
			continue;
		}
		hi = i + 1 < n ? url_hexval((unsigned char)s[i + 1]) : -1;
		lo = i + 2 < n ? url_hexval((unsigned char)s[i + 2]) : -1;
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			xfree(d);
			return url_bad_escape(s + i, n - i, what, key, secret,
			    err);
		}
		d[j++] = (char)(hi << 4 | lo);
		i += 2;
	}
	d[j] = '\0';
	*out = d;
	return 0;
}

/* Append s percent-encoded, leaving unreserved bytes and those in keep. */
static void
url_encode(struct strbuf *sb, const char *s, const char *keep)
{
	unsigned char	 c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (isalnum(c) || c >= 0x80 || strchr("-._~", c) != NULL ||
		    strchr(keep, c) != NULL)
			strbuf_addch(sb, c);
		else
			strbuf_addf(sb, "%%%02X", c);
	}
}

/* Whether s[0..n) holds only ASCII digits (and at least one). */
static int
url_digits(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
	}
	return n > 0;
}

/*
 * Parse the query s[0..n) into u->params. Empty pieces (a&&b, a trailing
 * '&') are skipped; a piece without '=' is an error, and so is a key given
 * twice. secret: quote nothing from the query in messages.
 */
static int
url_parse_query(struct url *u, const char *s, size_t n, int secret,
    struct err *err)
{
	const char	*p, *end, *amp, *eq;
	char		*key = NULL, *value = NULL;
	size_t		 max = 1, i;
	int		 rc = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '&')
			max++;
	}
	u->params = xcalloc(max, sizeof *u->params);
	for (p = s, end = s + n; p < end; p = amp < end ? amp + 1 : end) {
		amp = memchr(p, '&', (size_t)(end - p));
		if (amp == NULL)
			amp = end;
		if (amp == p)
			continue;
		eq = memchr(p, '=', (size_t)(amp - p));
		if (eq == p) {
			rc = err_set(err, MG_ECONFIG,
			    "empty parameter name in URL query");
			goto done;
		}
		if ((rc = url_decode(&key, p, (size_t)((eq ? eq : amp) - p),
		    "parameter name", NULL, secret, err)) != 0)
			goto done;
		if (eq == NULL) {
			rc = secret ? err_set(err, MG_ECONFIG, "URL query "
			    "has a parameter without '='") : err_set(err,
			    MG_ECONFIG, "URL parameter '%s' has no value; "
			    "write %s=value", key, key);
			goto done;
		}
		for (i = 0; i < u->nparams; i++) {
			if (strcmp(u->params[i].key, key) != 0)
				continue;
			rc = secret ? err_set(err, MG_ECONFIG, "duplicate "
			    "parameter in URL query") : err_set(err,
			    MG_ECONFIG, "duplicate parameter '%s' in URL",
			    key);
			goto done;
		}
		if ((rc = url_decode(&value, eq + 1, (size_t)(amp - eq - 1),
		    "query", secret ? NULL : key,
		    secret || url_secret_key(key), err)) != 0)
			goto done;
		u->params[u->nparams].key = key;
		u->params[u->nparams].value = value;
		u->nparams++;
		key = value = NULL;
	}
done:
	xfree(key);
	xfree(value);
	if (u->nparams == 0) {
		xfree(u->params);
		u->params = NULL;
	}
	return rc;
}

/* Check u->params against what SQLite's URI filenames accept. */
static int
url_check_sqlite_params(const struct url *u, struct err *err)
{
	const struct url_param	*p;
	const char *const	*v;
	size_t			 i, j;

	for (i = 0; i < u->nparams; i++) {
		p = &u->params[i];
		for (j = 0; j < URL_NSQLITE_PARAMS; j++) {
			if (strcmp(p->key, url_sqlite_params[j].key) == 0)
				break;
		}
		if (j == URL_NSQLITE_PARAMS)
			return err_set(err, MG_ECONFIG, "unknown SQLite URL "
			    "parameter '%s'; expected mode, cache, immutable, "
			    "nolock or vfs", p->key);
		v = url_sqlite_params[j].values;
		if (v == NULL && *p->value != '\0')
			continue;
		for (; v != NULL && *v != NULL; v++) {
			if (url_sqlite_params[j].nocase ?
			    strcasecmp(p->value, *v) == 0 :
			    strcmp(p->value, *v) == 0)
				break;
		}
		if (v == NULL || *v == NULL)
			return err_set(err, MG_ECONFIG, "invalid value '%s' "
			    "for SQLite URL parameter '%s'; expected %s",
			    p->value, p->key, url_sqlite_params[j].expect);
	}
	return 0;
}

/* Parse what follows "sqlite://". */
static int
url_parse_sqlite(struct url *u, const char *rest, struct err *err)
{
	const char	*q;
	size_t		 n;
	int		 rc;

	q = strchr(rest, '?');
	n = q != NULL ? (size_t)(q - rest) : strlen(rest);
	if (n > 0 && rest[0] != '/')
		return err_set(err, MG_ECONFIG, "host in SQLite URL; write "
		    "sqlite:///relative.db, sqlite:////absolute.db or "
		    "sqlite:// (in memory)");
	/* sqlite://, sqlite:/// and sqlite:///:memory: are all in memory */
	if (n <= 1 || (n == 9 && strncmp(rest + 1, ":memory:", 8) == 0))
		u->memory = 1;
	else
		u->path = xstrndup(rest + 1, n - 1);
	if (q == NULL)
		return 0;
	if ((rc = url_parse_query(u, q + 1, strlen(q + 1), 0, err)) != 0)
		return rc;
	return url_check_sqlite_params(u, err);
}

/*
 * The '@' that ends the userinfo in rest[0..n), or NULL: the last one whose
 * user name (up to the first ':') holds no '/'.
 */
static const char *
url_find_userinfo(const char *rest, size_t n)
{
	const char	*colon, *user_end;
	size_t		 i;

	for (i = n; i-- > 0;) {
		if (rest[i] != '@')
			continue;
		colon = memchr(rest, ':', i);
		user_end = colon != NULL ? colon : rest + i;
		if (memchr(rest, '/', (size_t)(user_end - rest)) == NULL)
			return rest + i;
	}
	return NULL;
}

/* Parse user[:password] from s[0..n). */
static int
url_parse_userinfo(struct url *u, const char *s, size_t n, struct err *err)
{
	const char	*colon;
	size_t		 ulen;
	int		 rc;

	colon = memchr(s, ':', n);
	ulen = colon != NULL ? (size_t)(colon - s) : n;
	if ((rc = url_decode(&u->user, s, ulen, "user name", NULL, 1,
	    err)) != 0)
		return rc;
	if (*u->user == '\0') {
		xfree(u->user);
		u->user = NULL;
	}
	if (colon == NULL)
		return 0;
	return url_decode(&u->password, colon + 1, n - ulen - 1, "password",
	    NULL, 1, err);
}

/*
 * Parse the port in s[0..n). The text is quoted in the message only when
 * it cannot be a password: the URL has a userinfo, so "host:port" is not
 * a "user:password" missing its '@', or the text is all digits.
 */
static int
url_parse_port(struct url *u, const char *s, size_t n, int quote,
    int scrub, struct err *err)
{
	size_t	 i;
	long	 port = 0;

	for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		port = port * 10 + (s[i] - '0');
		if (port > 65535)
			break;
	}
	if (n > 0 && i == n && port >= 1 && port <= 65535) {
		u->port = (int)port;
		return 0;
	}
	if (scrub)
		return err_set(err, MG_ECONFIG, "invalid port in URL; a '?' "
		    "in a password must be written %%3F");
	if (quote || url_digits(s, n))
		return err_set(err, MG_ECONFIG, "invalid port '%.*s' in URL",
		    (int)n, s);
	return err_set(err, MG_ECONFIG, "invalid port in URL; if it is "
	    "user:password, follow it with '@host'");
}

/* Parse host[:port] or [ipv6][:port] from s[0..n). */
static int
url_parse_hostport(struct url *u, const char *s, size_t n, int userinfo,
    int scrub, struct err *err)
{
	const char	*end = s + n, *close, *colon, *p;
	int		 rc;

	if (n > 0 && s[0] == '[') {
		close = memchr(s, ']', n);
		if (close == NULL)
			return err_set(err, MG_ECONFIG,
			    "unterminated '[' in URL host");
		if (close == s + 1)
			return err_set(err, MG_ECONFIG,
			    "empty host in brackets in URL");
		if ((rc = url_decode(&u->host, s + 1, (size_t)(close - s - 1),
		    "host", NULL, scrub, err)) != 0)
			return rc;
		p = close + 1;
		if (p < end && *p != ':')
			return err_set(err, MG_ECONFIG, "unexpected text "
			    "after ']' in URL host");
	} else {
		colon = memchr(s, ':', n);
		p = colon != NULL ? colon : end;
		if (memchr(s, '[', (size_t)(p - s)) != NULL ||
		    memchr(s, ']', (size_t)(p - s)) != NULL)
			return err_set(err, MG_ECONFIG, "stray '[' or ']' in "
			    "URL host; write an IPv6 host as [::1]");
		if (p > s && (rc = url_decode(&u->host, s, (size_t)(p - s),
		    "host", NULL, scrub, err)) != 0)
			return rc;
	}
	if (u->host != NULL && *u->host == '\0') {
		xfree(u->host);
		u->host = NULL;
	}
	if (p == end)
		return 0;
	return url_parse_port(u, p + 1, (size_t)(end - p - 1), userinfo,
	    scrub, err);
}

/* Parse what follows "postgresql://". */
static int
url_parse_postgres(struct url *u, const char *rest, struct err *err)
{
	const char	*q, *at, *auth, *slash, *end;
	int		 scrub, rc;

	q = strchr(rest, '?');
	end = q != NULL ? q : rest + strlen(rest);
	/* an '@' after the '?' may mean a password with an unencoded '?' */
	scrub = q != NULL && strchr(q, '@') != NULL;
	at = url_find_userinfo(rest, (size_t)(end - rest));
	if (at != NULL && (rc = url_parse_userinfo(u, rest,
	    (size_t)(at - rest), err)) != 0)
		return rc;
	auth = at != NULL ? at + 1 : rest;
	slash = memchr(auth, '/', (size_t)(end - auth));
	if ((rc = url_parse_hostport(u, auth,
	    (size_t)((slash ? slash : end) - auth), at != NULL, scrub,
	    err)) != 0)
		return rc;
	if (slash == NULL || slash + 1 == end)
		return err_set(err, MG_ECONFIG, "no database name in URL");
	if ((rc = url_decode(&u->database, slash + 1,
	    (size_t)(end - slash - 1), "database name", NULL, scrub,
	    err)) != 0)
		return rc;
	if (q == NULL)
		return 0;
	return url_parse_query(u, q + 1, strlen(q + 1), scrub, err);
}

/* Set u->scheme and u->kind from the n bytes of s before "://". */
static int
url_parse_scheme(struct url *u, const char *s, size_t n, struct err *err)
{
	size_t	 i;

	if (n == 0)
		return err_set(err, MG_ECONFIG, "no scheme in database URL; "
		    "expected sqlite or postgresql");
	for (i = 0; i < n; i++) {
		if (!isalnum((unsigned char)s[i]) && strchr("+.-_", s[i]) ==
		    NULL)
			return err_set(err, MG_ECONFIG, "invalid database URL "
			    "scheme; expected sqlite or postgresql");
	}
	for (i = 0; i < URL_NSCHEMES; i++) {
		if (strlen(url_schemes[i].name) == n &&
		    strncasecmp(url_schemes[i].name, s, n) == 0) {
			u->scheme = xstrdup(url_schemes[i].name);
			u->kind = url_schemes[i].kind;
			return 0;
		}
	}
	return err_set(err, MG_ECONFIG, "unknown database URL scheme '%.*s'; "
	    "expected sqlite or postgresql", (int)n, s);
}

int
url_parse(struct url **out, const char *text, struct err *err)
{
	struct url	*u = NULL;
	const char	*sep, *p;
	int		 rc = 0;

	*out = NULL;
	if (text == NULL || *text == '\0')
		return err_set(err, MG_ECONFIG, "empty database URL");
	for (p = text; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return err_set(err, MG_ECONFIG, "control character "
			    "0x%02x at offset %zu in database URL",
			    (unsigned)(unsigned char)*p, (size_t)(p - text));
	}
	if ((sep = strstr(text, "://")) == NULL)
		return err_set(err, MG_ECONFIG, "no '://' in database URL; "
		    "expected e.g. sqlite:///file.db or postgresql://host/db");
	u = xcalloc(1, sizeof *u);
	if ((rc = url_parse_scheme(u, text, (size_t)(sep - text), err)) != 0)
		goto done;
	if (u->kind == URL_SQLITE)
		rc = url_parse_sqlite(u, sep + 3, err);
	else
		rc = url_parse_postgres(u, sep + 3, err);
done:
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
	xfree(u->scheme);
	xfree(u->user);
	xfree(u->password);
	xfree(u->host);
	xfree(u->database);
	xfree(u->path);
	for (i = 0; i < u->nparams; i++) {
		xfree(u->params[i].key);
		xfree(u->params[i].value);
	}
	xfree(u->params);
	xfree(u);
}

char *
url_mask(const struct url *u)
{
	struct strbuf	 sb = STRBUF_INIT;
	size_t		 i;

	strbuf_addstr(&sb, u->scheme);
	strbuf_addstr(&sb, "://");
	if (u->kind == URL_SQLITE) {
		if (!u->memory && u->path != NULL) {
			strbuf_addch(&sb, '/');
			strbuf_addstr(&sb, u->path);
		}
	} else {
		if (u->user != NULL || u->password != NULL) {
			if (u->user != NULL)
				url_encode(&sb, u->user, URL_KEEP_USER);
			if (u->password != NULL)
				strbuf_addstr(&sb, ":***");
			strbuf_addch(&sb, '@');
		}
		if (u->host != NULL && strchr(u->host, ':') != NULL) {
			strbuf_addch(&sb, '[');
			url_encode(&sb, u->host, URL_KEEP_IPV6);
			strbuf_addch(&sb, ']');
		} else if (u->host != NULL)
			url_encode(&sb, u->host, URL_KEEP_HOST);
		if (u->port > 0)
			strbuf_addf(&sb, ":%d", u->port);
		strbuf_addch(&sb, '/');
		if (u->database != NULL)
			url_encode(&sb, u->database, URL_KEEP_DB);
	}
	for (i = 0; i < u->nparams; i++) {
		strbuf_addch(&sb, i == 0 ? '?' : '&');
		url_encode(&sb, u->params[i].key, URL_KEEP_KEY);
		strbuf_addch(&sb, '=');
		if (url_secret_key(u->params[i].key))
			strbuf_addstr(&sb, "***");
		else
			url_encode(&sb, u->params[i].value, URL_KEEP_VALUE);
	}
	return strbuf_detach(&sb, NULL);
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
