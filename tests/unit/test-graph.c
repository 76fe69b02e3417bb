/*
 * graph: building the revision graph from scripts (heads, bases, order,
 * labels, depends_on), its errors, Alembic's revision specs and plans.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

/* One revision to build: its id, Revises, Branch Labels, Depends On. */
struct spec {
	const char	*id;
	const char	*revises;
	const char	*labels;
	const char	*depends;
};

static struct script *
mk(const struct spec *sp, size_t i)
{
	struct strbuf	 sb = STRBUF_INIT, path = STRBUF_INIT;
	struct script	*s = NULL;
	struct err	 err = ERR_INIT;
	size_t		 len;
	char		*text;

	strbuf_addf(&sb, "-- revision %s\n--\n-- Revision ID: %s\n"
	    "-- Revises: %s\n", sp->id, sp->id, sp->revises);
	if (sp->labels != NULL)
		strbuf_addf(&sb, "-- Branch Labels: %s\n", sp->labels);
	if (sp->depends != NULL)
		strbuf_addf(&sb, "-- Depends On: %s\n", sp->depends);
	strbuf_addf(&sb, "\n-- migrate:upgrade\nCREATE TABLE t_%s (a INT);\n"
	    "\n-- migrate:downgrade\nDROP TABLE t_%s;\n", sp->id, sp->id);
	strbuf_addf(&path, "versions/%02zu_%s.sql", i, sp->id);
	text = strbuf_detach(&sb, &len);
	if (script_parse(&s, path.buf, text, len, &err) != 0)
		fail_msg("%s:%u: %s", err.path, err.line, err.msg);
	strbuf_release(&path);
	return s;
}

/* Parse every spec and build; returns graph_build's code. */
static int
build(struct graph **g, const struct spec *sp, size_t n, struct err *err)
{
	struct script	**scripts = xcalloc(n + 1, sizeof *scripts);
	size_t		  i;
	int		  rc;

	for (i = 0; i < n; i++)
		scripts[i] = mk(&sp[i], i);
	rc = graph_build(g, scripts, n, err);
	for (i = 0; i < n; i++)
		assert_null(scripts[i]);	/* taken, even on failure */
	xfree(scripts);
	return rc;
}

#define BUILD(g, specs) do {						\
	struct err	 e_ = ERR_INIT;					\
	if (build(&(g), (specs), sizeof (specs) / sizeof (specs)[0],	\
	    &e_) != 0)							\
		fail_msg("graph_build: %s", e_.msg);			\
} while (0)

static void
expect_build_error(const struct spec *sp, size_t n, const char *path,
    const char *n1, const char *n2, const char *n3)
{
	struct graph	*g = (struct graph *)1;
	struct err	 err = ERR_INIT;
	const char	*needles[3] = { n1, n2, n3 };
	size_t		 i;

	assert_int_equal(build(&g, sp, n, &err), MG_ECONFIG);
	assert_null(g);
	assert_non_null(err.msg);
	if (path != NULL) {
		assert_non_null(err.path);
		assert_string_equal(err.path, path);
	}
	for (i = 0; i < 3; i++) {
		if (needles[i] != NULL && strstr(err.msg, needles[i]) == NULL)
			fail_msg("message '%s' does not contain '%s'",
			    err.msg, needles[i]);
	}
	err_release(&err);
}
#define BUILD_ERROR(specs, path, a, b, c)				\
	expect_build_error((specs), sizeof (specs) / sizeof (specs)[0],	\
	    (path), (a), (b), (c))

/* The ids of a list of revisions, space separated (in a static buffer). */
static const char *
ids(struct rev *const *v, size_t n)
{
	static char	 buf[512];
	size_t		 i;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(buf, " ");
		strcat(buf, v[i]->id);
	}
	return buf;
}

static struct rev *
get(const struct graph *g, const char *id)
{
	struct rev	*r = graph_get(g, id);

	if (r == NULL)
		fail_msg("no revision %s", id);
	return r;
}

