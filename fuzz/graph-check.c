/*
 * Checks shared by the graph harnesses (fuzz-spec.c, fuzz-graph.c):
 * resolve a spec, a from:to range or several stamp targets on a built
 * graph, then plan and stamp from the rows and replay the result. Each
 * check that fails aborts, as FUZZ_CHECK does.
 */
#include <string.h>

#include "fuzz.h"

void
fuzz_check_error(const struct err *err, int rc)
{
	FUZZ_CHECK(rc == MG_EUSAGE || rc == MG_ENOTFOUND ||
	    rc == MG_EAMBIGUOUS);
	FUZZ_CHECK(err->code == rc && err->msg != NULL);
}

/*
 * Replay a plan on rows: each step removes rows that are there and adds
 * rows that are not, and no revision is upgraded or downgraded twice.
 */
void
fuzz_check_plan(const struct graph *g, const struct revset *rows,
    const struct plan *plan, const struct target *t, int upgrade)
{
	unsigned char	*row, *done, *applied;
	struct revset	 now = REVSET_INIT;
	size_t		 i, j;

	row = xcalloc(g->nrevs + 1, 1);
	done = xcalloc(g->nrevs + 1, 1);
	applied = xcalloc(g->nrevs + 1, 1);
	graph_ancestors(applied, g, rows);
	for (i = 0; i < rows->n; i++)
		row[rows->v[i]->index] = 1;
	FUZZ_CHECK(plan->n <= g->nrevs);
	for (i = 0; i < plan->n; i++) {
		const struct step	*s = &plan->v[i];

		FUZZ_CHECK(s->upgrade == upgrade);
		FUZZ_CHECK(!done[s->rev->index]);
		done[s->rev->index] = 1;
		FUZZ_CHECK(applied[s->rev->index] == !upgrade);
		applied[s->rev->index] = (unsigned char)upgrade;
		for (j = 0; j < s->from.n; j++) {
			FUZZ_CHECK(row[s->from.v[j]->index]);
			row[s->from.v[j]->index] = 0;
		}
		for (j = 0; j < s->to.n; j++) {
			FUZZ_CHECK(!row[s->to.v[j]->index]);
			row[s->to.v[j]->index] = 1;
		}
	}
	/* after an upgrade, every target is applied */
	for (i = 0; upgrade && i < t->revs.n; i++)
		FUZZ_CHECK(applied[t->revs.v[i]->index]);
	for (i = 0; i < g->nrevs; i++) {
		if (row[i])
			revset_add(&now, g->order[i]);
	}
	/* and the rows left say as much */
	memset(done, 0, g->nrevs + 1);
	graph_ancestors(done, g, &now);
	for (i = 0; upgrade && i < t->revs.n; i++)
		FUZZ_CHECK(done[t->revs.v[i]->index]);
	revset_release(&now);
	xfree(row);
	xfree(done);
	xfree(applied);
}

/* Mark r and, walking one way only, every revision beyond it. */
static void
fuzz_walk(unsigned char *mark, const struct rev *r, int up)
{
	size_t	 j;

	if (mark[r->index])
		return;
	mark[r->index] = 1;
	if (up) {
		for (j = 0; j < r->nchildren; j++)
			fuzz_walk(mark, r->children[j], up);
		for (j = 0; j < r->ndependents; j++)
			fuzz_walk(mark, r->dependents[j], up);
	} else {
		for (j = 0; j < r->nparents; j++)
			fuzz_walk(mark, r->parents[j], up);
		for (j = 0; j < r->ndeps; j++)
			fuzz_walk(mark, r->deps[j], up);
	}
}

/*
 * graph_stamp_rows against its contract, worked out the slow way: a row
 * stays unless it is an ancestor or a descendant of a target; then the
 * targets are added.
 */
