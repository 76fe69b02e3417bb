/*
 * migrate revision -m MSG: write a new revision script on top of the head
 * (or --head), from the project's template or the built-in one. The
 * writing is shared with merge.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "gitref.h"
#include "lint.h"

static int	cmd_revision_exec(struct cmd_ctx *, struct args *,
		    struct err *);

static const struct cmd_opt cmd_revision_opts[] = {
	{ "message", 'm', "message", "what the revision does" },
	{ "head", 0, "revision", "the head to build on (default: head; "
	    "base starts a new branch)" },
	{ "splice", 0, NULL, "allow --head to name a revision that is not "
	    "a head (creates a branch)" },
	{ "branch-label", 0, "label", "give the new revision a branch label" },
	{ "depends-on", 0, "revision", "a revision or label this one depends "
	    "on (repeat or separate by commas)" },
	{ "rev-id", 0, "id", "use this id instead of a random one" },
	{ "version-path", 0, "dir", "write into this version location" },
	{ "autogenerate", 0, NULL, "write the SQL that makes the database "
	    "equal to the model (and back)" },
	{ "allow-empty", 0, NULL, "with --autogenerate, write a revision even "
	    "when nothing differs" },
	{ "rebase", 0, "revision", "move this revision onto the head(s) "
	    "built since on its parents (--head picks one), rewriting its "
	    "Revises, and write nothing else" },
	{ "rename", 0, "old=new", "with --autogenerate, a table (t=u) or "
	    "column (t.a=t.b) of the database is the model's under a new name "
	    "(repeatable)" },
	{ NULL, 0, NULL, NULL }
};

const struct cmd_entry cmd_revision_entry = {
	.name = "revision",
	.usage = "-m message [--autogenerate [--allow-empty] [--rename old=new]] "
	    "| --rebase revision "
	    "[--head rev] "
	    "[--splice] [--branch-label label] [--depends-on rev] [--rev-id id] "
	    "[--version-path dir]",
	.summary = "Create a new revision script.",
	.opts = cmd_revision_opts,
	.nargs_min = 0,
	.nargs_max = 0,
	.flags = CMD_NEEDS_CONFIG | CMD_CONFIG_OPTIONAL,
	.exec = cmd_revision_exec
};

/* 12 random hex digits, as Alembic's uuid4().hex[-12:]. */
static int
cmd_revision_random_id(char out[13], struct err *err)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 b[6];
	ssize_t			 n;
	int			 fd, i;

	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) < 0)
		return err_set(err, MG_EIO, "cannot open /dev/urandom: %s",
		    strerror(errno));
	n = read(fd, b, sizeof b);
	close(fd);
	if (n != (ssize_t)sizeof b)
		return err_set(err, MG_EIO, "cannot read /dev/urandom");
	for (i = 0; i < 6; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[12] = '\0';
	return 0;
}

/* "2026-11-25 10:02:11.089406+00:00" in the configured timezone. */
static int
cmd_revision_date(struct strbuf *out, struct tm *tm, time_t *when,
    const struct config *cfg, struct err *err)
{
	const char	*tz = config_get(cfg, "timezone");
	struct timespec	 ts;
	char		 buf[64], zone[8];
	struct stat	 st;
	struct strbuf	 path = STRBUF_INIT;
	int		 bad = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	*when = ts.tv_sec;
	if (tz == NULL || *tz == '\0' || strcasecmp(tz, "UTC") == 0) {
		gmtime_r(&ts.tv_sec, tm);
		strbuf_addstr(&path, "+0000");
	} else {
		/* a zone name must be one the system knows */
		if (strpbrk(tz, "0123456789") == NULL) {
			strbuf_addf(&path, "/usr/share/zoneinfo/%s", tz);
			bad = tz[0] == '/' || strstr(tz, "..") != NULL ||
			    stat(path.buf, &st) != 0;
		}
		if (bad) {
			const struct config_entry *e = config_find(cfg,
			    "timezone");

			strbuf_release(&path);
			err_set(err, MG_ECONFIG, "unknown timezone '%s'", tz);
			err_set_path(err, cfg->path, e->line);
			return MG_ECONFIG;
		}
		setenv("TZ", tz, 1);
		tzset();
		localtime_r(&ts.tv_sec, tm);
		strbuf_reset(&path);
		strftime(zone, sizeof zone, "%z", tm);
		strbuf_addstr(&path, zone);
	}
	strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", tm);
	strbuf_addf(out, "%s.%06ld%.3s:%.2s", buf, ts.tv_nsec / 1000,
	    path.buf, path.buf + 3);
	strbuf_release(&path);
	return 0;
}

