/*
 * The project at a git ref, through libgit2: the revision scripts of the
 * version locations, and the model's files. See gitref.h. libgit2 is
 * loaded when a function here needs it (dynlib.h), so that nothing else
 * pays for it.
 */
#define _XOPEN_SOURCE 700	/* nftw */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "dynlib.h"
#include "gitref.h"
#include "model.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

/* The libgit2 functions this file calls, each typed by git2.h. */
#define GITREF_LIB_FUNCS(X)						\
	X(git_blob_free) X(git_blob_lookup) X(git_blob_rawcontent)	\
	X(git_blob_rawsize) X(git_buf_dispose) X(git_config_free)	\
	X(git_config_get_string_buf) X(git_config_open_default)		\
	X(git_error_last) X(git_libgit2_init) X(git_libgit2_shutdown)	\
	X(git_object_free) X(git_object_peel) X(git_repository_config)	\
	X(git_repository_free) X(git_repository_open_ext)		\
	X(git_repository_workdir) X(git_revparse_single)		\
	X(git_tree_entry_bypath) X(git_tree_entry_filemode)		\
	X(git_tree_entry_free) X(git_tree_entry_id)			\
	X(git_tree_entry_name) X(git_tree_entry_type) X(git_tree_free)	\
	X(git_tree_lookup) X(git_tree_walk)

/* libgit2 as loaded for one use: lib->git_tree_walk(...). */
struct gitref_lib {
	void	*handle;
#define GITREF_LIB_MEMBER(f)	__typeof__(f)	*f;
	GITREF_LIB_FUNCS(GITREF_LIB_MEMBER)
#undef GITREF_LIB_MEMBER
};

static const struct dynlib_sym gitref_lib_syms[] = {
#define GITREF_LIB_SYM(f)	{ #f, offsetof(struct gitref_lib, f) },
	GITREF_LIB_FUNCS(GITREF_LIB_SYM)
#undef GITREF_LIB_SYM
};

/* The SONAME of the headers built with, then the development link. */
static const char *const gitref_lib_names[] = {
	"libgit2.so." LIBGIT2_SOVERSION, "libgit2.so", NULL
};

/* Load libgit2 and initialize it; gitref_lib_close undoes both. */
static int
gitref_lib_open(struct gitref_lib *lib, struct err *err)
{
	int	 rc;

	memset(lib, 0, sizeof *lib);
	if ((rc = dynlib_open(&lib->handle, gitref_lib_names, lib,
	    gitref_lib_syms, sizeof gitref_lib_syms / sizeof *gitref_lib_syms,
	    err)) != 0)
		return rc;
	lib->git_libgit2_init();
	return 0;
}

static void
gitref_lib_close(struct gitref_lib *lib)
{
	if (lib->handle == NULL)
		return;
	lib->git_libgit2_shutdown();
	dynlib_close(lib->handle);
	lib->handle = NULL;
}

/* What to do with one *.sql file at the ref: text is given over. */
typedef int	gitref_fn(const char *path, const char *rel, char *text,
		    size_t len, void *arg, struct err *);

struct gitref_walk {
	const struct gitref_lib	*lib;
	git_repository	*repo;
	const char	*dir;		/* the location, as in the work tree */
	const char	*ref;
	int		 recursive;
	gitref_fn	*fn;
	void		*arg;
	struct err	*err;
	int		 rc;
};

/* libgit2's last error as ours. */
static int
gitref_error(struct err *err, const struct gitref_lib *lib, const char *what,
    const char *ref)
{
	const git_error	*e = lib->git_error_last();

	return err_set(err, MG_ECONFIG, "%s%s%s: %s", what, ref != NULL ?
	    " " : "", ref != NULL ? ref : "", e != NULL && e->message != NULL ?
	    e->message : "unknown error");
}

/* A name a tree may hold that is safe to write under a folder of ours. */
static int
gitref_name_ok(const char *name)
{
	return *name != '\0' && strcmp(name, ".") != 0 &&
	    strcmp(name, "..") != 0 && strcmp(name, ".git") != 0 &&
	    strpbrk(name, "/\\") == NULL;
}

