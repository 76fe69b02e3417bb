/*
 * url: every accepted form, odd passwords, IPv6, masking, and each
 * malformed form with its message (never the password).
 */
#include <string.h>

#include "unit.h"

struct url_case {
	const char	*text;
	enum url_kind	 kind;
	const char	*user, *password, *host;
	int		 port;
	const char	*database, *path;
	int		 memory;
	const char	*params;	/* "k=v&k2=v2", decoded */
	const char	*masked;
};

static const struct url_case good[] = {
	{ "sqlite://", URL_SQLITE, NULL, NULL, NULL, 0, NULL, NULL, 1, "",
	    "sqlite://" },
	{ "sqlite:///:memory:", URL_SQLITE, NULL, NULL, NULL, 0, NULL, NULL,
	    1, "", "sqlite://" },
	{ "sqlite:///relative.db", URL_SQLITE, NULL, NULL, NULL, 0, NULL,
	    "relative.db", 0, "", "sqlite:///relative.db" },
	{ "sqlite:////abs/olute.db", URL_SQLITE, NULL, NULL, NULL, 0, NULL,
	    "/abs/olute.db", 0, "", "sqlite:////abs/olute.db" },
	{ "sqlite:///file.db?mode=ro", URL_SQLITE, NULL, NULL, NULL, 0, NULL,
	    "file.db", 0, "mode=ro", "sqlite:///file.db?mode=ro" },
	{ "SQLite+pysqlite:///a%20b.db", URL_SQLITE, NULL, NULL, NULL, 0,
	    NULL, "a%20b.db", 0, "", "sqlite+pysqlite:///a%20b.db" },
	{ "postgresql://u:pw@host:5433/db", URL_POSTGRES, "u", "pw", "host",
	    5433, "db", NULL, 0, "", "postgresql://u:***@host:5433/db" },
	{ "postgres://host/db", URL_POSTGRES, NULL, NULL, "host", 0, "db",
	    NULL, 0, "", "postgres://host/db" },
	{ "postgresql+libpq://u@h/d", URL_POSTGRES, "u", NULL, "h", 0, "d",
	    NULL, 0, "", "postgresql+libpq://u@h/d" },
	{ "postgresql+psycopg2://u:@h/d", URL_POSTGRES, "u", "", "h", 0, "d",
	    NULL, 0, "", "postgresql+psycopg2://u:***@h/d" },
	{ "postgresql://u:p%40ss%3Aw%2Frd%2525@h/db", URL_POSTGRES, "u",
	    "p@ss:w/rd%25", "h", 0, "db", NULL, 0, "",
	    "postgresql://u:***@h/db" },
	{ "postgresql://u:p@ss:w/rd@h/db", URL_POSTGRES, "u", "p@ss:w/rd",
	    "h", 0, "db", NULL, 0, "", "postgresql://u:***@h/db" },
	{ "postgresql://u:%C3%A9t%C3%A9%3F@h/db", URL_POSTGRES, "u",
	    "\xc3\xa9t\xc3\xa9?", "h", 0, "db", NULL, 0, "",
	    "postgresql://u:***@h/db" },
	{ "postgresql://u:pw@[::1]:5432/db", URL_POSTGRES, "u", "pw", "::1",
	    5432, "db", NULL, 0, "", "postgresql://u:***@[::1]:5432/db" },
	{ "postgresql://[fe80::1%25eth0]/db", URL_POSTGRES, NULL, NULL,
	    "fe80::1%eth0", 0, "db", NULL, 0, "",
	    "postgresql://[fe80::1%25eth0]/db" },
	{ "postgresql:///db?host=/var/run/postgresql", URL_POSTGRES, NULL,
	    NULL, NULL, 0, "db", NULL, 0, "host=/var/run/postgresql",
	    "postgresql:///db?host=/var/run/postgresql" },
	{ "postgresql://my%20user@h/my%2Fdb?sslmode=require&"
	    "connect_timeout=5&application_name=a%20b", URL_POSTGRES,
	    "my user", NULL, "h", 0, "my/db", NULL, 0,
	    "sslmode=require&connect_timeout=5&application_name=a b",
	    "postgresql://my%20user@h/my%2Fdb?sslmode=require&"
	    "connect_timeout=5&application_name=a%20b" },
	{ "postgresql://h/db?sslmode=disable&sslmode=require", URL_POSTGRES,
	    NULL, NULL, "h", 0, "db", NULL, 0, "sslmode=require",
	    "postgresql://h/db?sslmode=require" },
	{ "postgresql://h/db?password=hunter2", URL_POSTGRES, NULL, NULL,
	    "h", 0, "db", NULL, 0, "password=hunter2",
	    "postgresql://h/db?password=***" },
};