/* The folder for the new script: --version-path, the parent's, or the first. */
static int
cmd_revision_dir(char **out, const struct cmd_ctx *ctx,
    const struct revision_new *rn, struct err *err)
{
	char		**locs = NULL, real[PATH_MAX], want[PATH_MAX], *slash;
	size_t		  nlocs = 0, i;
	int		  rc;

	*out = NULL;
	if ((rc = graph_locations(&locs, &nlocs, ctx->config, err)) != 0)
		return rc;
	if (rn->version_path != NULL) {
		if (realpath(rn->version_path, want) == NULL) {
			rc = err_set(err, MG_EUSAGE, "--version-path '%s': %s",
			    rn->version_path, strerror(errno));
			goto done;
		}
		for (i = 0; i < nlocs; i++) {
			if (realpath(locs[i], real) != NULL &&
			    strcmp(real, want) == 0)
				*out = xstrdup(locs[i]);
		}
		if (*out == NULL)
			rc = err_set(err, MG_EUSAGE, "--version-path '%s' is "
			    "not one of the version locations in "
			    "migrate.ini", rn->version_path);
		goto done;
	}
	if (nlocs > 1 && rn->parents.n == 0) {
		rc = err_set(err, MG_EUSAGE, "Multiple version locations "
		    "present, please specify --version-path");
		goto done;
	}
	if (nlocs > 1) {
		/* a branch grows in the folder of its (first) head */
		*out = xstrdup(rn->parents.v[0]->script->path);
		if ((slash = strrchr(*out, '/')) != NULL)
			*slash = '\0';
		goto done;
	}
	*out = xstrdup(locs[0]);
done:
	graph_locations_free(locs, nlocs);
	return rc;
}

/* The template: script_location/revision.sql.tmpl, or the built-in one. */
static int
cmd_revision_template(struct strbuf *out, char **name,
    const struct config *cfg, struct err *err)
{
	const struct template_file	*t;
	char				*loc = config_get_path(cfg,
	    "script_location");
	struct strbuf			 path = STRBUF_INIT;
	int				 rc = 0;

	strbuf_addf(&path, "%s/revision.sql.tmpl", loc);
	xfree(loc);
	if (access(path.buf, F_OK) == 0) {
		if (strbuf_read_file(out, path.buf) != 0)
			rc = err_set(err, MG_EIO, "cannot read '%s': %s",
			    path.buf, strerror(errno));
		*name = strbuf_detach(&path, NULL);
		return rc;
	}
	strbuf_release(&path);
	if ((t = template_find("revision.sql.tmpl")) == NULL)
		BUG("revision.sql.tmpl is not built in");
	strbuf_add(out, t->text, t->len);
	*name = xstrdup("(built-in revision.sql.tmpl)");
	return 0;
}

/*
 * Write text to dir/name through a temp file beside it: never half a
 * file. A new file (mode 0) is 0644 and never replaces one that exists;
 * otherwise it replaces the file there, keeping mode.
 */
