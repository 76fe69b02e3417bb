/*
 * The project as a git commit has it, read with libgit2 (never by
 * running git): the revision scripts of the version locations at a ref,
 * for check --base, and the model's files at a ref, for diff --from-ref.
 */
#ifndef MIGRATE_GITREF_H
#define MIGRATE_GITREF_H

#include "migrate.h"
#include "schema.h"

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

/* The model's files at a ref, written out to a private folder. */
struct gitref_model {
	char		*tmp;		/* the folder they are written to */
	char		*dir;		/* where they are in the work tree */
	const char	*ref;
	struct strv	 files;		/* under tmp, as model_files gives */
	int		 missing;	/* the folder is not at ref */
};

/*
 * The files that `models` of cfg names, for a dialect, as they are at
 * ref; no `models`, no file. Errors as gitref_scripts'. Release with
 * gitref_model_release, which removes the folder, also after an error.
 */
int	gitref_model(struct gitref_model *out, const struct config *,
	    enum sql_flavor, const char *ref, struct err *);
/* An error naming the files: named as in the work tree, at ref. */
void	gitref_model_error(const struct gitref_model *, struct err *);
void	gitref_model_release(struct gitref_model *);

/*
 * Who writes a new revision, as git would record it: GIT_AUTHOR_NAME and
 * GIT_AUTHOR_EMAIL, else user.name and user.email of the configuration
 * of the repository holding the project (or the global one), as
 * "Name <email>"; NULL when there is none. The caller frees it.
 */
char	*gitref_author(const struct config *);

#endif