/* order[] lists each revision after its parents and dependencies. */
static void
check_order(const struct graph *g)
{
	size_t	 i, j;

	for (i = 0; i < g->nrevs; i++) {
		struct rev	*r = g->order[i];

		assert_int_equal(r->index, i);
		for (j = 0; j < r->nparents; j++)
			assert_true(r->parents[j]->index < i);
		for (j = 0; j < r->ndeps; j++)
			assert_true(r->deps[j]->index < i);
	}
}

/*
 * The diamond: a base, a branch point, a merge point and one head.
 *
 *   1a ─┬─ 2b ─┬─ 3d ── 4e
 *       └─ 2c ─┘
 */
static const struct spec diamond[] = {
	{ "4e0000000005", "3d0000000004", NULL, NULL },
	{ "3d0000000004", "2b0000000002, 2c0000000003", NULL, NULL },
	{ "2c0000000003", "1a0000000001", NULL, NULL },
	{ "2b0000000002", "1a0000000001", NULL, NULL },
	{ "1a0000000001", "", NULL, NULL },
};

/*
 * Two heads, labeled branches:
 *
 *   aa00 ─┬─ bb00 (left) ── dd00
 *         └─ cc00 (right)
 */
static const struct spec twoheads[] = {
	{ "aa00", "", NULL, NULL },
	{ "bb00", "aa00", "left", NULL },
	{ "cc00", "aa00", "right", NULL },
	{ "dd00", "bb00", NULL, NULL },
};

static void
test_graph_linear(void **state)
{
	static const struct spec s[] = {
		{ "c3", "b2", NULL, NULL },
		{ "a1", "", NULL, NULL },
		{ "b2", "a1", NULL, NULL },
	};
	struct graph	*g = NULL;

	(void)state;
	BUILD(g, s);
	assert_int_equal(g->nrevs, 3);
	assert_string_equal(ids(g->order, g->nrevs), "a1 b2 c3");
	assert_string_equal(ids(g->heads, g->nheads), "c3");
	assert_string_equal(ids(g->bases, g->nbases), "a1");
	check_order(g);
	assert_int_equal(get(g, "b2")->nparents, 1);
	assert_ptr_equal(get(g, "b2")->parents[0], get(g, "a1"));
	assert_int_equal(get(g, "b2")->nchildren, 1);
	assert_ptr_equal(get(g, "b2")->children[0], get(g, "c3"));
	assert_string_equal(get(g, "c3")->script->path, "versions/00_c3.sql");
	/* lookup by id is case-insensitive and exact */
	assert_ptr_equal(graph_get(g, "B2"), get(g, "b2"));
	assert_null(graph_get(g, "b"));
	assert_null(graph_get(g, "b22"));
	assert_null(graph_get(g, "zz"));
	graph_free(g);
}

static void
test_graph_branch_and_merge(void **state)
{
	struct graph	*g = NULL;
	struct rev	*r;

	(void)state;
	BUILD(g, diamond);
	assert_int_equal(g->nrevs, 5);
	check_order(g);
	assert_string_equal(ids(g->heads, g->nheads), "4e0000000005");
	assert_string_equal(ids(g->bases, g->nbases), "1a0000000001");
	assert_ptr_equal(g->order[0], get(g, "1a0000000001"));
	assert_ptr_equal(g->order[3], get(g, "3d0000000004"));
	assert_ptr_equal(g->order[4], get(g, "4e0000000005"));
	/* the branch point has two children, the merge point two parents */
	r = get(g, "1a0000000001");
	assert_int_equal(r->nchildren, 2);
	r = get(g, "3d0000000004");
	assert_int_equal(r->nparents, 2);
	assert_string_equal(ids(r->parents, r->nparents),
	    "2b0000000002 2c0000000003");
	assert_ptr_equal(graph_get(g, "3D0000000004"), r);
	graph_free(g);
}

static void	expect_resolve_error(const struct graph *, const char *,
		    const struct revset *, int, const char *);