static int
gitref_visit(const char *root, const git_tree_entry *e, void *arg)
{
	struct gitref_walk	*w = arg;
	const struct gitref_lib	*lib = w->lib;
	const char		*name = lib->git_tree_entry_name(e);
	struct strbuf		 path = STRBUF_INIT, rel = STRBUF_INIT;
	git_blob		*blob = NULL;
	char			*text;
	size_t			 len = strlen(name);

	if (lib->git_tree_entry_type(e) == GIT_OBJECT_TREE && !w->recursive)
		return 1;	/* 1: skip it */
	if (lib->git_tree_entry_type(e) != GIT_OBJECT_TREE &&
	    (lib->git_tree_entry_type(e) != GIT_OBJECT_BLOB || len < 5 ||
	    strcmp(name + len - 4, ".sql") != 0))
		return 0;
	strbuf_addf(&rel, "%s%s", root, name);
	if (!gitref_name_ok(name)) {
		w->rc = err_set(w->err, MG_ECONFIG, "'%s' at %s is not a "
		    "valid path", rel.buf, w->ref);
		goto done;
	}
	if (lib->git_tree_entry_type(e) == GIT_OBJECT_TREE)
		goto done;
	if (lib->git_tree_entry_filemode(e) == GIT_FILEMODE_LINK) {
		w->rc = err_set(w->err, MG_ECONFIG, "%s/%s at %s is a "
		    "symbolic link, which is not followed", w->dir, rel.buf,
		    w->ref);
		goto done;
	}
	if (lib->git_blob_lookup(&blob, w->repo,
	    lib->git_tree_entry_id(e)) != 0) {
		w->rc = gitref_error(w->err, lib, "cannot read a file at",
		    w->ref);
		goto done;
	}
	len = (size_t)lib->git_blob_rawsize(blob);
	text = xmalloc(len + 1);
	memcpy(text, lib->git_blob_rawcontent(blob), len);
	text[len] = '\0';
	lib->git_blob_free(blob);
	strbuf_addf(&path, "%s/%s", w->dir, rel.buf);
	w->rc = w->fn(path.buf, rel.buf, text, len, w->arg, w->err);
done:
	strbuf_release(&path);
	strbuf_release(&rel);
	return w->rc != 0 ? -1 : 0;
}

/*
 * dir's real path into real, also when dir itself is not in the work
 * tree (deleted since the ref) but its folder is.
 */
static int
gitref_realpath(char real[PATH_MAX], const char *dir)
{
	char		 parent[PATH_MAX];
	const char	*slash;

	if (realpath(dir, real) != NULL)
		return 0;
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir ||
	    (size_t)(slash - dir) >= sizeof parent)
		return -1;
	memcpy(parent, dir, (size_t)(slash - dir));
	parent[slash - dir] = '\0';
	if (realpath(parent, real) == NULL ||
	    strlen(real) + strlen(slash) >= PATH_MAX)
		return -1;
	memcpy(real + strlen(real), slash, strlen(slash) + 1);
	return 0;
}

/* fn on every *.sql file under each of dirs at ref. */
static int
gitref_each(const struct config *cfg, const char *ref, char *const *dirs,
    size_t ndirs, int recursive, gitref_fn *fn, void *arg, size_t *found,
    struct err *err)
{
	struct gitref_walk	 w;
	struct gitref_lib	 lib;
	git_repository		*repo = NULL;
	git_object		*obj = NULL, *tree = NULL;
	git_tree_entry		*entry = NULL;
	git_tree		*sub;
	const char		*workdir;
	char			 real[PATH_MAX];
	size_t			 i, wl;
	int			 rc = 0;

	memset(&w, 0, sizeof w);
	if ((rc = gitref_lib_open(&lib, err)) != 0)
		return rc;
	if (lib.git_repository_open_ext(&repo, cfg->here, 0, NULL) != 0) {
		rc = gitref_error(err, &lib, "no git repository holds",
		    cfg->here);
		goto done;
	}
	if ((workdir = lib.git_repository_workdir(repo)) == NULL) {
		rc = err_set(err, MG_ECONFIG, "the git repository of '%s' is "
		    "bare", cfg->here);
		goto done;
	}
	if (lib.git_revparse_single(&obj, repo, ref) != 0 ||
	    lib.git_object_peel(&tree, obj, GIT_OBJECT_TREE) != 0) {
		rc = gitref_error(err, &lib, "cannot resolve git ref", ref);
		goto done;
	}
	w.lib = &lib;
	w.repo = repo;
	w.recursive = recursive;
	w.ref = ref;
	w.fn = fn;
	w.arg = arg;
	w.err = err;
	wl = strlen(workdir);
	for (i = 0; i < ndirs && rc == 0; i++) {
		/* the location inside the repository */
		if (gitref_realpath(real, dirs[i]) != 0 || strncmp(real,
		    workdir, wl - 1) != 0 || (real[wl - 1] != '/' &&
		    real[wl - 1] != '\0')) {
			rc = err_set(err, MG_ECONFIG, "the folder '%s' is not "
			    "in the git repository at '%s'", dirs[i], workdir);
			break;
		}
		w.dir = dirs[i];
		sub = NULL;
		if (real[wl - 1] == '\0')
			sub = (git_tree *)tree;
		else if (lib.git_tree_entry_bypath(&entry, (git_tree *)tree,
		    real + wl) != 0)
			continue;	/* not at ref: no files there */
		else if (lib.git_tree_entry_type(entry) != GIT_OBJECT_TREE ||
		    lib.git_tree_lookup(&sub, repo,
		    lib.git_tree_entry_id(entry)) != 0)
			sub = NULL;
		if (sub != NULL && found != NULL)
			(*found)++;
		if (sub != NULL && lib.git_tree_walk(sub, GIT_TREEWALK_PRE,
		    gitref_visit, &w) != 0)
			rc = w.rc != 0 ? w.rc : gitref_error(err, &lib,
			    "cannot read", ref);
		if (sub != (git_tree *)tree)
			lib.git_tree_free(sub);
		lib.git_tree_entry_free(entry);
		entry = NULL;
	}
done:
	lib.git_object_free(tree);
	lib.git_object_free(obj);
	lib.git_repository_free(repo);
	gitref_lib_close(&lib);
	return rc;
}

