/*
 * JSON strings. See json.h.
 */
#include <stdio.h>

#include "json.h"

void
json_str(struct strbuf *out, const char *s)
{
	const unsigned char	*p;

	if (s == NULL) {
		strbuf_addstr(out, "null");
		return;
	}
	strbuf_addch(out, '"');
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"':	strbuf_addstr(out, "\\\""); break;
		case '\\':	strbuf_addstr(out, "\\\\"); break;
		case '\n':	strbuf_addstr(out, "\\n"); break;
		case '\r':	strbuf_addstr(out, "\\r"); break;
		case '\t':	strbuf_addstr(out, "\\t"); break;
		default:
			if (*p < 0x20)
				strbuf_addf(out, "\\u%04x", *p);
			else
				strbuf_addch(out, (char)*p);
		}
	}
	strbuf_addch(out, '"');
}

static void
json_key(struct strbuf *out, int first, const char *key)
{
	if (!first)
		strbuf_addstr(out, ", ");
	json_str(out, key);
	strbuf_addstr(out, ": ");
}

void
json_key_str(struct strbuf *out, int first, const char *key, const char *s)
{
	json_key(out, first, key);
	json_str(out, s);
}

void
json_key_bool(struct strbuf *out, int first, const char *key, int b)
{
	json_key(out, first, key);
	strbuf_addstr(out, b ? "true" : "false");
}

void
json_key_strs(struct strbuf *out, int first, const char *key,
    const char *const *v, size_t n)
{
	size_t	 i;

	json_key(out, first, key);
	strbuf_addch(out, '[');
	for (i = 0; i < n; i++) {
		if (i > 0)
			strbuf_addstr(out, ", ");
		json_str(out, v[i]);
	}
	strbuf_addch(out, ']');
}
