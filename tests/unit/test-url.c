/*
 * url: every accepted form with every field, odd passwords, IPv6, masking
 * and its round trip, and each malformed form with its exact message, which
 * never holds the password.
 */
#include <string.h>

#include "unit.h"

struct url_case {
	const char	*text;
	enum url_kind	 kind;
	const char	*scheme;
	const char	*user, *password, *host;
	int		 port;
	const char	*database, *path;
	int		 memory;
	const char	*params;	/* "k=v&k2=v2", decoded */
	const char	*masked;
};

#define S	URL_SQLITE
#define P	URL_POSTGRES

static const struct url_case good[] = {
	/* SQLite */
	{ "sqlite://", S, "sqlite", NULL, NULL, NULL, 0, NULL, NULL, 1, "",
	    "sqlite://" },
	{ "sqlite:///:memory:", S, "sqlite", NULL, NULL, NULL, 0, NULL, NULL,
	    1, "", "sqlite://" },
	{ "sqlite:///", S, "sqlite", NULL, NULL, NULL, 0, NULL, NULL, 1, "",
	    "sqlite://" },
	{ "sqlite:///relative.db", S, "sqlite", NULL, NULL, NULL, 0, NULL,
	    "relative.db", 0, "", "sqlite:///relative.db" },
	{ "sqlite:////absolute.db", S, "sqlite", NULL, NULL, NULL, 0, NULL,
	    "/absolute.db", 0, "", "sqlite:////absolute.db" },
	{ "sqlite:///file.db?mode=ro", S, "sqlite", NULL, NULL, NULL, 0, NULL,
	    "file.db", 0, "mode=ro", "sqlite:///file.db?mode=ro" },
	{ "sqlite:///sub/dir/a%20b.db", S, "sqlite", NULL, NULL, NULL, 0,
	    NULL, "sub/dir/a%20b.db", 0, "", "sqlite:///sub/dir/a%20b.db" },
	{ "sqlite:///C:/data/x.db", S, "sqlite", NULL, NULL, NULL, 0, NULL,
	    "C:/data/x.db", 0, "", "sqlite:///C:/data/x.db" },
	{ "SQLite+PySQLite:////tmp/x.db?cache=shared&immutable=1&nolock=TRUE"
	    "&vfs=unix-dotfile", S, "sqlite+pysqlite", NULL, NULL, NULL, 0,
	    NULL, "/tmp/x.db", 0,
	    "cache=shared&immutable=1&nolock=TRUE&vfs=unix-dotfile",
	    "sqlite+pysqlite:////tmp/x.db?cache=shared&immutable=1&nolock=TRUE"
	    "&vfs=unix-dotfile" },
	{ "sqlite:///:memory:?cache=shared", S, "sqlite", NULL, NULL, NULL, 0,
	    NULL, NULL, 1, "cache=shared", "sqlite://?cache=shared" },
	{ "sqlite://?mode=memory&cache=private", S, "sqlite", NULL, NULL,
	    NULL, 0, NULL, NULL, 1, "mode=memory&cache=private",
	    "sqlite://?mode=memory&cache=private" },
	{ "sqlite:///x.db?vfs=my%20vfs&mode=rwc", S, "sqlite", NULL, NULL,
	    NULL, 0, NULL, "x.db", 0, "vfs=my vfs&mode=rwc",
	    "sqlite:///x.db?vfs=my%20vfs&mode=rwc" },
	{ "sqlite:///x.db?", S, "sqlite", NULL, NULL, NULL, 0, NULL, "x.db",
	    0, "", "sqlite:///x.db" },

	/* PostgreSQL: the schemes */
	{ "postgresql://user:password@host:5432/database?key=value&"
	    "key2=value2", P, "postgresql", "user", "password", "host", 5432,
	    "database", NULL, 0, "key=value&key2=value2",
	    "postgresql://user:***@host:5432/database?key=value&key2=value2" },
	{ "postgres://host/db", P, "postgres", NULL, NULL, "host", 0, "db",
	    NULL, 0, "", "postgres://host/db" },
	{ "postgresql+libpq://u@h/d", P, "postgresql+libpq", "u", NULL, "h",
	    0, "d", NULL, 0, "", "postgresql+libpq://u@h/d" },
	{ "postgresql+psycopg2://u:@h/d", P, "postgresql+psycopg2", "u", "",
	    "h", 0, "d", NULL, 0, "", "postgresql+psycopg2://u:***@h/d" },
	{ "postgresql+psycopg://h/d", P, "postgresql+psycopg", NULL, NULL,
	    "h", 0, "d", NULL, 0, "", "postgresql+psycopg://h/d" },
	{ "postgresql+pg8000://h/d", P, "postgresql+pg8000", NULL, NULL, "h",
	    0, "d", NULL, 0, "", "postgresql+pg8000://h/d" },
	{ "Postgresql+AsyncPG://H/D", P, "postgresql+asyncpg", NULL, NULL,
	    "H", 0, "D", NULL, 0, "", "postgresql+asyncpg://H/D" },

	/* odd passwords */
	{ "postgresql://u:p@ss:w/rd@host/db", P, "postgresql", "u",
	    "p@ss:w/rd", "host", 0, "db", NULL, 0, "",
	    "postgresql://u:***@host/db" },
	{ "postgresql://u:p@ss:w/rd%2525@host/db", P, "postgresql", "u",
	    "p@ss:w/rd%25", "host", 0, "db", NULL, 0, "",
	    "postgresql://u:***@host/db" },
	{ "postgresql://u:p%40ss%3Aw%2Frd%2525@host/db", P, "postgresql", "u",
	    "p@ss:w/rd%25", "host", 0, "db", NULL, 0, "",
	    "postgresql://u:***@host/db" },
	{ "postgresql://u:a%3Ab%2Fc%3Fd%23e%26f@host/db", P, "postgresql",
	    "u", "a:b/c?d#e&f", "host", 0, "db", NULL, 0, "",
	    "postgresql://u:***@host/db" },
	{ "postgresql://u:p%C3%A4ss%E2%82%AC@h/db", P, "postgresql", "u",
	    "p\xc3\xa4" "ss\xe2\x82\xac", "h", 0, "db", NULL, 0, "",
	    "postgresql://u:***@h/db" },
	{ "postgresql://u:p\xc3\xa4" "ss\xe2\x82\xac@h/db", P, "postgresql",
	    "u", "p\xc3\xa4" "ss\xe2\x82\xac", "h", 0, "db", NULL, 0, "",
	    "postgresql://u:***@h/db" },
	{ "postgresql://:onlypw@h/db", P, "postgresql", NULL, "onlypw", "h",
	    0, "db", NULL, 0, "", "postgresql://:***@h/db" },
	{ "postgresql://@h/db", P, "postgresql", NULL, NULL, "h", 0, "db",
	    NULL, 0, "", "postgresql://h/db" },
	{ "postgresql://us%40er%3A1:pw@h/db", P, "postgresql", "us@er:1",
	    "pw", "h", 0, "db", NULL, 0, "",
	    "postgresql://us%40er%3A1:***@h/db" },

	/* hosts and ports */
	{ "postgresql://u:pw@[::1]:5432/db", P, "postgresql", "u", "pw",
	    "::1", 5432, "db", NULL, 0, "",
	    "postgresql://u:***@[::1]:5432/db" },
	{ "postgresql://[fe80::1%25eth0]/db", P, "postgresql", NULL, NULL,
	    "fe80::1%eth0", 0, "db", NULL, 0, "",
	    "postgresql://[fe80::1%25eth0]/db" },
	{ "postgresql://[2001:DB8::7]:65535/db", P, "postgresql", NULL, NULL,
	    "2001:DB8::7", 65535, "db", NULL, 0, "",
	    "postgresql://[2001:DB8::7]:65535/db" },
	{ "postgresql://127.0.0.1:1/db", P, "postgresql", NULL, NULL,
	    "127.0.0.1", 1, "db", NULL, 0, "", "postgresql://127.0.0.1:1/db" },
	{ "postgresql://h:05432/db", P, "postgresql", NULL, NULL, "h", 5432,
	    "db", NULL, 0, "", "postgresql://h:5432/db" },
	{ "postgresql://:5433/db", P, "postgresql", NULL, NULL, NULL, 5433,
	    "db", NULL, 0, "", "postgresql://:5433/db" },
	{ "postgresql:///db?host=/var/run/postgresql", P, "postgresql", NULL,
	    NULL, NULL, 0, "db", NULL, 0, "host=/var/run/postgresql",
	    "postgresql:///db?host=/var/run/postgresql" },
	{ "postgresql://%2Fvar%2Frun%2Fpostgresql/db", P, "postgresql", NULL,
	    NULL, "/var/run/postgresql", 0, "db", NULL, 0, "",
	    "postgresql://%2Fvar%2Frun%2Fpostgresql/db" },

	/* databases and parameters */
	{ "postgresql://my%20user@h/my%2Fdb?sslmode=require&"
	    "connect_timeout=5&application_name=a%20b&"
	    "options=-c%20search_path%3Dfoo", P, "postgresql", "my user",
	    NULL, "h", 0, "my/db", NULL, 0, "sslmode=require&"
	    "connect_timeout=5&application_name=a b&"
	    "options=-c search_path=foo", "postgresql://my%20user@h/my/db?"
	    "sslmode=require&connect_timeout=5&application_name=a%20b&"
	    "options=-c%20search_path=foo" },
	{ "postgresql://h/db?password=hunter2&sslpassword=keypass", P,
	    "postgresql", NULL, NULL, "h", 0, "db", NULL, 0,
	    "password=hunter2&sslpassword=keypass",
	    "postgresql://h/db?password=***&sslpassword=***" },
	{ "postgresql://h/db@x", P, "postgresql", NULL, NULL, "h", 0, "db@x",
	    NULL, 0, "", "postgresql://h/db%40x" },
	{ "postgresql:///db@x", P, "postgresql", NULL, NULL, NULL, 0, "db@x",
	    NULL, 0, "", "postgresql:///db%40x" },
	{ "postgresql://u@h/db@x", P, "postgresql", "u", NULL, "h", 0,
	    "db@x", NULL, 0, "", "postgresql://u@h/db%40x" },
	{ "postgresql://h/a+b?application_name=c+d", P, "postgresql", NULL,
	    NULL, "h", 0, "a+b", NULL, 0, "application_name=c+d",
	    "postgresql://h/a+b?application_name=c%2Bd" },
	{ "postgresql://h/db#x?k=", P, "postgresql", NULL, NULL, "h", 0,
	    "db#x", NULL, 0, "k=", "postgresql://h/db%23x?k=" },
	{ "postgresql://u:pw@h/db?a=1&&b=%26%3D&", P, "postgresql", "u",
	    "pw", "h", 0, "db", NULL, 0, "a=1&b=&=",
	    "postgresql://u:***@h/db?a=1&b=%26=" },
	{ "postgresql://u:pw@h/db?note=me@work", P, "postgresql", "u", "pw",
	    "h", 0, "db", NULL, 0, "note=me@work",
	    "postgresql://u:***@h/db?note=me@work" },
};