static void
test_graph_two_heads_and_labels(void **state)
{
	static const struct spec bases[] = {
		{ "a1", "", "alpha", NULL },
		{ "a2", "a1", NULL, NULL },
		{ "b1", "", "beta", NULL },
		{ "b2", "b1", NULL, NULL },
	};
	const struct graph_label	*l;
	struct graph			*g = NULL;

	(void)state;
	BUILD(g, twoheads);
	check_order(g);
	assert_int_equal(g->nheads, 2);
	assert_non_null(strstr(ids(g->heads, g->nheads), "cc00"));
	assert_non_null(strstr(ids(g->heads, g->nheads), "dd00"));
	assert_string_equal(ids(g->bases, g->nbases), "aa00");
	assert_int_equal(g->nlabels, 2);
	l = graph_label(g, "left", 4);
	assert_non_null(l);
	assert_ptr_equal(l->rev, get(g, "bb00"));
	/* the branch: bb00 and what stands on it, not the branch point */
	assert_true(l->member[get(g, "bb00")->index]);
	assert_true(l->member[get(g, "dd00")->index]);
	assert_false(l->member[get(g, "aa00")->index]);
	assert_false(l->member[get(g, "cc00")->index]);
	l = graph_label(g, "right", 5);
	assert_non_null(l);
	assert_ptr_equal(l->rev, get(g, "cc00"));
	assert_null(graph_label(g, "nope", 4));
	assert_null(graph_label(g, "lef", 3));
	graph_free(g);

	/* two bases, two independent branches */
	BUILD(g, bases);
	check_order(g);
	assert_int_equal(g->nbases, 2);
	assert_int_equal(g->nheads, 2);
	l = graph_label(g, "alpha", 5);
	assert_ptr_equal(l->rev, get(g, "a1"));
	assert_true(l->member[get(g, "a2")->index]);
	assert_false(l->member[get(g, "b1")->index]);
	assert_false(l->member[get(g, "b2")->index]);
	/* base+1 needs one base */
	expect_resolve_error(g, "base+1", NULL, MG_EAMBIGUOUS,
	    "there are 2 bases; name one");
	graph_free(g);
}

static void
test_graph_depends_on(void **state)
{
	/* listed dependents first, so order[] cannot just be file order */
	static const struct spec s[] = {
		{ "b2", "b1", NULL, "a2" },
		{ "b1", "", NULL, "alpha" },
		{ "a2", "a1", NULL, NULL },
		{ "a1", "", "alpha", NULL },
		/* depends on its own parent: nothing more to order */
		{ "a3", "a2", NULL, "a2" },
	};
	struct graph	*g = NULL;
	struct rev	*b2, *b1, *a2;

	(void)state;
	BUILD(g, s);
	check_order(g);
	b2 = get(g, "b2");
	b1 = get(g, "b1");
	a2 = get(g, "a2");
	assert_int_equal(b2->ndeps, 1);
	assert_ptr_equal(b2->deps[0], a2);
	assert_int_equal(a2->ndependents, 1);
	assert_ptr_equal(a2->dependents[0], b2);
	/* a label names the revision that declares it */
	assert_int_equal(b1->ndeps, 1);
	assert_ptr_equal(b1->deps[0], get(g, "a1"));
	assert_int_equal(get(g, "a3")->ndeps, 0);
	assert_true(a2->index < b2->index);
	/* depends_on makes no parent: b1 is still a base, a2 not a head */
	assert_int_equal(b1->nparents, 0);
	assert_int_equal(g->nbases, 2);
	assert_string_equal(ids(g->heads, g->nheads),
	    b2->index < get(g, "a3")->index ? "b2 a3" : "a3 b2");
	graph_free(g);
}

