/*
 * The project as a git commit has it, read with libgit2 (never by
 * running git): the revision scripts of the version locations at a ref,
 * for check --base.
 */
#ifndef MIGRATE_GITREF_H
#define MIGRATE_GITREF_H

#include "migrate.h"

/*
 * The scripts (*.sql) under the version locations of cfg at ref
 * ("origin/main", a tag, a commit id ...) of the git repository that
 * holds the project, parsed (each script's path is the one it has in the
 * working tree). A script at ref that does not parse is MG_ECONFIG naming
 * it and the ref. MG_ECONFIG: no repository, or a ref that names nothing.
 */
int	gitref_scripts(struct script ***out, size_t *n, const struct config *,
	    const char *ref, struct err *);
void	gitref_scripts_free(struct script **, size_t);

#endif