#undef S
#undef P

static void
check_str(const char *what, const char *text, const char *got,
    const char *want)
{
	if (got == NULL && want == NULL)
		return;
	if (got == NULL || want == NULL || strcmp(got, want) != 0)
		fail_msg("%s: %s is '%s', want '%s'", text, what,
		    got ? got : "(null)", want ? want : "(null)");
}

static void
params_text(struct strbuf *sb, const struct url *u)
{
	size_t	 i;

	strbuf_reset(sb);
	for (i = 0; i < u->nparams; i++)
		strbuf_addf(sb, "%s%s=%s", i ? "&" : "", u->params[i].key,
		    u->params[i].value);
}

/* Fail when msg holds any 4-byte piece of secret. */
static void
check_no_secret(const char *text, const char *msg, const char *secret)
{
	size_t	 i, n = strlen(secret);
	char	 piece[5];

	if (n < 4) {
		if (n > 0 && strstr(msg, secret) != NULL)
			fail_msg("%s: message '%s' holds '%s'", text, msg,
			    secret);
		return;
	}
	for (i = 0; i + 4 <= n; i++) {
		memcpy(piece, secret + i, 4);
		piece[4] = '\0';
		if (strstr(msg, piece) != NULL)
			fail_msg("%s: message '%s' holds '%s' of the password",
			    text, msg, piece);
	}
}

