/*
 * Revision scripts at a git ref, through libgit2. See gitref.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "gitref.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

struct gitref_walk {
	git_repository	*repo;
	const char	*workdir;	/* the repository's, ends in '/' */
	const char	*dir;		/* the location, as in the work tree */
	int		 recursive;
	struct script	**v;
	size_t		 n;
	size_t		 alloc;
	const char	*ref;
	struct err	*err;
	int		 rc;
};

/* libgit2's last error as ours. */
static int
gitref_error(struct err *err, const char *what, const char *ref)
{
	const git_error	*e = git_error_last();

	return err_set(err, MG_ECONFIG, "%s%s%s: %s", what, ref != NULL ?
	    " " : "", ref != NULL ? ref : "", e != NULL && e->message != NULL ?
	    e->message : "unknown error");
}

static int
gitref_visit(const char *root, const git_tree_entry *e, void *arg)
{
	struct gitref_walk	*w = arg;
	const char		*name = git_tree_entry_name(e);
	struct strbuf		 path = STRBUF_INIT;
	git_blob		*blob = NULL;
	char			*text;
	size_t			 len = strlen(name);

	if (git_tree_entry_type(e) == GIT_OBJECT_TREE)
		return w->recursive ? 0 : 1;	/* 1: skip it */
	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB || len < 5 ||
	    strcmp(name + len - 4, ".sql") != 0)
		return 0;
	if (git_blob_lookup(&blob, w->repo, git_tree_entry_id(e)) != 0) {
		w->rc = gitref_error(w->err, "cannot read a script at",
		    w->ref);
		return -1;
	}
	len = (size_t)git_blob_rawsize(blob);
	text = xmalloc(len + 1);
	memcpy(text, git_blob_rawcontent(blob), len);
	text[len] = '\0';
	git_blob_free(blob);
	strbuf_addf(&path, "%s/%s%s", w->dir, root, name);
	if (w->n == w->alloc) {
		w->alloc = w->alloc ? w->alloc * 2 : 32;
		w->v = xrealloc(w->v, w->alloc * sizeof *w->v);
	}
	if ((w->rc = script_parse(&w->v[w->n], path.buf, text, len,
	    w->err)) != 0) {
		err_wrap(w->err, w->rc, "at %s", w->ref);
		strbuf_release(&path);
		return -1;
	}
	w->n++;
	strbuf_release(&path);
	return 0;
}

int
gitref_scripts(struct script ***out, size_t *n, const struct config *cfg,
    const char *ref, struct err *err)
{
	struct gitref_walk	 w;
	git_repository		*repo = NULL;
	git_object		*obj = NULL, *tree = NULL;
	git_tree_entry		*entry = NULL;
	git_tree		*sub = NULL;
	char			**dirs = NULL, real[PATH_MAX];
	size_t			 ndirs = 0, i, wl;
	int			 rc, recursive = 0;

	*out = NULL;
	*n = 0;
	memset(&w, 0, sizeof w);
	git_libgit2_init();
	if ((rc = config_get_bool(&recursive, cfg,
	    "recursive_version_locations", err)) != 0 ||
	    (rc = graph_locations(&dirs, &ndirs, cfg, err)) != 0)
		goto done;
	if (git_repository_open_ext(&repo, cfg->here, 0, NULL) != 0) {
		rc = gitref_error(err, "no git repository holds", cfg->here);
		goto done;
	}
	if (git_repository_workdir(repo) == NULL) {
		rc = err_set(err, MG_ECONFIG, "the git repository of '%s' is "
		    "bare", cfg->here);
		goto done;
	}
	if (git_revparse_single(&obj, repo, ref) != 0 ||
	    git_object_peel(&tree, obj, GIT_OBJECT_TREE) != 0) {
		rc = gitref_error(err, "cannot resolve git ref", ref);
		goto done;
	}
	w.repo = repo;
	w.workdir = git_repository_workdir(repo);
	w.recursive = recursive;
	w.ref = ref;
	w.err = err;
	wl = strlen(w.workdir);
	for (i = 0; i < ndirs && rc == 0; i++) {
		/* the location inside the repository */
		if (realpath(dirs[i], real) == NULL || strncmp(real, w.workdir,
		    wl - 1) != 0 || (real[wl - 1] != '/' &&
		    real[wl - 1] != '\0')) {
			rc = err_set(err, MG_ECONFIG, "the version folder '%s' "
			    "is not in the git repository at '%s'", dirs[i],
			    w.workdir);
			break;
		}
		w.dir = dirs[i];
		if (real[wl - 1] == '\0') {
			sub = NULL;
			if (git_tree_walk((git_tree *)tree, GIT_TREEWALK_PRE,
			    gitref_visit, &w) != 0)
				rc = w.rc != 0 ? w.rc :
				    gitref_error(err, "cannot read", ref);
			continue;
		}
		if (git_tree_entry_bypath(&entry, (git_tree *)tree,
		    real + wl) != 0)
			continue;	/* not at ref: no scripts there */
		if (git_tree_entry_type(entry) == GIT_OBJECT_TREE &&
		    git_tree_lookup(&sub, repo, git_tree_entry_id(entry)) == 0) {
			if (git_tree_walk(sub, GIT_TREEWALK_PRE, gitref_visit,
			    &w) != 0)
				rc = w.rc != 0 ? w.rc :
				    gitref_error(err, "cannot read", ref);
			git_tree_free(sub);
		}
		git_tree_entry_free(entry);
		entry = NULL;
	}
	if (rc == 0) {
		*out = w.v;
		*n = w.n;
		w.v = NULL;
		w.n = 0;
	}
done:
	gitref_scripts_free(w.v, w.n);
	git_object_free(tree);
	git_object_free(obj);
	git_repository_free(repo);
	graph_locations_free(dirs, ndirs);
	git_libgit2_shutdown();
	return rc;
}

void
gitref_scripts_free(struct script **v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		script_free(v[i]);
	xfree(v);
}
