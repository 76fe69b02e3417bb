/*
 * Fuzz graph_build on revisions made from the input: duplicate ids (and
 * ids differing in case), missing parents, cycles through Revises and
 * Depends On, labels clashing with ids or each other. A graph that builds
 * must be in order (everything after what it needs), with heads and
 * bases right; then the specs every revision and label allow are resolved
 * and planned from base and from the heads, as fuzz-spec.c does.
 *
 * Input: one revision a line, "id|revises|labels|depends" (at most 16);
 * a line whose header does not read is left out.
 */
#include <string.h>

#include "fuzz.h"

#define FUZZ_MAX_REVS	16

/* The script for one "id|revises|labels|depends" line, or NULL. */
static struct script *
fuzz_script(const char *line, size_t len, size_t i)
{
	struct strbuf	 sb = STRBUF_INIT, path = STRBUF_INIT;
	struct script	*s = NULL;
	struct err	 err = ERR_INIT;
	const char	*f[4] = { "", "", NULL, NULL }, *end = line + len, *p;
	size_t		 flen[4] = { 0, 0, 0, 0 }, k, n;
	char		*text;

	for (k = 0, p = line; k < 4 && p <= end; k++) {
		const char	*bar = memchr(p, '|', (size_t)(end - p));

		f[k] = p;
		flen[k] = (size_t)((bar != NULL ? bar : end) - p);
		if (bar == NULL)
			break;
		p = bar + 1;
	}
	strbuf_addf(&sb, "-- rev\n-- Revision ID: %.*s\n-- Revises: %.*s\n",
	    (int)flen[0], f[0], (int)flen[1], f[1]);
	if (f[2] != NULL)
		strbuf_addf(&sb, "-- Branch Labels: %.*s\n", (int)flen[2],
		    f[2]);
	if (f[3] != NULL)
		strbuf_addf(&sb, "-- Depends On: %.*s\n", (int)flen[3], f[3]);
	strbuf_addstr(&sb, "\n-- migrate:upgrade\nSELECT 1;\n");
	strbuf_addf(&path, "versions/%02zu.sql", i);
	text = strbuf_detach(&sb, &n);
	if (script_parse(&s, path.buf, text, n, &err) != 0)
		s = NULL;
	err_release(&err);
	strbuf_release(&path);
	return s;
}

/* Order, heads, bases and labels as graph_build promises. */
static void
fuzz_check_graph(const struct graph *g)
{
	unsigned char	*seen;
	size_t		 i, j;

	seen = xcalloc(g->nrevs + 1, 1);
	for (i = 0; i < g->nrevs; i++) {
		const struct rev	*r = g->order[i];

		FUZZ_CHECK(r->index == i && !seen[r - g->revs]);
		seen[r - g->revs] = 1;
		for (j = 0; j < r->nparents; j++)
			FUZZ_CHECK(r->parents[j]->index < i);
		for (j = 0; j < r->ndeps; j++)
			FUZZ_CHECK(r->deps[j]->index < i);
		FUZZ_CHECK(graph_get(g, r->id) == r);
	}
	for (i = 0; i < g->nheads; i++)
		FUZZ_CHECK(g->heads[i]->nchildren == 0);
	for (i = 0; i < g->nbases; i++)
		FUZZ_CHECK(g->bases[i]->nparents == 0);
	/* and every one of them */
	for (i = 0, j = 0; i < g->nrevs; i++)
		j += g->revs[i].nchildren == 0;
	FUZZ_CHECK(j == g->nheads);
	for (i = 0, j = 0; i < g->nrevs; i++)
		j += g->revs[i].nparents == 0;
	FUZZ_CHECK(j == g->nbases);
	for (i = 0; i < g->nlabels; i++)
		FUZZ_CHECK(g->labels[i].member[g->labels[i].rev->index]);
	xfree(seen);
}

/* Every spec a revision or a label allows, from rows. */
static void
fuzz_specs(const struct graph *g, const struct revset *rows)
{
	static const char *const plain[] = {
		"heads", "head", "base", "+1", "-1", "head-1", "base+2", NULL
	};
	struct strbuf	 sb = STRBUF_INIT;
	size_t		 i;

	for (i = 0; plain[i] != NULL; i++)
		fuzz_resolve(g, plain[i], rows);
	for (i = 0; i < g->nrevs; i++) {
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s@head", g->revs[i].id);
		fuzz_resolve(g, sb.buf, rows);
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s-1", g->revs[i].id);
		fuzz_resolve(g, sb.buf, rows);
	}
	for (i = 0; i < g->nlabels; i++) {
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s@base", g->labels[i].name);
		fuzz_resolve(g, sb.buf, rows);
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s@-1", g->labels[i].name);
		fuzz_resolve(g, sb.buf, rows);
	}
	strbuf_release(&sb);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct script	*scripts[FUZZ_MAX_REVS + 1];
	struct graph	*g = NULL;
	struct revset	 none = REVSET_INIT, heads = REVSET_INIT;
	struct err	 err = ERR_INIT;
	const char	*p = (const char *)data, *end = p + size, *nl;
	size_t		 n = 0, i;
	int		 rc;

	while (p < end && n < FUZZ_MAX_REVS) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if ((scripts[n] = fuzz_script(p, (size_t)(nl - p), n)) != NULL)
			n++;
		p = nl + 1;
	}
	rc = graph_build(&g, scripts, n, &err);
	for (i = 0; i < n; i++)
		FUZZ_CHECK(scripts[i] == NULL);	/* taken, even on failure */
	if (rc != 0) {
		FUZZ_CHECK(rc == MG_ECONFIG && g == NULL);
		FUZZ_CHECK(err.msg != NULL && err.path != NULL);
		err_release(&err);
		return 0;
	}
	fuzz_check_graph(g);
	for (i = 0; i < g->nheads; i++)
		revset_add(&heads, g->heads[i]);
	fuzz_specs(g, &none);
	fuzz_specs(g, &heads);
	revset_release(&heads);
	graph_free(g);
	return 0;
}