struct gitref_scripts {
	struct script	**v;
	size_t		  n;
	size_t		  alloc;
	const char	 *ref;
};

static int
gitref_script(const char *path, const char *rel, char *text, size_t len,
    void *arg, struct err *err)
{
	struct gitref_scripts	*s = arg;
	int			 rc;

	(void)rel;
	if (s->n == s->alloc) {
		s->alloc = s->alloc ? s->alloc * 2 : 32;
		s->v = xrealloc(s->v, s->alloc * sizeof *s->v);
	}
	if ((rc = script_parse(&s->v[s->n], path, text, len, err)) != 0) {
		err_wrap(err, rc, "at %s", s->ref);
		return rc;
	}
	s->n++;
	return 0;
}

int
gitref_scripts(struct script ***out, size_t *n, const struct config *cfg,
    const char *ref, struct err *err)
{
	struct gitref_scripts	 s = { NULL, 0, 0, ref };
	char			**dirs = NULL;
	size_t			 ndirs = 0;
	int			 rc, recursive = 0;

	*out = NULL;
	*n = 0;
	if ((rc = config_get_bool(&recursive, cfg,
	    "recursive_version_locations", err)) == 0 &&
	    (rc = graph_locations(&dirs, &ndirs, cfg, err)) == 0)
		rc = gitref_each(cfg, ref, dirs, ndirs, recursive,
		    gitref_script, &s, NULL, err);
	graph_locations_free(dirs, ndirs);
	if (rc != 0) {
		gitref_scripts_free(s.v, s.n);
		return rc;
	}
	*out = s.v;
	*n = s.n;
	return 0;
}

void
gitref_scripts_free(struct script **v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		script_free(v[i]);
	xfree(v);
}

