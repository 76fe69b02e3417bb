/*
 * migrate init [DIR]: start a project in DIR from the templates compiled
 * into the binary: migrate.ini, and migrations/ with its README, the
 * revision template, versions/ and models/. It overwrites nothing: when a
 * file it would write is already there, it writes nothing at all.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

static int	cmd_init_exec(struct cmd_ctx *, struct args *, struct err *);

const struct cmd_entry cmd_init_entry = {
	.name = "init",
	.usage = "[dir]",
	.summary = "Create migrate.ini and migrations/ in dir (default .).",
	.opts = NULL,
	.nargs_min = 0,
	.nargs_max = 1,
	.flags = 0,		/* needs no migrate.ini, reads none */
	.exec = cmd_init_exec
};

/* The folders init makes under DIR, parents first. */
static const char *const cmd_init_dirs[] = {
	"migrations",
	"migrations/versions",
	"migrations/models",
	NULL
};

/* The files init writes under DIR, and the template each comes from. */
static const struct {
	const char	*tmpl;
	const char	*path;
} cmd_init_files[] = {
	{ "init/migrate.ini",	"migrate.ini" },
	{ "init/README",	"migrations/README" },
	{ "revision.sql.tmpl",	"migrations/revision.sql.tmpl" },
	{ NULL, NULL }
};

/* What init has made so far, so that a failure can take it back. */
struct cmd_init_made {
	struct {
		char	*path;
		int	 dir;
	}		*v;
	size_t		 n;
	size_t		 alloc;
	FILE		*log;		/* NULL with -q */
};

/* DIR/rel as shown to the user: plain rel when DIR is ".". Caller frees. */
static char *
cmd_init_path(const char *dir, const char *rel)
{
	struct strbuf	 sb = STRBUF_INIT;
	size_t		 len = strlen(dir);

	if (strcmp(dir, ".") == 0)
		strbuf_addstr(&sb, rel);
	else if (len > 0 && dir[len - 1] == '/')
		strbuf_addf(&sb, "%s%s", dir, rel);
	else
		strbuf_addf(&sb, "%s/%s", dir, rel);
	return strbuf_detach(&sb, NULL);
}

static void
cmd_init_record(struct cmd_init_made *made, const char *path, int dir)
{
	XGROW(made->v, made->alloc, made->n + 1);
	made->v[made->n].path = xstrdup(path);
	made->v[made->n].dir = dir;
	made->n++;
	if (made->log != NULL)
		fprintf(made->log, "  %s '%s' ... done\n",
		    dir ? "Creating directory" : "Generating", path);
}

/* Take back what was made, newest first: init leaves all or nothing. */
static void
cmd_init_undo(struct cmd_init_made *made)
{
	size_t	 i;
	int	 rc;

	for (i = made->n; i > 0; i--) {
		if (made->v[i - 1].dir)
			rc = rmdir(made->v[i - 1].path);
		else
			rc = unlink(made->v[i - 1].path);
		if (rc == 0 && made->log != NULL)
			fprintf(made->log, "  Removing '%s' ... done\n",
			    made->v[i - 1].path);
	}
}

static void
cmd_init_made_release(struct cmd_init_made *made)
{
	size_t	 i;

	for (i = 0; i < made->n; i++)
		xfree(made->v[i].path);
	xfree(made->v);
	made->v = NULL;
	made->n = made->alloc = 0;
}

/*
 * Whether path is taken: 1 if anything is there (a symlink too, dangling
 * or not; with dir_ok, a real directory is not taken), 0 if not, or
 * MG_EIO when it cannot be told.
 */
static int
cmd_init_taken(const char *path, int dir_ok, struct err *err)
{
	struct stat	 st;

	if (lstat(path, &st) == 0)
		return !(dir_ok && S_ISDIR(st.st_mode));
	if (errno == ENOENT || errno == ENOTDIR)
		return 0;	/* ENOTDIR: a parent is taken, and reported */
	return err_set(err, MG_EIO, "cannot look at '%s': %s", path,
	    strerror(errno));
}

static int
cmd_init_check_one(struct cmd_init_made *taken, const char *dir,
    const char *rel, int dir_ok, struct err *err)
{
	char	*path = cmd_init_path(dir, rel);
	int	 rc;

	rc = cmd_init_taken(path, dir_ok, err);
	if (rc > 0)
		cmd_init_record(taken, path, dir_ok);
	xfree(path);
	return rc < 0 ? rc : 0;
}

/*
 * Look at every target before touching anything. Returns 0, MG_EUSAGE
 * naming everything in the way, or MG_EIO.
 */
static int
cmd_init_check(const char *dir, struct err *err)
{
	struct cmd_init_made	 taken = { NULL, 0, 0, NULL };
	struct strbuf		 names = STRBUF_INIT;
	struct stat		 st;
	size_t			 i;
	int			 rc = 0;

	if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
		return err_set(err, MG_EUSAGE, "init: '%s' is not a "
		    "directory", dir);
	for (i = 0; rc == 0 && cmd_init_dirs[i] != NULL; i++)
		rc = cmd_init_check_one(&taken, dir, cmd_init_dirs[i], 1, err);
	for (i = 0; rc == 0 && cmd_init_files[i].path != NULL; i++)
		rc = cmd_init_check_one(&taken, dir, cmd_init_files[i].path,
		    0, err);
	if (rc == 0 && taken.n > 0) {
		for (i = 0; i < taken.n; i++)
			strbuf_addf(&names, "%s'%s'", i == 0 ? "" :
			    i + 1 < taken.n ? ", " : " and ",
			    taken.v[i].path);
		rc = err_set(err, MG_EUSAGE, "init: %s already exist%s; "
		    "not overwriting", names.buf, taken.n > 1 ? "" : "s");
	}
	strbuf_release(&names);
	cmd_init_made_release(&taken);
	return rc;
}

