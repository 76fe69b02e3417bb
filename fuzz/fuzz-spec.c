/*
 * Fuzz the revision-spec parser: graph_resolve (head, heads, base, id
 * prefixes, labels, label@head, rev@head, +N, -N, head-N, label@-N) and
 * the from:to ranges of offline mode, on small fixed graphs, with version
 * rows picked by the input; then plan upgrade and downgrade to the target
 * and replay each plan on the rows, checking that no revision is applied
 * twice and that every step finds the rows it expects.
 *
 * Input: byte 0 picks the graph and whether the rows are known, bytes 1
 * and 2 are a bitmask of the revisions that are version rows (any set,
 * as a hand-edited version table may hold), the rest is the spec; specs
 * separated by spaces are stamped together, as migrate stamp a b does.
 */
#include <string.h>

#include "fuzz.h"

/* One revision: id, Revises, Branch Labels, Depends On. */
struct fuzz_rev {
	const char	*id;
	const char	*revises;
	const char	*labels;
	const char	*depends;
};

/* Branches, a merge, labels, dependencies, ids sharing prefixes. */
static const struct fuzz_rev fuzz_branchy[] = {
	{ "a1b2c3", "", "alpha", NULL },
	{ "a1b2d4", "a1b2c3", NULL, NULL },
	{ "a1f000", "a1b2d4", NULL, NULL },
	{ "b00001", "a1b2d4", "beta", NULL },
	{ "b00002", "b00001", NULL, NULL },
	{ "m00001", "a1f000, b00002", NULL, NULL },
	{ "c00001", "", "gamma", NULL },
	{ "c00002", "c00001", NULL, "a1b2d4" },
	{ "c00003", "c00002", NULL, "beta" }
};

/* One line of history with a label in the middle. */
static const struct fuzz_rev fuzz_linear[] = {
	{ "ae1001", "", NULL, NULL },
	{ "ae1002", "ae1001", "main", NULL },
	{ "be2001", "ae1002", NULL, NULL },
	{ "ce3001", "be2001", NULL, NULL },
	{ "ce3002", "ce3001", NULL, NULL }
};

#define FUZZ_NGRAPHS	3
static struct graph	*fuzz_graphs[FUZZ_NGRAPHS];

static struct graph *
fuzz_build(const struct fuzz_rev *revs, size_t n)
{
	struct script	**scripts = xcalloc(n + 1, sizeof *scripts);
	struct graph	 *g = NULL;
	struct strbuf	  sb = STRBUF_INIT;
	struct err	  err = ERR_INIT;
	size_t		  i, len;
	char		 *text;

	for (i = 0; i < n; i++) {
		strbuf_addf(&sb, "-- rev %s\n-- Revision ID: %s\n"
		    "-- Revises: %s\n", revs[i].id, revs[i].id,
		    revs[i].revises);
		if (revs[i].labels != NULL)
			strbuf_addf(&sb, "-- Branch Labels: %s\n",
			    revs[i].labels);
		if (revs[i].depends != NULL)
			strbuf_addf(&sb, "-- Depends On: %s\n",
			    revs[i].depends);
		strbuf_addstr(&sb, "\n-- migrate:upgrade\nSELECT 1;\n"
		    "-- migrate:downgrade\nSELECT 2;\n");
		text = strbuf_detach(&sb, &len);
		if (script_parse(&scripts[i], revs[i].id, text, len,
		    &err) != 0) {
			fprintf(stderr, "fuzz-spec: %s\n", err.msg);
			abort();
		}
	}
	if (graph_build(&g, scripts, n, &err) != 0) {
		fprintf(stderr, "fuzz-spec: %s\n", err.msg);
		abort();
	}
	xfree(scripts);
	return g;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_graphs[0] = fuzz_build(fuzz_branchy,
	    sizeof fuzz_branchy / sizeof fuzz_branchy[0]);
	fuzz_graphs[1] = fuzz_build(fuzz_linear,
	    sizeof fuzz_linear / sizeof fuzz_linear[0]);
	fuzz_graphs[2] = fuzz_build(NULL, 0);	/* a new project */
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct graph	*g;
	struct revset		 rows = REVSET_INIT;
	const char		*colon;
	char			*spec;
	unsigned		 mask;
	size_t			 i;

	if (size < 3)
		return 0;
	g = fuzz_graphs[data[0] % FUZZ_NGRAPHS];
	mask = (unsigned)data[1] | (unsigned)data[2] << 8;
	for (i = 0; i < g->nrevs && i < 16; i++) {
		if (mask & 1u << i)
			revset_add(&rows, &g->revs[i]);
	}
	spec = xstrndup((const char *)data + 3, size - 3);
	if (strchr(spec, ' ') != NULL)
		fuzz_stamp_many(g, spec, &rows);
	else if ((colon = strchr(spec, ':')) != NULL && colon != spec &&
	    colon[1] != '\0')
		fuzz_range(g, spec, colon);
	else {
		fuzz_resolve(g, spec, (data[0] & 0x80) ? NULL : &rows);
		(void)graph_spec_check(spec, NULL);
	}
	revset_release(&rows);
	xfree(spec);
	return 0;
}
