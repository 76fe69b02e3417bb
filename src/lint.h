/*
 * Lint of risky changes: what a revision's upgrade part does that can
 * lose data, lock a busy table or break the application still running
 * the old code. Read from the script's SQL (and the -- WARNING: comments
 * autogenerate writes), so hand-written scripts are linted too.
 *
 * A "-- migrate:lint-ignore rule[, rule]" comment silences those rules
 * for the statement that follows it.
 */
#ifndef MIGRATE_LINT_H
#define MIGRATE_LINT_H

#include "migrate.h"

struct lint_finding {
	const char	*rule;		/* "drop-table" ... (static) */
	unsigned	 line;		/* in the script file */
	char		*message;	/* what, and the fix; owned */
};

struct lint_findings {
	struct lint_finding	*v;
	size_t			 n;
	size_t			 alloc;
};
#define LINT_FINDINGS_INIT { NULL, 0, 0 }

/* The findings of a script's upgrade part, added to out. */
int	lint_script(struct lint_findings *out, const struct script *,
	    enum sql_flavor, struct err *);
void	lint_findings_release(struct lint_findings *);
/* Whether name is one of the rules. */
int	lint_rule_known(const char *name);

#endif