static int
cmd_revision_write_file(const char *dir, const char *name, const char *text,
    size_t len, mode_t mode, struct err *err)
{
	struct strbuf	 tmp = STRBUF_INIT, dst = STRBUF_INIT;
	int		 fd = -1, rc = 0;

	strbuf_addf(&tmp, "%s/.%s.tmp%ld", dir, name, (long)getpid());
	strbuf_addf(&dst, "%s/%s", dir, name);
	if ((fd = open(tmp.buf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0644)) < 0) {
		rc = err_set(err, MG_EIO, "cannot create '%s': %s", tmp.buf,
		    strerror(errno));
		strbuf_release(&tmp);	/* not ours: leave it */
		goto done;
	}
	if (write(fd, text, len) != (ssize_t)len ||
	    (mode != 0 && fchmod(fd, mode & 07777) != 0) || fsync(fd) != 0) {
		rc = err_set(err, MG_EIO, "cannot write '%s': %s", tmp.buf,
		    strerror(errno));
		goto done;
	}
	if (close(fd) != 0) {
		fd = -1;
		rc = err_set(err, MG_EIO, "cannot write '%s': %s", tmp.buf,
		    strerror(errno));
		goto done;
	}
	fd = -1;
	/* link() refuses to replace a file that exists */
	if (mode == 0 && link(tmp.buf, dst.buf) != 0)
		rc = err_set(err, errno == EEXIST ? MG_EUSAGE : MG_EIO,
		    "cannot create '%s': %s", dst.buf, strerror(errno));
	else if (mode != 0 && rename(tmp.buf, dst.buf) != 0)
		rc = err_set(err, MG_EIO, "cannot rewrite '%s': %s", dst.buf,
		    strerror(errno));
done:
	if (fd >= 0)
		close(fd);
	if (tmp.len > 0)
		unlink(tmp.buf);
	strbuf_release(&tmp);
	strbuf_release(&dst);
	return rc;
}

static void
cmd_revision_join(struct strbuf *out, struct rev *const *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		strbuf_addf(out, "%s%s", i ? ", " : "", v[i]->id);
}

/*
 * The lint of a new script (see check --lint) on the log: warnings only,
 * the revision is written either way.
 */
static void
cmd_revision_lint(struct cmd_ctx *ctx, const struct script *sc,
    const char *dir, const char *name)
{
	struct lint_findings	 f = LINT_FINDINGS_INIT;
	struct err		 err = ERR_INIT;
	struct strbuf		 line = STRBUF_INIT;
	size_t			 i;

	if (lint_script(&f, sc, ctx->conn->dialect->flavor, &err) == 0) {
		for (i = 0; i < f.n; i++) {
			strbuf_reset(&line);
			strbuf_addf(&line, "lint: %s/%s:%u: [%s] %s", dir,
			    name, f.v[i].line, f.v[i].rule, f.v[i].message);
			dialect_comment_end(&line, 0);
			fputs(line.buf, ctx->log);
		}
	}
	lint_findings_release(&f);
	strbuf_release(&line);
	err_release(&err);
}