static void
test_url_accepted_forms(void **state)
{
	struct url	*u;
	struct err	 err = ERR_INIT;
	struct strbuf	 sb = STRBUF_INIT;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		const struct url_case	*c = &good[i];

		u = NULL;
		if (url_parse(&u, c->text, &err) != 0)
			fail_msg("%s: %s", c->text, err.msg);
		assert_null(err.msg);
		assert_int_equal(u->kind, c->kind);
		check_str("scheme", c->text, u->scheme, c->scheme);
		check_str("user", c->text, u->user, c->user);
		check_str("password", c->text, u->password, c->password);
		check_str("host", c->text, u->host, c->host);
		assert_int_equal(u->port, c->port);
		check_str("database", c->text, u->database, c->database);
		check_str("path", c->text, u->path, c->path);
		assert_int_equal(u->memory, c->memory);
		params_text(&sb, u);
		check_str("params", c->text, sb.buf, c->params);
		if (u->nparams == 0)
			assert_null(u->params);
		url_free(u);
	}
	strbuf_release(&sb);
}

static void
test_url_mask_hides_password(void **state)
{
	struct url	*u;
	struct err	 err = ERR_INIT;
	char		*masked;
	size_t		 i, j;

	(void)state;
	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		const struct url_case	*c = &good[i];

		u = NULL;
		assert_int_equal(url_parse(&u, c->text, &err), 0);
		masked = url_mask(u);
		check_str("masked", c->text, masked, c->masked);
		if (u->password != NULL && *u->password != '\0')
			assert_null(strstr(masked, u->password));
		for (j = 0; j < u->nparams; j++) {
			if (strstr(u->params[j].key, "password") != NULL)
				assert_null(strstr(masked,
				    u->params[j].value));
		}
		xfree(masked);
		url_free(u);
	}
}