static void
test_graph_build_errors(void **state)
{
	static const struct spec dup[] = {
		{ "ab12", "", NULL, NULL },
		{ "ab12", "", NULL, NULL },
	};
	static const struct spec dupcase[] = {
		{ "abcd", "", NULL, NULL },
		{ "ABCD", "", NULL, NULL },
	};
	static const struct spec missing[] = {
		{ "a1", "", NULL, NULL },
		{ "b2", "a1, ff99", NULL, NULL },
	};
	static const struct spec self[] = {
		{ "a1", "", NULL, NULL },
		{ "b2", "b2", NULL, NULL },
	};
	static const struct spec nodep[] = {
		{ "a1", "", NULL, NULL },
		{ "b2", "a1", NULL, "zz77" },
	};
	static const struct spec duplabel[] = {
		{ "a1", "", "feature", NULL },
		{ "b2", "a1", "feature", NULL },
	};
	static const struct spec labelid[] = {
		{ "a1", "", NULL, NULL },
		{ "b2", "a1", "a1", NULL },
	};

	(void)state;
	BUILD_ERROR(dup, "versions/01_ab12.sql", "ab12",
	    "versions/00_ab12.sql", NULL);
	BUILD_ERROR(dupcase, "versions/01_ABCD.sql", "ABCD",
	    "versions/00_abcd.sql", "differ only in case");
	BUILD_ERROR(missing, "versions/01_b2.sql", "b2",
	    "'ff99', which does not exist", NULL);
	BUILD_ERROR(self, "versions/01_b2.sql", "revision b2 revises itself",
	    NULL, NULL);
	BUILD_ERROR(nodep, "versions/01_b2.sql", "depends on 'zz77'",
	    "neither a revision nor a branch label", NULL);
	BUILD_ERROR(duplabel, "versions/01_b2.sql", "branch label 'feature'",
	    "a1", NULL);
	BUILD_ERROR(labelid, "versions/01_b2.sql", "branch label 'a1'", NULL,
	    NULL);
}

static void
test_graph_cycles(void **state)
{
	static const struct spec three[] = {
		{ "a1", "c3", NULL, NULL },
		{ "b2", "a1", NULL, NULL },
		{ "c3", "b2", NULL, NULL },
	};
	/* a cycle hanging off a good base */
	static const struct spec hanging[] = {
		{ "x0", "", NULL, NULL },
		{ "a1", "x0, b2", NULL, NULL },
		{ "b2", "a1", NULL, NULL },
	};
	/* through depends_on */
	static const struct spec dep[] = {
		{ "x0", "", NULL, NULL },
		{ "a1", "x0", NULL, "b2" },
		{ "b2", "a1", NULL, NULL },
	};
	struct graph	*g = (struct graph *)1;
	struct err	 err = ERR_INIT;

	(void)state;
	BUILD_ERROR(three, NULL, "revision cycle:", "a1", "b2");
	assert_int_equal(build(&g, three, 3, &err), MG_ECONFIG);
	assert_non_null(strstr(err.msg, "c3"));
	assert_non_null(err.path);
	assert_non_null(strstr(err.path, "versions/"));
	err_release(&err);
	BUILD_ERROR(hanging, NULL, "revision cycle:", "a1", "b2");
	assert_int_equal(build(&g, hanging, 3, &err), MG_ECONFIG);
	assert_null(strstr(err.msg, "x0"));
	err_release(&err);
	BUILD_ERROR(dep, NULL, "revision cycle:", "a1", "b2");
}

/* graph_resolve that must succeed: the ids it names, or "base". */
static void
expect_resolve(const struct graph *g, const char *spec,
    const struct revset *cur, const char *want)
{
	struct target	 t;
	struct err	 err = ERR_INIT;
	const char	*got;

	if (graph_resolve(&t, g, spec, cur, &err) != 0)
		fail_msg("resolve '%s': %s", spec, err.msg);
	got = t.base ? "base" : ids(t.revs.v, t.revs.n);
	if (t.base && t.revs.n != 0)
		fail_msg("resolve '%s': base and revisions", spec);
	if (strcmp(got, want) != 0)
		fail_msg("resolve '%s' gave '%s', expected '%s'", spec, got,
		    want);
	target_release(&t);
}

static void
expect_resolve_error(const struct graph *g, const char *spec,
    const struct revset *cur, int code, const char *needle)
{
	struct target	 t;
	struct err	 err = ERR_INIT;
	int		 rc;

	rc = graph_resolve(&t, g, spec, cur, &err);
	if (rc != code)
		fail_msg("resolve '%s' gave %d (%s), expected %d", spec, rc,
		    err.msg != NULL ? err.msg : "", code);
	if (strstr(err.msg, needle) == NULL)
		fail_msg("resolve '%s': '%s' does not contain '%s'", spec,
		    err.msg, needle);
	target_release(&t);
	err_release(&err);
}

static void
set_current(struct revset *cur, const struct graph *g, const char *a,
    const char *b)
{
	revset_release(cur);
	if (a != NULL)
		revset_add(cur, get(g, a));
	if (b != NULL)
		revset_add(cur, get(g, b));
}