int
cmd_revision_write(struct cmd_ctx *ctx, const struct graph *g,
    const struct revision_new *rn, struct err *err)
{
	struct strbuf	 date = STRBUF_INIT, fname = STRBUF_INIT;
	struct strbuf	 tmpl = STRBUF_INIT, text = STRBUF_INIT;
	struct strbuf	 down = STRBUF_INIT, msg = STRBUF_INIT;
	struct script	*check = NULL;
	char		 id[SCRIPT_ID_MAX + 1], *slug = NULL, *dir = NULL;
	char		*tname = NULL;
	const char	*vars[21];	/* name, value pairs, NULL */
	char		*author = NULL;
	struct tm	 tm;
	time_t		 when;
	long		 trunc;
	size_t		 i;
	int		 rc, tries;

	if (rn->rev_id != NULL) {
		if (!script_valid_id(rn->rev_id, strlen(rn->rev_id)))
			return err_set(err, MG_EUSAGE, "--rev-id '%s' is not "
			    "a valid revision id (letters, digits and '_', "
			    "at most %d)", rn->rev_id, SCRIPT_ID_MAX);
		for (i = 0; i < g->nrevs; i++) {
			const struct rev *o = g->order[i];

			if (strcmp(o->id, rn->rev_id) == 0)
				return err_set(err, MG_EUSAGE, "revision '%s' "
				    "already exists ('%s')", rn->rev_id,
				    o->script->path);
			/* a file system may not tell their files apart */
			if (strcasecmp(o->id, rn->rev_id) == 0)
				return err_set(err, MG_EUSAGE, "revision id "
				    "'%s' and '%s' of '%s' differ only in case",
				    rn->rev_id, o->id, o->script->path);
		}
		snprintf(id, sizeof id, "%s", rn->rev_id);
	} else {
		for (tries = 0;; tries++) {
			if ((rc = cmd_revision_random_id(id, err)) != 0)
				return rc;
			if (graph_get(g, id) == NULL)
				break;
			if (tries > 100)
				BUG("no free revision id");
		}
	}
	if ((rc = config_get_int(&trunc, ctx->config, "truncate_slug_length",
	    0, 1000, err)) != 0 ||
	    (rc = cmd_revision_date(&date, &tm, &when, ctx->config,
	    err)) != 0 ||
	    (rc = cmd_revision_dir(&dir, ctx, rn, err)) != 0)
		goto done;
	/* one line: a newline in the message would break the header */
	strbuf_addstr(&msg, rn->message != NULL ? rn->message : "");
	strbuf_replace(&msg, "\r", " ");
	strbuf_replace(&msg, "\n", " ");
	slug = script_slug(msg.buf, trunc);
	if (rn->message == NULL)	/* as Alembic; the slug stays empty */
		strbuf_addstr(&msg, "empty message");
	if ((rc = script_file_name(&fname, config_get(ctx->config,
	    "file_template"), id, slug, when, &tm, err)) != 0) {
		const struct config_entry *e = config_find(ctx->config,
		    "file_template");

		err_set_path(err, ctx->config->path, e->line);
		goto done;
	}
	strbuf_addstr(&fname, ".sql");
	cmd_revision_join(&down, rn->parents.v, rn->parents.n);
	if ((rc = cmd_revision_template(&tmpl, &tname, ctx->config,
	    err)) != 0)
		goto done;
	author = gitref_author(ctx->config);
	vars[0] = "message";		vars[1] = msg.buf;
	vars[2] = "rev";		vars[3] = id;
	vars[4] = "down_revision";	vars[5] = down.buf;
	vars[6] = "create_date";	vars[7] = date.buf;
	vars[8] = "branch_labels";	vars[9] = rn->labels ? rn->labels : "";
	vars[10] = "depends_on";	vars[11] = rn->depends ?
	    rn->depends : "";
	vars[12] = "upgrades";		vars[13] = rn->upgrades ?
	    rn->upgrades : "";
	vars[14] = "downgrades";	vars[15] = rn->downgrades ?
	    rn->downgrades : "";
	vars[16] = "up_revision";	vars[17] = id;	/* Alembic's name */
	vars[18] = "author";		vars[19] = author != NULL ? author : "";
	vars[20] = NULL;
	script_render(&text, tmpl.buf, tmpl.len, (const char *const *)vars);
	/* a project's own template must still give a script we can read */
	if ((rc = script_parse(&check, tname, xstrndup(text.buf, text.len),
	    text.len, err)) != 0) {
		err_wrap(err, MG_ECONFIG, "the template does not give a "
		    "valid revision script");
		rc = MG_ECONFIG;
		err->line = 0;	/* a line of the rendered text, not of it */
		goto done;
	}
	if (strcmp(check->rev, id) != 0 || check->ndown != rn->parents.n) {
		rc = err_set(err, MG_ECONFIG, "the template must write "
		    "'Revision ID: ${up_revision}' and 'Revises: "
		    "${down_revision}'");
		err_set_path(err, tname, 0);
		goto done;
	}
	if ((rc = cmd_revision_write_file(dir, fname.buf, text.buf, text.len,
	    0, err)) != 0)
		goto done;
	if (!ctx->quiet)
		fprintf(ctx->log, "  Generating %s/%s ... done\n", dir,
		    fname.buf);
	if (rn->lint && !ctx->quiet && ctx->conn != NULL)
		cmd_revision_lint(ctx, check, dir, fname.buf);
done:
	xfree(author);
	script_free(check);
	strbuf_release(&date);
	strbuf_release(&fname);
	strbuf_release(&tmpl);
	strbuf_release(&text);
	strbuf_release(&down);
	strbuf_release(&msg);
	xfree(slug);
	xfree(dir);
	xfree(tname);
	return rc;
}