/* Everything but the password survives url_parse(url_mask(u)). */
static void
test_url_mask_round_trips(void **state)
{
	struct url	*u, *again;
	struct err	 err = ERR_INIT;
	struct strbuf	 want = STRBUF_INIT, got = STRBUF_INIT;
	char		*masked, *masked2;
	size_t		 i, j;

	(void)state;
	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		const struct url_case	*c = &good[i];

		u = again = NULL;
		assert_int_equal(url_parse(&u, c->text, &err), 0);
		masked = url_mask(u);
		if (url_parse(&again, masked, &err) != 0)
			fail_msg("%s: mask '%s' does not parse: %s", c->text,
			    masked, err.msg);
		assert_int_equal(again->kind, u->kind);
		check_str("scheme", masked, again->scheme, u->scheme);
		check_str("user", masked, again->user, u->user);
		check_str("password", masked, again->password,
		    u->password != NULL ? "***" : NULL);
		check_str("host", masked, again->host, u->host);
		assert_int_equal(again->port, u->port);
		check_str("database", masked, again->database, u->database);
		check_str("path", masked, again->path, u->path);
		assert_int_equal(again->memory, u->memory);
		assert_int_equal(again->nparams, u->nparams);
		strbuf_reset(&want);
		for (j = 0; j < u->nparams; j++)
			strbuf_addf(&want, "%s=%s&", u->params[j].key,
			    strstr(u->params[j].key, "password") != NULL ?
			    "***" : u->params[j].value);
		strbuf_reset(&got);
		for (j = 0; j < again->nparams; j++)
			strbuf_addf(&got, "%s=%s&", again->params[j].key,
			    again->params[j].value);
		check_str("params", masked, got.buf, want.buf);
		/* and masking is idempotent */
		masked2 = url_mask(again);
		check_str("mask of mask", masked, masked2, masked);
		xfree(masked2);
		xfree(masked);
		url_free(again);
		url_free(u);
	}
	strbuf_release(&want);
	strbuf_release(&got);
}

static void
test_url_param_lookup(void **state)
{
	struct url	*u = NULL;
	struct err	 err = ERR_INIT;

	(void)state;
	assert_int_equal(url_parse(&u,
	    "postgresql://h/d?a=1&b=%32&sslmode=verify-full", &err), 0);
	assert_string_equal(url_param(u, "a"), "1");
	assert_string_equal(url_param(u, "b"), "2");
	assert_string_equal(url_param(u, "sslmode"), "verify-full");
	assert_null(url_param(u, "c"));
	assert_null(url_param(u, "A"));
	url_free(u);
	u = NULL;
	assert_int_equal(url_parse(&u, "sqlite://", &err), 0);
	assert_null(url_param(u, "mode"));
	url_free(u);
}

static void
test_url_free_null_is_noop(void **state)
{
	(void)state;
	url_free(NULL);
}

struct url_bad {
	const char	*text;
	const char	*msg;
	const char	*secret;	/* must not be in msg; NULL: none */
};

