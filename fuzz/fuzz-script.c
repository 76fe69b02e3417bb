/*
 * Fuzz the revision script reader (script_parse): the header fields, the
 * upgrade and downgrade markers and the parts between them. A script that
 * reads must hold what the header promised: a valid id, parts inside the
 * text, no duplicate names in a list. Its slug and checksums are taken
 * too, as migrate revision and migrate upgrade do.
 */
#include <string.h>

#include "fuzz.h"

static void
fuzz_check_list(char **v, size_t n)
{
	size_t	 i, j;

	for (i = 0; i < n; i++) {
		FUZZ_CHECK(script_valid_id(v[i], strlen(v[i])));
		for (j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(v[i], v[j]) != 0);
	}
}

/* Characters (UTF-8 lead bytes) in s. */
static size_t
fuzz_chars(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static void
fuzz_check_part(const struct script *s, const struct script_part *p)
{
	if (!p->present)
		return;
	FUZZ_CHECK(p->off <= s->len && p->len <= s->len - p->off);
	FUZZ_CHECK(p->line >= 2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct script	*s = NULL;
	struct err	 err = ERR_INIT;
	char		*text, sum[65], *slug;
	long		 max;
	int		 rc;

	/* script_parse takes the buffer; exactly size bytes, no NUL after */
	text = xmalloc(size);
	memcpy(text, data, size);
	rc = script_parse(&s, "versions/fuzz.sql", text, size, &err);
	if (rc != 0) {
		FUZZ_CHECK(rc == MG_ECONFIG);
		FUZZ_CHECK(s == NULL);
		FUZZ_CHECK(err.msg != NULL && err.path != NULL);
		err_release(&err);
		return 0;
	}
	FUZZ_CHECK(s != NULL && err.msg == NULL);
	FUZZ_CHECK(s->rev != NULL && script_valid_id(s->rev, strlen(s->rev)));
	FUZZ_CHECK(s->message != NULL);
	fuzz_check_list(s->down, s->ndown);
	fuzz_check_list(s->labels, s->nlabels);
	fuzz_check_list(s->depends, s->ndepends);
	FUZZ_CHECK(s->up.present);
	fuzz_check_part(s, &s->up);
	fuzz_check_part(s, &s->down_part);
	FUZZ_CHECK(s->revises_at <= s->len &&
	    s->revises_len <= s->len - s->revises_at);
	script_checksum(sum, s, 1);
	FUZZ_CHECK(strlen(sum) == 64);
	script_checksum(sum, s, 0);
	for (max = 0; max <= 40; max += 8) {
		slug = script_slug(s->message, max);
		FUZZ_CHECK(slug != NULL);
		/* Alembic's slug[:max], cut back to a '_', plus '_' */
		FUZZ_CHECK(max == 0 || fuzz_chars(slug) <= (size_t)max + 1);
		xfree(slug);
	}
	script_free(s);
	return 0;
}