/* Check a comma-separated list of new branch labels. */
static int
cmd_revision_labels(const struct graph *g, const char *labels,
    struct err *err)
{
	const char	*p = labels;
	size_t		 len;

	while (*p != '\0') {
		p += strspn(p, ", ");
		len = strcspn(p, ", ");
		if (len == 0)
			break;
		if (!script_valid_id(p, len))
			return err_set(err, MG_EUSAGE, "branch label '%.*s' "
			    "is not valid (letters, digits and '_')",
			    (int)len, p);
		if (graph_label(g, p, len) != NULL)
			return err_set(err, MG_EUSAGE, "branch label '%.*s' "
			    "is already used", (int)len, p);
		p += len;
	}
	return 0;
}

/* The parent a new revision builds on, from --head and --splice. */
static int
cmd_revision_parent(struct revset *out, const struct graph *g,
    const char *head, int splice, struct err *err)
{
	struct target	 t;
	int		 rc;

	if (head == NULL && g->nheads > 1)
		return err_set(err, MG_EUSAGE, "Multiple heads are present; "
		    "please specify the head revision on which the new "
		    "revision should be based, or perform a merge.");
	if ((rc = graph_resolve(&t, g, head != NULL ? head : "head", NULL,
	    err)) != 0)
		return rc;
	if (t.revs.n > 1)
		rc = err_set(err, MG_EUSAGE, "'%s' names several revisions; "
		    "a new revision builds on one head", head);
	else if (t.revs.n == 1 && t.revs.v[0]->nchildren > 0 && !splice)
		rc = err_set(err, MG_EUSAGE, "Revision %s is not a head "
		    "revision; please specify --splice to create a new "
		    "branch from this revision", t.revs.v[0]->id);
	else if (t.revs.n == 1)
		revset_add(out, t.revs.v[0]);
	target_release(&t);
	return rc;
}

/*
 * --rebase REV [--head H]: each parent of REV that other work has built
 * on since is replaced by the head that work ends in (H when several do),
 * rewritten in REV's header in place; what stands on REV follows.
 */
