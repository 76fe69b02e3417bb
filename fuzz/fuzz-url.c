/*
 * Fuzz the database URL parser. A URL that parses must survive url_mask
 * and parse again to the same parts (the password then "***"); a URL that
 * fails must not have its password in the message.
 */
#include <string.h>
#include <strings.h>

#include "fuzz.h"

static int
fuzz_streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static int
fuzz_secret_key(const char *key)
{
	return strcmp(key, "password") == 0 || strcmp(key, "sslpassword") == 0;
}

/* The masked URL reads back to the same parts, secrets hidden. */
static void
fuzz_check_mask(const struct url *u)
{
	struct url	*v = NULL;
	struct err	 err = ERR_INIT;
	char		*mask;
	size_t		 i;

	mask = url_mask(u);
	if (u->password != NULL)
		FUZZ_CHECK(strstr(mask, ":***@") != NULL);
	if (url_parse(&v, mask, &err) != 0) {
		fprintf(stderr, "masked URL '%s' does not parse: %s\n", mask,
		    err.msg);
		FUZZ_CHECK(0);
	}
	FUZZ_CHECK(v->kind == u->kind);
	FUZZ_CHECK(fuzz_streq(v->scheme, u->scheme));
	FUZZ_CHECK(fuzz_streq(v->user, u->user));
	FUZZ_CHECK(u->password == NULL ? v->password == NULL :
	    fuzz_streq(v->password, "***"));
	FUZZ_CHECK(fuzz_streq(v->host, u->host));
	FUZZ_CHECK(v->port == u->port);
	FUZZ_CHECK(fuzz_streq(v->database, u->database));
	FUZZ_CHECK(fuzz_streq(v->path, u->path));
	FUZZ_CHECK(v->memory == u->memory);
	FUZZ_CHECK(v->nparams == u->nparams);
	for (i = 0; i < u->nparams; i++) {
		FUZZ_CHECK(fuzz_streq(v->params[i].key, u->params[i].key));
		FUZZ_CHECK(fuzz_secret_key(u->params[i].key) ?
		    fuzz_streq(v->params[i].value, "***") :
		    fuzz_streq(v->params[i].value, u->params[i].value));
		FUZZ_CHECK(url_param(u, u->params[i].key) != NULL);
	}
	url_free(v);
	xfree(mask);
}

/* Whether the n bytes at s name a PostgreSQL scheme url.c knows. */
static int
fuzz_pg_scheme(const char *s, size_t n)
{
	static const char *const names[] = {
		"postgresql", "postgres", "postgresql+libpq",
		"postgresql+psycopg2", "postgresql+psycopg",
		"postgresql+pg8000", "postgresql+asyncpg", NULL
	};
	size_t	 i;

	for (i = 0; names[i] != NULL; i++) {
		if (strlen(names[i]) == n && strncasecmp(names[i], s, n) == 0)
			return 1;
	}
	return 0;
}

/*
 * The password of a PostgreSQL URL, as url.c's header comment defines it:
 * after the first ':' of the userinfo, which ends at the last '@' before
 * the '?' whose user name holds no '/'. Returns its length, 0 if none.
 */
static size_t
fuzz_password(const char **out, const char *rest)
{
	const char	*end = rest + strcspn(rest, "?"), *colon, *user_end;
	size_t		 i;

	for (i = (size_t)(end - rest); i-- > 0;) {
		if (rest[i] != '@')
			continue;
		colon = memchr(rest, ':', i);
		user_end = colon != NULL ? colon : rest + i;
		if (memchr(rest, '/', (size_t)(user_end - rest)) != NULL)
			continue;
		if (colon == NULL)
			return 0;
		*out = colon + 1;
		return (size_t)(rest + i - *out);
	}
	return 0;
}

/*
 * No message quotes the password. The same URL with the letters g to z
 * of its password changed (g->h, ..., z->g; the hex digits, which make
 * the escapes, and every delimiter stay) reads the same way, so it must
 * fail with the same message, unless the message holds the password.
 * When an '@' follows the '?', the password may run past it, and url.c
 * quotes nothing after "://": then all of that changes.
 */
static void
fuzz_check_message(const char *text, const struct err *err)
{
	const char	*sep = strstr(text, "://"), *rest, *q, *pw = NULL;
	struct url	*u = NULL;
	struct err	 err2 = ERR_INIT;
	char		*other, *c, *end;
	size_t		 n;

	/* an unknown scheme is quoted, and holds no password */
	if (sep == NULL || !fuzz_pg_scheme(text, (size_t)(sep - text)))
		return;
	rest = sep + 3;
	q = strchr(rest, '?');
	if (q != NULL && strchr(q, '@') != NULL) {
		pw = rest;
		n = strlen(rest);
	} else if ((n = fuzz_password(&pw, rest)) == 0)
		return;
	other = xstrdup(text);
	end = other + (pw - text) + n;
	for (c = other + (pw - text); c < end; c++) {
		if ((*c >= 'g' && *c < 'z') || (*c >= 'G' && *c < 'Z'))
			(*c)++;
		else if (*c == 'z' || *c == 'Z')
			*c = (char)(*c - ('z' - 'g'));
	}
	FUZZ_CHECK(url_parse(&u, other, &err2) == err->code);
	if (strcmp(err->msg, err2.msg) != 0) {
		fprintf(stderr, "message depends on the password:\n  %s\n"
		    "  %s\n", err->msg, err2.msg);
		FUZZ_CHECK(0);
	}
	err_release(&err2);
	xfree(other);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct url	*u = (struct url *)1;
	struct err	 err = ERR_INIT;
	char		*text;
	int		 rc;

	text = xstrndup((const char *)data, size);
	rc = url_parse(&u, text, &err);
	if (rc != 0) {
		FUZZ_CHECK(rc == MG_ECONFIG && u == NULL);
		FUZZ_CHECK(err.msg != NULL);
		fuzz_check_message(text, &err);
	} else {
		FUZZ_CHECK(u != NULL && err.msg == NULL);
		FUZZ_CHECK(u->kind == URL_SQLITE || u->kind == URL_POSTGRES);
		FUZZ_CHECK(u->port >= 0 && u->port <= 65535);
		fuzz_check_mask(u);
		url_free(u);
	}
	err_release(&err);
	xfree(text);
	return 0;
}