static void
test_graph_resolve_basic(void **state)
{
	struct graph	*g = NULL;

	(void)state;
	BUILD(g, diamond);
	expect_resolve(g, "head", NULL, "4e0000000005");
	expect_resolve(g, "heads", NULL, "4e0000000005");
	expect_resolve(g, "base", NULL, "base");
	/* full id, any case; unique prefix */
	expect_resolve(g, "3d0000000004", NULL, "3d0000000004");
	expect_resolve(g, "3D0000000004", NULL, "3d0000000004");
	expect_resolve(g, "2b", NULL, "2b0000000002");
	expect_resolve(g, "2c00", NULL, "2c0000000003");
	expect_resolve(g, "1", NULL, "1a0000000001");
	/* ambiguous prefix: every candidate listed */
	expect_resolve_error(g, "2", NULL, MG_EAMBIGUOUS,
	    "Multiple revisions start with '2'");
	expect_resolve_error(g, "2", NULL, MG_EAMBIGUOUS, "2b0000000002");
	expect_resolve_error(g, "2", NULL, MG_EAMBIGUOUS, "2c0000000003");
	/* unknown */
	expect_resolve_error(g, "9f", NULL, MG_ENOTFOUND,
	    "Can't locate revision identified by '9f'");
	expect_resolve_error(g, "3d00000000045", NULL, MG_ENOTFOUND,
	    "Can't locate revision identified by '3d00000000045'");
	graph_free(g);
}

static void
test_graph_resolve_multiple_heads(void **state)
{
	struct graph	*g = NULL;
	struct target	 t;
	struct err	 err = ERR_INIT;

	(void)state;
	BUILD(g, twoheads);
	assert_int_equal(graph_resolve(&t, g, "head", NULL, &err),
	    MG_EAMBIGUOUS);
	assert_string_equal(err.msg, "Multiple head revisions are present "
	    "for given argument 'head'; please specify a specific target "
	    "revision, '<branchname>@head' to narrow to a specific head, or "
	    "'heads' for all heads");
	target_release(&t);
	err_release(&err);
	assert_int_equal(graph_resolve(&t, g, "heads", NULL, &err), 0);
	assert_int_equal(t.revs.n, 2);
	assert_true(revset_has(&t.revs, get(g, "cc00")));
	assert_true(revset_has(&t.revs, get(g, "dd00")));
	assert_false(t.base);
	target_release(&t);
	/* head-1 is just as ambiguous */
	expect_resolve_error(g, "head-1", NULL, MG_EAMBIGUOUS,
	    "Multiple head revisions are present");
	graph_free(g);
}

static void
test_graph_resolve_labels(void **state)
{
	struct graph	*g = NULL;
	struct revset	 cur = REVSET_INIT;
	struct target	 t;
	struct err	 err = ERR_INIT;

	(void)state;
	BUILD(g, twoheads);
	expect_resolve(g, "left@head", NULL, "dd00");
	expect_resolve(g, "right@head", NULL, "cc00");
	expect_resolve(g, "left@heads", NULL, "dd00");
	/* <id>@head: the heads that stand on that revision */
	expect_resolve(g, "bb00@head", NULL, "dd00");
	expect_resolve(g, "cc@head", NULL, "cc00");
	/* label@base: base, limited to the branch */
	assert_int_equal(graph_resolve(&t, g, "left@base", NULL, &err), 0);
	assert_true(t.base);
	assert_int_equal(t.revs.n, 0);
	assert_ptr_equal(t.member, graph_label(g, "left", 4)->member);
	target_release(&t);
	/* label@-1, label@+1: relative to the branch's current revision */
	set_current(&cur, g, "dd00", "cc00");
	expect_resolve(g, "left@-1", &cur, "bb00");
	expect_resolve(g, "right@-1", &cur, "aa00");
	set_current(&cur, g, "bb00", "cc00");
	expect_resolve(g, "left@+1", &cur, "dd00");
	expect_resolve(g, "left@head-1", NULL, "bb00");
	/* a label alone is relative to nothing: no current needed */
	expect_resolve_error(g, "left@-1", NULL, MG_EUSAGE,
	    "is relative to the database's current revision");
	expect_resolve_error(g, "nolabel@head", NULL, MG_ENOTFOUND,
	    "Can't locate revision identified by 'nolabel'");
	revset_release(&cur);
	graph_free(g);
}