static int
cmd_revision_rebase(struct cmd_ctx *ctx, const struct graph *g,
    const char *spec, const char *head, struct err *err)
{
	struct target	 t, h;
	struct revset	 parents = REVSET_INIT, cand = REVSET_INIT;
	struct strbuf	 now = STRBUF_INIT, want = STRBUF_INIT;
	struct strbuf	 text = STRBUF_INIT, dir = STRBUF_INIT;
	const struct rev *r;
	unsigned char	*above, *below;
	const char	*base;
	struct stat	 st;
	size_t		 i, j, np;
	int		 rc, head_used = 0;

	memset(&t, 0, sizeof t);
	memset(&h, 0, sizeof h);
	above = xcalloc(g->nrevs + 1, 1);
	below = xcalloc(g->nrevs + 1, 1);
	if ((rc = graph_resolve(&t, g, spec, NULL, err)) != 0 ||
	    (head != NULL && (rc = graph_resolve(&h, g, head, NULL,
	    err)) != 0))
		goto done;
	if (t.revs.n != 1 || (head != NULL && h.revs.n != 1)) {
		rc = err_set(err, MG_EUSAGE, "%s '%s' must name one revision",
		    t.revs.n != 1 ? "--rebase" : "--head", t.revs.n != 1 ?
		    spec : head);
		goto done;
	}
	r = t.revs.v[0];
	graph_descendants(above, g, r, 0);	/* what stands on r */
	/* a base revision is taken as standing on every root */
	np = r->nparents > 0 ? r->nparents : 1;
	for (i = 0; i < np; i++) {
		struct rev	*p = r->nparents > 0 ? r->parents[i] : NULL;

		cand.n = 0;
		memset(below, 0, g->nrevs + 1);
		if (p != NULL)	/* its branch: what revises it, not deps */
			cmd_revises_above(below, g, p);
		for (j = 0; j < g->nheads; j++) {
			if (!above[g->heads[j]->index] &&
			    (p == NULL || below[g->heads[j]->index]))
				revset_add(&cand, g->heads[j]);
		}
		if (cand.n == 0 && p != NULL) {
			revset_add(&parents, p);	/* nothing new there */
			continue;
		}
		if (cand.n == 0)
			continue;
		if (head != NULL && revset_has(&cand, h.revs.v[0])) {
			cand.v[0] = h.revs.v[0];
			cand.n = 1;
			head_used = 1;
		}
		if (cand.n > 1) {
			struct strbuf	 names = STRBUF_INIT;

			for (j = 0; j < cand.n; j++)
				strbuf_addf(&names, "%s%s", j ? ", " : "",
				    cand.v[j]->id);
			rc = err_set(err, MG_EUSAGE, "%s%s has several heads "
			    "above it (%s): name the one to build on with "
			    "--head", p != NULL ? "the parent " : "the base",
			    p != NULL ? p->id : "", names.buf);
			strbuf_release(&names);
			goto done;
		}
		if (!revset_has(&parents, cand.v[0]))
			revset_add(&parents, cand.v[0]);
	}
	if (head != NULL && !head_used) {
		rc = err_set(err, MG_EUSAGE, "--head %s is not a head built "
		    "on a parent of %s", h.revs.v[0]->id, r->id);
		goto done;
	}
	for (i = 0; i < r->nparents; i++)
		strbuf_addf(&now, "%s%s", i ? ", " : "", r->parents[i]->id);
	for (i = 0; i < parents.n; i++)
		strbuf_addf(&want, "%s%s", i ? ", " : "", parents.v[i]->id);
	if (strcmp(now.buf, want.buf) == 0) {
		if (!ctx->quiet)
			fprintf(ctx->log, "%s already builds on %s: nothing "
			    "to rebase\n", r->id, now.len ? now.buf :
			    "the base");
		goto done;
	}
	/* the Revises value in the header, as the parser found it */
	if ((rc = script_load_body(r->script, err)) != 0)
		goto done;
	strbuf_add(&text, r->script->text, r->script->revises_at);
	if (r->script->revises_at > 0 && r->script->text[
	    r->script->revises_at - 1] == ':')
		strbuf_addch(&text, ' ');	/* "-- Revises:" was empty */
	strbuf_add(&text, want.buf, want.len);
	strbuf_addstr(&text, r->script->text + r->script->revises_at +
	    r->script->revises_len);
	if (lstat(r->script->path, &st) != 0) {
		rc = err_set(err, MG_EIO, "cannot read '%s': %s",
		    r->script->path, strerror(errno));
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = err_set(err, MG_EUSAGE, "'%s' is not a regular file (a "
		    "symbolic link?): rebase the file itself",
		    r->script->path);
		goto done;
	}
	base = strrchr(r->script->path, '/');
	if (base != NULL)
		strbuf_add(&dir, r->script->path,
		    (size_t)(base - r->script->path));
	else
		strbuf_addch(&dir, '.');
	if ((rc = cmd_revision_write_file(dir.buf, base != NULL ? base + 1 :
	    r->script->path, text.buf, text.len, st.st_mode, err)) != 0)
		goto done;
	if (!ctx->quiet)
		fprintf(ctx->log, "Rebased %s onto %s (%s)\n", r->id,
		    want.buf, r->script->path);
done:
	target_release(&t);
	target_release(&h);
	revset_release(&parents);
	revset_release(&cand);
	xfree(above);
	xfree(below);
	strbuf_release(&now);
	strbuf_release(&want);
	strbuf_release(&text);
	strbuf_release(&dir);
	return rc;
}