/* A model file at the ref, written under the temporary folder. */
static int
gitref_write(const char *path, const char *rel, char *text, size_t len,
    void *arg, struct err *err)
{
	const struct gitref_model	*m = arg;
	struct strbuf			 dst = STRBUF_INIT;
	char				*p;
	int				 fd, rc = 0;

	(void)path;
	strbuf_addf(&dst, "%s/%s", m->tmp, rel);
	for (p = dst.buf + strlen(m->tmp) + 1; (p = strchr(p, '/')) != NULL;
	    p++) {
		*p = '\0';
		(void)mkdir(dst.buf, 0700);
		*p = '/';
	}
	if ((fd = open(dst.buf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) < 0 || write(fd, text, len) != (ssize_t)len)
		rc = err_set(err, MG_EIO, "cannot write '%s': %s", dst.buf,
		    strerror(errno));
	if (fd >= 0 && close(fd) != 0 && rc == 0)
		rc = err_set(err, MG_EIO, "cannot write '%s': %s", dst.buf,
		    strerror(errno));
	strbuf_release(&dst);
	xfree(text);
	return rc;
}

int
gitref_model(struct gitref_model *out, const struct config *cfg,
    enum sql_flavor flavor, const char *ref, struct err *err)
{
	struct strbuf	 where = STRBUF_INIT;
	const char	*tmpdir = getenv("TMPDIR"), *rest = "";
	char		*models, *glob, *slash;
	size_t		 found = 0;
	int		 rc;

	memset(out, 0, sizeof *out);
	out->ref = ref;
	if ((models = config_get_path(cfg, "models")) == NULL)
		return 0;	/* no model, there as here */
	/* a glob: the folder before its first pattern, then the rest */
	if ((glob = strpbrk(models, "*?[")) != NULL) {
		char	 c = *glob;

		*glob = '\0';
		slash = strrchr(models, '/');
		*glob = c;
		if (slash == NULL) {
			xfree(models);
			return err_set(err, MG_ECONFIG, "models must be a path "
			    "for --from-ref");
		}
		*slash = '\0';
		rest = slash + 1;
	}
	out->dir = xstrdup(models);
	if (tmpdir == NULL || *tmpdir != '/')
		tmpdir = "/tmp";
	strbuf_addf(&where, "%s/migrate-ref-XXXXXX", tmpdir);
	if (mkdtemp(where.buf) == NULL) {
		rc = err_set(err, MG_EIO, "cannot create a folder in '%s': %s",
		    tmpdir, strerror(errno));
		goto done;
	}
	out->tmp = xstrdup(where.buf);
	/* below the folder only as deep as the pattern goes */
	if ((rc = gitref_each(cfg, ref, &out->dir, 1, strchr(rest, '/') !=
	    NULL, gitref_write, out, &found, err)) != 0)
		goto done;
	out->missing = found == 0;
	if (*rest != '\0')
		strbuf_addf(&where, "/%s", rest);
	rc = model_files_at(&out->files, where.buf, flavor, err);
done:
	strbuf_release(&where);
	xfree(models);
	return rc;
}

void
gitref_model_error(const struct gitref_model *m, struct err *err)
{
	size_t		 n = m->tmp != NULL ? strlen(m->tmp) : 0;
	struct strbuf	 sb = STRBUF_INIT;

	if (err->code == 0 || n == 0)
		return;
	/* the temporary folder, wherever it shows, is the model's */
	strbuf_addstr(&sb, err->msg);
	strbuf_replace(&sb, m->tmp, m->dir);
	xfree(err->msg);
	err->msg = strbuf_detach(&sb, NULL);
	if (err->path == NULL || strncmp(err->path, m->tmp, n) != 0 ||
	    err->path[n] != '/')
		return;
	strbuf_addstr(&sb, m->dir);
	strbuf_addstr(&sb, err->path + n);
	xfree(err->path);
	err->path = strbuf_detach(&sb, NULL);
	err_wrap(err, err->code, "at %s", m->ref);
}

static int
gitref_rm(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	if (flag == FTW_DP)
		(void)rmdir(path);
	else
		(void)unlink(path);
	return 0;
}

void
gitref_model_release(struct gitref_model *m)
{
	if (m->tmp != NULL)
		(void)nftw(m->tmp, gitref_rm, 16, FTW_DEPTH | FTW_PHYS);
	xfree(m->tmp);
	xfree(m->dir);
	strv_release(&m->files);
	memset(m, 0, sizeof *m);
}

/* One value of the git configuration, or NULL. */
static char *
gitref_config_get(const struct gitref_lib *lib, git_config *cfg,
    const char *key)
{
	git_buf	 buf = { NULL, 0, 0 };
	char	*v = NULL;

	if (cfg != NULL && lib->git_config_get_string_buf(&buf, cfg,
	    key) == 0 && buf.ptr != NULL && *buf.ptr != '\0')
		v = xstrdup(buf.ptr);
	lib->git_buf_dispose(&buf);
	return v;
}

/*
 * The environment first, as git: libgit2 is loaded only when it leaves
 * something to look up in the configuration. When libgit2 cannot be
 * loaded, the environment's alone (a revision need not fail for want of
 * its author).
 */
char *
gitref_author(const struct config *cfg)
{
	struct gitref_lib	 lib;
	struct err		 lerr = ERR_INIT;
	git_repository		*repo = NULL;
	git_config		*gc = NULL;
	struct strbuf		 sb = STRBUF_INIT;
	const char		*env;
	char			*name = NULL, *email = NULL;

	if ((env = getenv("GIT_AUTHOR_NAME")) != NULL && *env != '\0')
		name = xstrdup(env);
	if ((env = getenv("GIT_AUTHOR_EMAIL")) != NULL && *env != '\0')
		email = xstrdup(env);
	/* then user.name and user.email */
	if ((name == NULL || email == NULL) &&
	    gitref_lib_open(&lib, &lerr) == 0) {
		if (lib.git_repository_open_ext(&repo, cfg->here, 0,
		    NULL) == 0)
			(void)lib.git_repository_config(&gc, repo);
		else
			(void)lib.git_config_open_default(&gc);
		if (name == NULL)
			name = gitref_config_get(&lib, gc, "user.name");
		if (email == NULL)
			email = gitref_config_get(&lib, gc, "user.email");
		lib.git_config_free(gc);
		lib.git_repository_free(repo);
		gitref_lib_close(&lib);
	}
	err_release(&lerr);
	if (name != NULL)
		strbuf_addstr(&sb, name);
	if (email != NULL)
		strbuf_addf(&sb, "%s<%s>", name != NULL ? " " : "", email);
	/* one line of the header, whatever the configuration holds */
	strbuf_replace(&sb, "\r", " ");
	strbuf_replace(&sb, "\n", " ");
	xfree(name);
	xfree(email);
	if (sb.len == 0) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb, NULL);
}