static void
test_graph_resolve_relative(void **state)
{
	static const struct spec line[] = {
		{ "a1", "", NULL, NULL },
		{ "b2", "a1", NULL, NULL },
		{ "c3", "b2", NULL, NULL },
		{ "d4", "c3", NULL, NULL },
	};
	struct graph	*g = NULL;
	struct revset	 cur = REVSET_INIT;

	(void)state;
	BUILD(g, line);
	expect_resolve(g, "a1+1", NULL, "b2");
	expect_resolve(g, "a1+3", NULL, "d4");
	expect_resolve(g, "b+1", NULL, "c3");
	expect_resolve(g, "head-1", NULL, "c3");
	expect_resolve(g, "head-3", NULL, "a1");
	expect_resolve(g, "c3-1", NULL, "b2");
	expect_resolve_error(g, "a1+4", NULL, MG_ENOTFOUND,
	    "Relative revision a1+4 didn't produce 4 migrations");
	/* +N / -N from the current revision */
	set_current(&cur, g, "b2", NULL);
	expect_resolve(g, "+1", &cur, "c3");
	expect_resolve(g, "+2", &cur, "d4");
	expect_resolve(g, "-1", &cur, "a1");
	/* one below the base is base */
	expect_resolve(g, "-2", &cur, "base");
	expect_resolve_error(g, "+3", &cur, MG_ENOTFOUND,
	    "didn't produce 3 migrations");
	/* relative with no database known: a usage error */
	expect_resolve_error(g, "+1", NULL, MG_EUSAGE,
	    "'+1' is relative to the database's current revision");
	expect_resolve_error(g, "-1", NULL, MG_EUSAGE,
	    "'-1' is relative to the database's current revision");
	expect_resolve_error(g, "+x", NULL, MG_EUSAGE, "bad revision '+x'");
	revset_release(&cur);
	graph_free(g);

	/* through a branch point or merge point: ambiguous */
	BUILD(g, diamond);
	expect_resolve(g, "2b+1", NULL, "3d0000000004");
	expect_resolve(g, "2c+2", NULL, "4e0000000005");
	expect_resolve(g, "head-1", NULL, "3d0000000004");
	expect_resolve_error(g, "1a+1", NULL, MG_EAMBIGUOUS,
	    "is a branch point");
	expect_resolve_error(g, "head-2", NULL, MG_EAMBIGUOUS,
	    "is a merge point");
	graph_free(g);
}

static const struct spec line4[] = {
	{ "a1", "", NULL, NULL },
	{ "b2", "a1", NULL, NULL },
	{ "c3", "b2", NULL, NULL },
	{ "d4", "c3", NULL, NULL },
};

/* An empty database (no version rows): +N and base+N count from base. */
static void
test_graph_resolve_relative_from_base(void **state)
{
	struct graph	*g = NULL;
	struct revset	 cur = REVSET_INIT;

	(void)state;
	BUILD(g, line4);
	expect_resolve(g, "+1", &cur, "a1");
	expect_resolve(g, "+2", &cur, "b2");
	expect_resolve(g, "base+1", NULL, "a1");
	expect_resolve(g, "base+3", NULL, "c3");
	expect_resolve_error(g, "+5", &cur, MG_ENOTFOUND,
	    "didn't produce 5 migrations");
	graph_free(g);
}