/*
 * Make the folder path, or accept it if it is one already (through a
 * symlink only with follow). Returns 0 or MG_EIO.
 */
static int
cmd_init_mkdir(struct cmd_init_made *made, const char *path, int follow,
    struct err *err)
{
	struct stat	 st;
	int		 e;

	if (mkdir(path, 0755) == 0) {
		cmd_init_record(made, path, 1);
		return 0;
	}
	e = errno;
	if (e == EEXIST && (follow ? stat(path, &st) :
	    lstat(path, &st)) == 0 && S_ISDIR(st.st_mode))
		return 0;
	return err_set(err, MG_EIO, "cannot create directory '%s': %s", path,
	    strerror(e));
}

/* mkdir -p: DIR and its missing parents. */
static int
cmd_init_mkdirs(struct cmd_init_made *made, const char *dir, struct err *err)
{
	char	*p = xstrdup(dir), *s, c;
	int	 rc = 0;

	for (s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		if (s[-1] == '/') {
			/* a repeated or trailing slash */
			if (*s == '\0')
				break;
			continue;
		}
		c = *s;
		*s = '\0';
		rc = cmd_init_mkdir(made, p, 1, err);
		*s = c;
		if (rc != 0 || c == '\0')
			break;
	}
	xfree(p);
	return rc;
}

/*
 * Write t to path through a temporary file in the same folder, so that
 * path is either whole or absent. The temporary file is opened with
 * O_EXCL|O_NOFOLLOW, and put in place with link(), which fails rather
 * than replace a file that appeared since cmd_init_check (as git's
 * finalize_object_file does); rename() only where the file system has no
 * hard links. Returns 0, MG_EUSAGE if path appeared, or MG_EIO.
 */
static int
cmd_init_write(struct cmd_init_made *made, const char *path,
    const struct template_file *t, struct err *err)
{
	struct strbuf	 tmp = STRBUF_INIT;
	const char	*slash = strrchr(path, '/'), *p;
	size_t		 dirlen, left;
	ssize_t		 n;
	int		 fd = -1, tries, have_tmp = 0, rc = 0;

	dirlen = slash != NULL ? (size_t)(slash - path) + 1 : 0;
	for (tries = 0; fd < 0 && tries < 100; tries++) {
		strbuf_reset(&tmp);
		strbuf_addf(&tmp, "%.*s.%s.tmp-%ld-%d", (int)dirlen, path,
		    path + dirlen, (long)getpid(), tries);
		fd = open(tmp.buf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0644);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0)
		goto fail;
	have_tmp = 1;
	for (p = t->text, left = t->len; left > 0; p += n, left -= (size_t)n) {
		if ((n = write(fd, p, left)) < 0) {
			if (errno != EINTR)
				goto fail;
			n = 0;
		}
	}
	if (fsync(fd) != 0)
		goto fail;
	rc = close(fd);
	fd = -1;
	if (rc != 0)
		goto fail;
	if (link(tmp.buf, path) == 0) {
		unlink(tmp.buf);
		have_tmp = 0;
	} else if (errno == EEXIST) {
		rc = err_set(err, MG_EUSAGE, "init: '%s' already exists; not "
		    "overwriting", path);
		goto done;
	} else if (errno == EPERM || errno == EOPNOTSUPP || errno == ENOSYS ||
	    errno == EMLINK) {
		if (rename(tmp.buf, path) != 0)
			goto fail;
		have_tmp = 0;
	} else {
		goto fail;
	}
	cmd_init_record(made, path, 0);
	goto done;
fail:
	rc = err_set(err, MG_EIO, "cannot write '%s': %s", path,
	    strerror(errno));
done:
	if (fd >= 0)
		close(fd);
	if (have_tmp)
		unlink(tmp.buf);
	strbuf_release(&tmp);
	return rc;
}

static int
cmd_init_exec(struct cmd_ctx *ctx, struct args *args, struct err *err)
{
	struct cmd_init_made		 made = { NULL, 0, 0, NULL };
	const struct template_file	*t;
	const char			*dir;
	char				*path = NULL;
	size_t				 i;
	int				 rc;

	dir = args->argc > 0 ? args->argv[0] : ".";
	if (*dir == '\0')
		return err_set(err, MG_EUSAGE, "init: the folder name is "
		    "empty");
	made.log = ctx->quiet ? NULL : ctx->log;
	if ((rc = cmd_init_check(dir, err)) != 0)
		goto done;
	if ((rc = cmd_init_mkdirs(&made, dir, err)) != 0)
		goto done;
	for (i = 0; cmd_init_dirs[i] != NULL; i++) {
		path = cmd_init_path(dir, cmd_init_dirs[i]);
		if ((rc = cmd_init_mkdir(&made, path, 0, err)) != 0)
			goto done;
		xfree(path);
		path = NULL;
	}
	for (i = 0; cmd_init_files[i].path != NULL; i++) {
		if ((t = template_find(cmd_init_files[i].tmpl)) == NULL)
			BUG("template '%s' is not compiled in",
			    cmd_init_files[i].tmpl);
		path = cmd_init_path(dir, cmd_init_files[i].path);
		if ((rc = cmd_init_write(&made, path, t, err)) != 0)
			goto done;
		xfree(path);
		path = NULL;
	}
	if (made.log != NULL) {
		path = cmd_init_path(dir, "migrate.ini");
		fprintf(made.log, "Please edit the url in '%s' before "
		    "proceeding.\n", path);
	}
done:
	if (rc != 0)
		cmd_init_undo(&made);
	cmd_init_made_release(&made);
	xfree(path);
	return rc;
}