static int
cmd_revision_exec(struct cmd_ctx *ctx, struct args *args, struct err *err)
{
	struct graph		*g = NULL;
	struct revision_new	 rn;
	struct cmd_compare	 cmp;
	struct strbuf		 deps = STRBUF_INIT, down = STRBUF_INIT;
	struct strv		 renames = { NULL, 0 };
	struct target		 t;
	size_t			 i;
	int			 rc;

	memset(&rn, 0, sizeof rn);
	memset(&t, 0, sizeof t);
	memset(&cmp, 0, sizeof cmp);
	rn.message = args_get(args, "message");
	rn.rev_id = args_get(args, "rev-id");
	rn.labels = args_get(args, "branch-label");
	rn.version_path = args_get(args, "version-path");
	if ((rc = graph_load(&g, ctx->config, err)) != 0)
		goto done;
	if (args_get(args, "rebase") != NULL) {
		rc = cmd_revision_rebase(ctx, g, args_get(args, "rebase"),
		    args_get(args, "head"), err);
		goto done;
	}
	if (rn.labels != NULL &&
	    (rc = cmd_revision_labels(g, rn.labels, err)) != 0)
		goto done;
	if ((rc = cmd_revision_parent(&rn.parents, g, args_get(args, "head"),
	    args_has(args, "splice"), err)) != 0)
		goto done;
	/* --depends-on: ids by their full id, labels as written */
	for (i = 0; i < args->nvals; i++) {
		const char	*p, *v;
		size_t		 len;
		char		*one;

		if (strcmp(args->vals[i].opt->name, "depends-on") != 0)
			continue;
		for (v = args->vals[i].value; *v != '\0'; v = p + len) {
			p = v + strspn(v, ", ");
			if ((len = strcspn(p, ", ")) == 0)
				break;
			one = xstrndup(p, len);
			if (graph_label(g, p, len) != NULL) {
				strbuf_addf(&deps, "%s%s", deps.len ? ", " :
				    "", one);
			} else if ((rc = graph_resolve(&t, g, one, NULL,
			    err)) == 0 && t.revs.n == 1) {
				strbuf_addf(&deps, "%s%s", deps.len ? ", " :
				    "", t.revs.v[0]->id);
			} else if (rc == 0) {
				rc = err_set(err, MG_EUSAGE, "--depends-on "
				    "'%s' must name one revision", one);
			}
			target_release(&t);
			xfree(one);
			if (rc != 0)
				goto done;
		}
	}
	rn.depends = deps.len > 0 ? deps.buf : NULL;
	args_values(args, "rename", &renames);
	if (args_has(args, "autogenerate")) {
		if ((rc = cmd_compare(&cmp, ctx, &renames, err)) != 0)
			goto done;
		if (cmp.nops == 0 && !args_has(args, "allow-empty")) {
			if (!ctx->quiet)
				fprintf(ctx->log, "No changes detected\n");
			goto done;
		}
		strbuf_rtrim(&cmp.upgrade);
		strbuf_rtrim(&cmp.downgrade);
		if (cmp.nwarnings > 0)
			strbuf_addstr(&down, "-- The upgrade drops data: what "
			    "it dropped does not come back.\n");
		strbuf_add(&down, cmp.downgrade.buf, cmp.downgrade.len);
		rn.upgrades = cmp.upgrade.buf;
		rn.downgrades = down.buf;
		rn.lint = 1;
	} else if (args_has(args, "allow-empty") || renames.n > 0) {
		rc = err_set(err, MG_EUSAGE, "--%s goes with --autogenerate",
		    renames.n > 0 ? "rename" : "allow-empty");
		goto done;
	}
	rc = cmd_revision_write(ctx, g, &rn, err);
done:
	cmd_compare_release(&cmp);
	strv_release(&renames);
	revset_release(&rn.parents);
	strbuf_release(&deps);
	strbuf_release(&down);
	graph_free(g);
	return rc;
}