/* The steps of a plan as "+id[from>to] -id[from>to] ...". */
static void
expect_plan(const struct graph *g, const struct revset *rows,
    const char *spec, int upgrade, const char *want)
{
	struct strbuf	 sb = STRBUF_INIT;
	struct target	 t;
	struct plan	 p;
	struct err	 err = ERR_INIT;
	size_t		 i;

	if (graph_resolve(&t, g, spec, rows, &err) != 0)
		fail_msg("resolve '%s': %s", spec, err.msg);
	if (graph_plan(&p, g, rows, &t, upgrade, &err) != 0)
		fail_msg("plan '%s': %s", spec, err.msg);
	for (i = 0; i < p.n; i++) {
		const struct step	*s = &p.v[i];

		assert_int_equal(s->upgrade, upgrade);
		strbuf_addf(&sb, "%s%c%s[", i ? " " : "",
		    upgrade ? '+' : '-', s->rev->id);
		strbuf_addf(&sb, "%s>", ids(s->from.v, s->from.n));
		strbuf_addf(&sb, "%s]", ids(s->to.v, s->to.n));
	}
	if (strcmp(sb.buf ? sb.buf : "", want) != 0)
		fail_msg("%s %s: got '%s', expected '%s'", upgrade ?
		    "upgrade" : "downgrade", spec, sb.buf ? sb.buf : "", want);
	strbuf_release(&sb);
	plan_release(&p);
	target_release(&t);
}

static void
expect_plan_error(const struct graph *g, const struct revset *rows,
    const char *spec, int upgrade, const char *want)
{
	struct target	 t;
	struct plan	 p;
	struct err	 err = ERR_INIT;

	assert_int_equal(graph_resolve(&t, g, spec, rows, &err), 0);
	assert_int_not_equal(graph_plan(&p, g, rows, &t, upgrade, &err), 0);
	assert_string_equal(err.msg, want);
	assert_int_equal(p.n, 0);
	err_release(&err);
	target_release(&t);
}

static void
test_graph_plan_diamond(void **state)
{
	struct graph	*g = NULL;
	struct revset	 rows = REVSET_INIT;

	(void)state;
	BUILD(g, diamond);
	/* empty database to head: the merge needs both branches */
	expect_plan(g, &rows, "head", 1,
	    "+1a0000000001[>1a0000000001] "
	    "+2c0000000003[1a0000000001>2c0000000003] "
	    "+2b0000000002[>2b0000000002] "
	    "+3d0000000004[2b0000000002 2c0000000003>3d0000000004] "
	    "+4e0000000005[3d0000000004>4e0000000005]");
	/* one branch applied: the other one, then the merge */
	set_current(&rows, g, "2b0000000002", NULL);
	expect_plan(g, &rows, "head", 1,
	    "+2c0000000003[>2c0000000003] "
	    "+3d0000000004[2b0000000002 2c0000000003>3d0000000004] "
	    "+4e0000000005[3d0000000004>4e0000000005]");
	/* up to a branch only */
	set_current(&rows, g, "1a0000000001", NULL);
	expect_plan(g, &rows, "2b", 1,
	    "+2b0000000002[1a0000000001>2b0000000002]");
	/* already there: nothing to do */
	set_current(&rows, g, "4e0000000005", NULL);
	expect_plan(g, &rows, "head", 1, "");
	/* down to one side of the merge: the merge splits into both */
	expect_plan(g, &rows, "2b", 0,
	    "-4e0000000005[4e0000000005>3d0000000004] "
	    "-3d0000000004[3d0000000004>2b0000000002 2c0000000003]");
	/* down to base: children before parents, each step's rows */
	expect_plan(g, &rows, "base", 0,
	    "-4e0000000005[4e0000000005>3d0000000004] "
	    "-3d0000000004[3d0000000004>2b0000000002 2c0000000003] "
	    "-2b0000000002[2b0000000002>] "
	    "-2c0000000003[2c0000000003>1a0000000001] "
	    "-1a0000000001[1a0000000001>]");
	expect_plan(g, &rows, "-1", 0,
	    "-4e0000000005[4e0000000005>3d0000000004]");
	/* invalid targets */
	expect_plan_error(g, &rows, "2b", 1, "Destination 2b0000000002 is "
	    "not a valid upgrade target from current head(s)");
	set_current(&rows, g, "2b0000000002", NULL);
	expect_plan_error(g, &rows, "2c", 0, "Destination 2c0000000003 is "
	    "not a valid downgrade target from current head(s)");
	expect_plan_error(g, &rows, "3d", 0, "Destination 3d0000000004 is "
	    "not a valid downgrade target from current head(s)");
	revset_release(&rows);
	graph_free(g);
}