void
fuzz_stamp(const struct graph *g, const struct revset *rows,
    const struct revset *targets)
{
	struct revset	 out;
	unsigned char	*below, *above, *want;
	size_t		 i, k, n = 0;

	graph_stamp_rows(&out, g, rows, targets);
	want = xcalloc(g->nrevs + 1, 1);
	for (i = 0; i < targets->n; i++) {
		below = xcalloc(g->nrevs + 1, 1);
		above = xcalloc(g->nrevs + 1, 1);
		fuzz_walk(below, targets->v[i], 0);
		fuzz_walk(above, targets->v[i], 1);
		for (k = 0; k < rows->n; k++) {
			if (below[rows->v[k]->index] ||
			    above[rows->v[k]->index])
				want[rows->v[k]->index] = 2;	/* gives way */
		}
		xfree(below);
		xfree(above);
	}
	for (k = 0; k < rows->n; k++) {
		if (want[rows->v[k]->index] == 0)
			want[rows->v[k]->index] = 1;
	}
	for (i = 0; i < targets->n; i++)
		want[targets->v[i]->index] = 1;
	for (i = 0; i < g->nrevs; i++)
		n += want[i] == 1;
	FUZZ_CHECK(out.n == n);
	for (i = 0; i < out.n; i++)
		FUZZ_CHECK(want[out.v[i]->index] == 1);
	revset_release(&out);
	xfree(want);
}

void
fuzz_plan(const struct graph *g, const struct revset *rows,
    const struct target *t)
{
	struct plan	 plan;
	struct err	 err = ERR_INIT;
	int		 upgrade, rc;

	for (upgrade = 0; upgrade <= 1; upgrade++) {
		rc = graph_plan(&plan, g, rows, t, upgrade, &err);
		if (rc == 0)
			fuzz_check_plan(g, rows, &plan, t, upgrade);
		else
			fuzz_check_error(&err, rc);
		plan_release(&plan);
		err_release(&err);
	}
	fuzz_stamp(g, rows, &t->revs);
}

void
fuzz_check_target(const struct graph *g, const struct target *t)
{
	size_t	 i;

	FUZZ_CHECK(t->base || t->revs.n > 0 || g->nheads == 0);
	for (i = 0; i < t->revs.n; i++)
		FUZZ_CHECK(t->revs.v[i] >= g->revs &&
		    t->revs.v[i] < g->revs + g->nrevs);
}

/* Resolve spec against rows (NULL: not known) and plan to it. */
void
fuzz_resolve(const struct graph *g, const char *spec,
    const struct revset *rows)
{
	static const struct revset	 none = REVSET_INIT;
	struct target			 t;
	struct err			 err = ERR_INIT;
	int				 rc;

	rc = graph_resolve(&t, g, spec, rows, &err);
	if (rc != 0) {
		fuzz_check_error(&err, rc);
		if (rc == MG_EUSAGE && rows != NULL)
			FUZZ_CHECK(graph_spec_check(spec, NULL) != 0 ||
			    rows == NULL);
	} else {
		fuzz_check_target(g, &t);
		fuzz_plan(g, rows != NULL ? rows : &none, &t);
	}
	target_release(&t);
	err_release(&err);
}

/* from:to as upgrade --sql reads it: to is relative to from. */
void
fuzz_range(const struct graph *g, const char *spec, const char *colon)
{
	struct target	 from, to;
	struct err	 err = ERR_INIT;
	char		*fspec;
	int		 rc;

	memset(&to, 0, sizeof to);
	fspec = xstrndup(spec, (size_t)(colon - spec));
	if ((rc = graph_resolve(&from, g, fspec, NULL, &err)) != 0) {
		fuzz_check_error(&err, rc);
		goto done;
	}
	if ((rc = graph_resolve(&to, g, colon + 1, &from.revs, &err)) != 0) {
		fuzz_check_error(&err, rc);
		goto done;
	}
	fuzz_check_target(g, &to);
	fuzz_plan(g, &from.revs, &to);
done:
	target_release(&from);
	target_release(&to);
	err_release(&err);
	xfree(fspec);
}

/* "a b c" as migrate stamp a b c takes it: targets relative to rows. */
void
fuzz_stamp_many(const struct graph *g, char *specs,
    const struct revset *rows)
{
	struct revset	 targets = REVSET_INIT;
	struct target	 t;
	struct err	 err = ERR_INIT;
	char		*one, *save = NULL;
	size_t		 i;
	int		 rc;

	for (one = strtok_r(specs, " ", &save); one != NULL;
	    one = strtok_r(NULL, " ", &save)) {
		rc = graph_resolve(&t, g, one, rows, &err);
		if (rc != 0)
			fuzz_check_error(&err, rc);
		for (i = 0; rc == 0 && i < t.revs.n; i++)
			revset_add(&targets, t.revs.v[i]);
		target_release(&t);
		err_release(&err);
	}
	fuzz_stamp(g, rows, &targets);
	revset_release(&targets);
}