static const struct url_bad bad[] = {
	{ "", "empty database URL", NULL },
	{ "just-a-path.db", "no '://' in database URL; expected e.g. "
	    "sqlite:///file.db or postgresql://host/db", NULL },
	{ "host=h user=u password=Xyzzy42", "no '://' in database URL; "
	    "expected e.g. sqlite:///file.db or postgresql://host/db",
	    "Xyzzy42" },
	{ "://u:Xyzzy42@h/db", "no scheme in database URL; expected sqlite "
	    "or postgresql", "Xyzzy42" },
	{ "password=Xyzzy42 x://h/db", "invalid database URL scheme; "
	    "expected sqlite or postgresql", "Xyzzy42" },
	{ "mysql://u:Xyzzy42@h/db", "unknown database URL scheme 'mysql'; "
	    "expected sqlite or postgresql", "Xyzzy42" },
	{ "postgresql+foo://u:Xyzzy42@h/db", "unknown database URL scheme "
	    "'postgresql+foo'; expected sqlite or postgresql", "Xyzzy42" },
	{ "sqlite+aiosqlite:///x.db", "unknown database URL scheme "
	    "'sqlite+aiosqlite'; expected sqlite or postgresql", NULL },

	/* control characters */
	{ "postgresql://u:Xyzzy42@h/d\nb", "control character 0x0a at offset "
	    "26 in database URL", "Xyzzy42" },
	{ "postgresql://u:Xyzzy42\t@h/db", "control character 0x09 at offset "
	    "22 in database URL", "Xyzzy42" },
	{ "sqlite:///x.db\x7f", "control character 0x7f at offset 14 in "
	    "database URL", NULL },

	/* ports */
	{ "postgresql://u:Xyzzy42@h:99999/db", "invalid port '99999' in URL",
	    "Xyzzy42" },
	{ "postgresql://u:Xyzzy42@h:65536/db", "invalid port '65536' in URL",
	    "Xyzzy42" },
	{ "postgresql://u:Xyzzy42@h:0/db", "invalid port '0' in URL",
	    "Xyzzy42" },
	{ "postgresql://u:Xyzzy42@h:5x/db", "invalid port '5x' in URL",
	    "Xyzzy42" },
	{ "postgresql://u:Xyzzy42@h:-1/db", "invalid port '-1' in URL",
	    "Xyzzy42" },
	{ "postgresql://u:Xyzzy42@h:/db", "invalid port '' in URL",
	    "Xyzzy42" },
	{ "postgresql://u:Xyzzy42@h:port/db", "invalid port 'port' in URL",
	    "Xyzzy42" },
	{ "postgresql://u@h:5432:5433/db", "invalid port '5432:5433' in URL",
	    NULL },
	{ "postgresql://h:54e2/db", "invalid port in URL; if it is "
	    "user:password, follow it with '@host'", NULL },
	{ "postgresql://h:99999999999999999999/db", "invalid port "
	    "'99999999999999999999' in URL", NULL },
	/* no '@': "u:Xyzzy42" reads as host:port, but may be user:password */
	{ "postgresql://u:Xyzzy42/db", "invalid port in URL; if it is "
	    "user:password, follow it with '@host'", "Xyzzy42" },
	/* an unencoded '?' in the password cuts the URL short */
	{ "postgresql://u:hunt?er2@h/db", "invalid port in URL; a '?' in a "
	    "password must be written %3F", "hunt?er2" },
	{ "postgresql://u:1234?5678@h/db", "no database name in URL",
	    "1234?5678" },
	/* documented: with a password, a '@' in the database needs %40 */
	{ "postgresql://u:pw@h/a@b", "no database name in URL", "pw@h/a" },

	/* hosts */
	{ "postgresql://u:Xyzzy42@[::1/db", "unterminated '[' in URL host",
	    "Xyzzy42" },
	{ "postgresql://u:Xyzzy42@[::1", "unterminated '[' in URL host",
	    "Xyzzy42" },
	{ "postgresql://u:Xyzzy42@[]/db", "empty host in brackets in URL",
	    "Xyzzy42" },
	{ "postgresql://u:Xyzzy42@[]:5432/db", "empty host in brackets in "
	    "URL", "Xyzzy42" },
	{ "postgresql://u:Xyzzy42@[::1]x/db", "unexpected text after ']' in "
	    "URL host", "Xyzzy42" },
	{ "postgresql://u:Xyzzy42@h]/db", "stray '[' or ']' in URL host; "
	    "write an IPv6 host as [::1]", "Xyzzy42" },
	{ "postgresql://u:Xyzzy42@h[1]/db", "stray '[' or ']' in URL host; "
	    "write an IPv6 host as [::1]", "Xyzzy42" },

	/* percent escapes */
	{ "postgresql://u:Xyzzy42%zz@h/db", "invalid percent escape in URL "
	    "password", "Xyzzy42" },
	{ "postgresql://u:Xyzzy42%4@h/db", "invalid percent escape in URL "
	    "password", "Xyzzy42" },
	{ "postgresql://u:Xyzzy42%@h/db", "invalid percent escape in URL "
	    "password", "Xyzzy42" },
	{ "postgresql://u:Xyzzy42%00@h/db", "invalid percent escape in URL "
	    "password", "Xyzzy42" },
	{ "postgresql://us%4ger:Xyzzy42@h/db", "invalid percent escape in URL "
	    "user name", "Xyzzy42" },
	{ "postgresql://u:Xyzzy42@h%zz/db", "invalid percent escape '%zz' in "
	    "URL host", "Xyzzy42" },
	{ "postgresql://u:Xyzzy42@[fe80::1%eth0]/db", "invalid percent "
	    "escape '%et' in URL host", "Xyzzy42" },
	{ "postgresql://u:Xyzzy42@h/db%4", "invalid percent escape '%4' in "
	    "URL database name", "Xyzzy42" },
	{ "postgresql://u:Xyzzy42@h/db?x=%00", "invalid percent escape '%00' "
	    "in URL parameter 'x'", "Xyzzy42" },
	{ "postgresql://u:Xyzzy42@h/db?k%zz=1", "invalid percent escape "
	    "'%zz' in URL parameter name", "Xyzzy42" },
	{ "postgresql://h/db?password=Xyzzy42%G1", "invalid percent escape "
	    "in URL parameter 'password'", "Xyzzy42" },
	{ "postgresql://h/db?sslpassword=Xyzzy42%", "invalid percent escape "
	    "in URL parameter 'sslpassword'", "Xyzzy42" },

	/* database */
	{ "postgresql://u:Xyzzy42@h/", "no database name in URL", "Xyzzy42" },
	{ "postgresql://u:Xyzzy42@h", "no database name in URL", "Xyzzy42" },
	{ "postgresql://u:Xyzzy42@h?sslmode=require", "no database name in "
	    "URL", "Xyzzy42" },
	{ "postgresql://u:Xyzzy42@h/?sslmode=require", "no database name in "
	    "URL", "Xyzzy42" },
	{ "postgresql://", "no database name in URL", NULL },

	/* query */
	{ "postgresql://u:Xyzzy42@h/db?novalue", "URL parameter 'novalue' "
	    "has no value; write novalue=value", "Xyzzy42" },
	{ "postgresql://u:Xyzzy42@h/db?=v", "empty parameter name in URL "
	    "query", "Xyzzy42" },
	{ "postgresql://u:Xyzzy42@h/db?sslmode=disable&sslmode=require",
	    "duplicate parameter 'sslmode' in URL", "Xyzzy42" },
	{ "postgresql://u:Xyzzy42@h/db?host=a&host=b", "duplicate parameter "
	    "'host' in URL", "Xyzzy42" },

	/* SQLite */
	{ "sqlite:///x.db?mode=ro&journal=wal", "unknown SQLite URL "
	    "parameter 'journal'; expected mode, cache, immutable, nolock or "
	    "vfs", NULL },
	{ "sqlite:///x.db?timeout=5", "unknown SQLite URL parameter "
	    "'timeout'; expected mode, cache, immutable, nolock or vfs",
	    NULL },
	{ "sqlite:///x.db?mode=readonly", "invalid value 'readonly' for "
	    "SQLite URL parameter 'mode'; expected ro, rw, rwc or memory",
	    NULL },
	{ "sqlite:///x.db?cache=SHARED", "invalid value 'SHARED' for SQLite "
	    "URL parameter 'cache'; expected shared or private", NULL },
	{ "sqlite:///x.db?immutable=maybe", "invalid value 'maybe' for "
	    "SQLite URL parameter 'immutable'; expected 0 or 1", NULL },
	{ "sqlite:///x.db?nolock=", "invalid value '' for SQLite URL "
	    "parameter 'nolock'; expected 0 or 1", NULL },
	{ "sqlite:///x.db?vfs=", "invalid value '' for SQLite URL parameter "
	    "'vfs'; expected a VFS name", NULL },
	{ "sqlite:///x.db?mode=ro&mode=rw", "duplicate parameter 'mode' in "
	    "URL", NULL },
	{ "sqlite:///x.db?mode", "URL parameter 'mode' has no value; write "
	    "mode=value", NULL },
	{ "sqlite:///x.db?mode=%zz", "invalid percent escape '%zz' in URL "
	    "parameter 'mode'", NULL },
	{ "sqlite://host/x.db", "host in SQLite URL; write "
	    "sqlite:///relative.db, sqlite:////absolute.db or sqlite:// "
	    "(in memory)", NULL },
	{ "sqlite://u:Xyzzy42@host/x.db", "host in SQLite URL; write "
	    "sqlite:///relative.db, sqlite:////absolute.db or sqlite:// "
	    "(in memory)", "Xyzzy42" },
	{ "sqlite://:memory:", "host in SQLite URL; write "
	    "sqlite:///relative.db, sqlite:////absolute.db or sqlite:// "
	    "(in memory)", NULL },
};