static void
params_text(struct strbuf *sb, const struct url *u)
{
	size_t	 i;

	for (i = 0; i < u->nparams; i++)
		strbuf_addf(sb, "%s%s=%s", i ? "&" : "", u->params[i].key,
		    u->params[i].value);
}

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
test_url_accepted_forms(void **state)
{
	struct url	*u, *again;
	struct err	 err = ERR_INIT;
	struct strbuf	 sb = STRBUF_INIT;
	char		*masked;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		const struct url_case	*c = &good[i];

		u = NULL;
		if (url_parse(&u, c->text, &err) != 0)
			fail_msg("%s: %s", c->text, err.msg);
		assert_int_equal(u->kind, c->kind);
		check_str("user", c->text, u->user, c->user);
		check_str("password", c->text, u->password, c->password);
		check_str("host", c->text, u->host, c->host);
		assert_int_equal(u->port, c->port);
		check_str("database", c->text, u->database, c->database);
		check_str("path", c->text, u->path, c->path);
		assert_int_equal(u->memory, c->memory);
		strbuf_reset(&sb);
		params_text(&sb, u);
		check_str("params", c->text, sb.buf, c->params);
		masked = url_mask(u);
		check_str("masked", c->text, masked, c->masked);
		if (c->password != NULL && *c->password != '\0')
			assert_null(strstr(masked, c->password));
		/* the masked text parses back to the same URL */
		again = NULL;
		if (url_parse(&again, masked, &err) != 0)
			fail_msg("%s: mask '%s' does not parse: %s", c->text,
			    masked, err.msg);
		check_str("host again", masked, again->host, u->host);
		check_str("database again", masked, again->database,
		    u->database);
		check_str("user again", masked, again->user, u->user);
		assert_int_equal(again->nparams, u->nparams);
		url_free(again);
		xfree(masked);
		url_free(u);
	}
	strbuf_release(&sb);
}

static void
test_url_param_lookup(void **state)
{
	struct url	*u = NULL;
	struct err	 err = ERR_INIT;

	(void)state;
	assert_int_equal(url_parse(&u, "postgresql://h/d?a=1&b=2", &err), 0);
	assert_string_equal(url_param(u, "b"), "2");
	assert_null(url_param(u, "c"));
	url_free(u);
	url_free(NULL);
}

static const struct {
	const char	*text;
	const char	*msg;
} bad[] = {
	{ "", "empty database URL" },
	{ "just-a-path.db", "not a database URL (no '://'): write "
	    "sqlite:///file.db or postgresql://user@host/db" },
	{ "mysql://u:hunter2@h/db", "unknown database URL scheme 'mysql'; "
	    "expected sqlite or postgresql" },
	{ "postgresql://u:hunter2@h:99999/db",
	    "invalid port '99999' in URL (want 1 to 65535)" },
	{ "postgresql://u:hunter2@h:5x/db",
	    "invalid port '5x' in URL (want 1 to 65535)" },
	{ "postgresql://u:hunter2@h:/db",
	    "invalid port '' in URL (want 1 to 65535)" },
	{ "postgresql://u:hunter2@h:0/db",
	    "invalid port '0' in URL (want 1 to 65535)" },
	{ "postgresql://u:hunter2@h/", "no database name in URL" },
	{ "postgresql://u:hunter2@h", "no database name in URL" },
	{ "postgresql://u:hunter2@[::1/db",
	    "unterminated '[' in the host of the URL" },
	{ "postgresql://u:hunter2@[]/db", "empty IPv6 host '[]' in URL" },
	{ "postgresql://u:hunter2%zz@h/db",
	    "bad percent escape in the password of the URL" },
	{ "postgresql://u:hunter2@h/db%4", "bad percent escape in the "
	    "database name of the URL" },
	{ "postgresql://u:hunter2@h/db?x=%00",
	    "bad percent escape in the query parameter of the URL" },
	{ "postgresql://u:hunter2@h/db?novalue",
	    "URL query parameter 'novalue' is not key=value" },
	{ "sqlite:///x.db?mode=ro&journal=wal", "unknown sqlite URL "
	    "parameter 'journal' (known: mode, cache, immutable, nolock, "
	    "vfs)" },
	{ "sqlite://host/x.db", "a sqlite URL has no host: write "
	    "sqlite:///relative.db or sqlite:////absolute.db" },
	{ "postgresql://u:hunter2@h/d\nb", "control character in database "
	    "URL" },
};

static void
test_url_malformed_forms(void **state)
{
	struct url	*u;
	struct err	 err = ERR_INIT;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		u = (struct url *)&u;	/* must be reset to NULL */
		if (url_parse(&u, bad[i].text, &err) != MG_ECONFIG)
			fail_msg("'%s' parsed", bad[i].text);
		assert_null(u);
		check_str("message", bad[i].text, err.msg, bad[i].msg);
		assert_null(strstr(err.msg, "hunter2"));
		err_release(&err);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_accepted_forms),
		cmocka_unit_test(test_url_param_lookup),
		cmocka_unit_test(test_url_malformed_forms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
