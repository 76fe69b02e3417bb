/*
 * What every libFuzzer harness includes: the entry points libFuzzer calls
 * (declared here so that -Wmissing-prototypes stays quiet) and a check
 * that aborts with the harness's file and line, so a broken invariant is
 * a crash the fuzzer keeps, like a sanitizer report.
 */
#ifndef MIGRATE_FUZZ_H
#define MIGRATE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "migrate.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);

/* graph-check.c */
/* A failed resolve: one of its codes, with a message. */
void	fuzz_check_error(const struct err *, int rc);
/* A target names revisions of g, or base, or nothing on an empty graph. */
void	fuzz_check_target(const struct graph *, const struct target *);
/* Replay a plan from rows: nothing twice, each step finds its rows. */
void	fuzz_check_plan(const struct graph *, const struct revset *rows,
	    const struct plan *, const struct target *, int upgrade);
/* graph_stamp_rows against its contract, worked out the slow way. */
void	fuzz_stamp(const struct graph *, const struct revset *rows,
	    const struct revset *targets);
/* Plan up and down from rows to t, check each, and stamp t. */
void	fuzz_plan(const struct graph *, const struct revset *rows,
	    const struct target *);
/* Resolve spec against rows (NULL: not known), then fuzz_plan. */
void	fuzz_resolve(const struct graph *, const char *spec,
	    const struct revset *rows);
/* from:to as upgrade --sql reads it, colon pointing into spec. */
void	fuzz_range(const struct graph *, const char *spec,
	    const char *colon);
/* "a b c" as migrate stamp a b c takes it; specs is cut up. */
void	fuzz_stamp_many(const struct graph *, char *specs,
	    const struct revset *rows);

#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n",		\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

#endif