static void
test_url_malformed_forms(void **state)
{
	struct url	*u;
	struct err	 err = ERR_INIT;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		u = (struct url *)&u;	/* must come back NULL */
		if (url_parse(&u, bad[i].text, &err) != MG_ECONFIG)
			fail_msg("'%s' parsed", bad[i].text);
		assert_null(u);
		assert_int_equal(err.code, MG_ECONFIG);
		check_str("message", bad[i].text, err.msg, bad[i].msg);
		if (bad[i].secret != NULL)
			check_no_secret(bad[i].text, err.msg, bad[i].secret);
		err_release(&err);
	}
}

/* url_parse with err NULL still fails cleanly. */
static void
test_url_malformed_without_err(void **state)
{
	struct url	*u = NULL;

	(void)state;
	assert_int_equal(url_parse(&u, "mysql://h/db", NULL), MG_ECONFIG);
	assert_null(u);
	assert_int_equal(url_parse(&u, "postgresql://h/db?a=1&a=2", NULL),
	    MG_ECONFIG);
	assert_null(u);
}

/*
 * Every prefix of a URL with a password, and every single-byte damage to
 * it, either parses or fails with a message that holds no piece of the
 * password, and leaks nothing (cmocka checks the blocks).
 */
static void
test_url_damaged_urls_never_show_password(void **state)
{
	static const struct {
		const char	*text;
		const char	*password;
	} urls[] = {
		{ "postgresql://alice:SekretPw@db.example:5433/app?sslmode="
		    "require", "SekretPw" },
		{ "postgresql://alice:Se%40kret%3FPw@[::1]:5433/app",
		    "Se%40kret%3FPw" },
		{ "postgresql://al:Se@kr:et/Pw@host/db?application_name=x",
		    "Se@kr:et/Pw" },
		{ "postgresql+psycopg2://:OnlyPass@/db?host=/tmp",
		    "OnlyPass" },
	};
	static const char	 damage[] = "%?[]:@/&=#\n";
	struct url		*u;
	struct err		 err = ERR_INIT;
	char			 buf[128];
	size_t			 i, n, k, d;

	(void)state;
	for (i = 0; i < sizeof urls / sizeof urls[0]; i++) {
		n = strlen(urls[i].text);
		assert_true(n < sizeof buf);
		for (k = 0; k <= n; k++) {
			for (d = 0; d <= sizeof damage - 1; d++) {
				memcpy(buf, urls[i].text, n + 1);
				if (d == sizeof damage - 1)
					buf[k] = '\0';	/* a prefix */
				else if (k < n)
					buf[k] = damage[d];
				else
					continue;
				u = NULL;
				if (url_parse(&u, buf, &err) == 0) {
					url_free(u);
					continue;
				}
				assert_null(u);
				assert_non_null(err.msg);
				check_no_secret(buf, err.msg,
				    urls[i].password);
				err_release(&err);
			}
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_accepted_forms),
		cmocka_unit_test(test_url_mask_hides_password),
		cmocka_unit_test(test_url_mask_round_trips),
		cmocka_unit_test(test_url_param_lookup),
		cmocka_unit_test(test_url_free_null_is_noop),
		cmocka_unit_test(test_url_malformed_forms),
		cmocka_unit_test(test_url_malformed_without_err),
		cmocka_unit_test(test_url_damaged_urls_never_show_password),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