static void
test_graph_plan_branches(void **state)
{
	struct graph	*g = NULL;
	struct revset	 rows = REVSET_INIT;

	(void)state;
	BUILD(g, twoheads);
	/* heads: both branches, each with its own version row */
	expect_plan(g, &rows, "heads", 1,
	    "+aa00[>aa00] +bb00[aa00>bb00] +cc00[>cc00] +dd00[bb00>dd00]");
	expect_plan(g, &rows, "right@head", 1,
	    "+aa00[>aa00] +cc00[aa00>cc00]");
	set_current(&rows, g, "bb00", NULL);
	expect_plan(g, &rows, "right@head", 1, "+cc00[>cc00]");
	expect_plan(g, &rows, "left@+1", 1, "+dd00[bb00>dd00]");
	/* down one branch: the other keeps its row */
	set_current(&rows, g, "dd00", "cc00");
	expect_plan(g, &rows, "left@base", 0,
	    "-dd00[dd00>bb00] -bb00[bb00>]");
	expect_plan(g, &rows, "right@base", 0, "-cc00[cc00>]");
	expect_plan(g, &rows, "left@-1", 0, "-dd00[dd00>bb00]");
	/* the branch point: both branches go, it keeps its row */
	expect_plan(g, &rows, "aa00", 0,
	    "-dd00[dd00>bb00] -cc00[cc00>] -bb00[bb00>aa00]");
	revset_release(&rows);
	graph_free(g);
}

/* Alembic filters the revisions to drop to the named branch. */
static void
test_graph_plan_label_relative_down(void **state)
{
	struct graph	*g = NULL;
	struct revset	 rows = REVSET_INIT;

	(void)state;
	BUILD(g, twoheads);
	set_current(&rows, g, "dd00", "cc00");
	/* one step down the right branch leaves the left one alone */
	expect_plan(g, &rows, "right@-1", 0, "-cc00[cc00>]");
	revset_release(&rows);
	graph_free(g);
}

static void
test_graph_plan_depends_on(void **state)
{
	static const struct spec s[] = {
		{ "a1", "", NULL, NULL },
		{ "a2", "a1", NULL, NULL },
		{ "b1", "", NULL, NULL },
		{ "b2", "b1", NULL, "a2" },
	};
	struct graph	*g = NULL;
	struct revset	 rows = REVSET_INIT;

	(void)state;
	BUILD(g, s);
	/*
	 * b2 needs a2: its branch comes along, and its row merges into b2
	 * as a parent's would (Alembic's normalized down revisions)
	 */
	expect_plan(g, &rows, "b2", 1,
	    "+a1[>a1] +b1[>b1] +a2[a1>a2] +b2[b1 a2>b2]");
	/* undoing a2 undoes what depends on it first, and unmerges */
	set_current(&rows, g, "b2", NULL);
	expect_plan(g, &rows, "a1", 0, "-b2[b2>b1 a2] -a2[a2>a1]");
	/* b2 alone goes back to both rows */
	expect_plan(g, &rows, "b1", 0, "-b2[b2>b1 a2]");
	revset_release(&rows);
	/* rows that name a dependency too, as older runs left them */
	set_current(&rows, g, "a2", "b2");
	expect_plan(g, &rows, "a1", 0, "-b2[b2>b1] -a2[a2>a1]");
	revset_release(&rows);
	graph_free(g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_graph_linear),
		cmocka_unit_test(test_graph_branch_and_merge),
		cmocka_unit_test(test_graph_two_heads_and_labels),
		cmocka_unit_test(test_graph_depends_on),
		cmocka_unit_test(test_graph_build_errors),
		cmocka_unit_test(test_graph_cycles),
		cmocka_unit_test(test_graph_resolve_basic),
		cmocka_unit_test(test_graph_resolve_multiple_heads),
		cmocka_unit_test(test_graph_resolve_labels),
		cmocka_unit_test(test_graph_resolve_relative),
		cmocka_unit_test(test_graph_resolve_relative_from_base),
		cmocka_unit_test(test_graph_plan_diamond),
		cmocka_unit_test(test_graph_plan_branches),
		cmocka_unit_test(test_graph_plan_label_relative_down),
		cmocka_unit_test(test_graph_plan_depends_on),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
