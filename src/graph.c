/*
 * The revision graph: every script under the version locations linked by
 * Revises and Depends On; heads, bases and branch labels; Alembic's
 * revision specs; and the steps that take a database from one set of
 * version rows to a target.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hdrcache.h"
#include "migrate.h"

/* Case-insensitive FNV-1a: ids that differ only in case collide. */
static size_t
graph_hash(const char *s, size_t len)
{
	unsigned long long	 h = 1469598103934665603ULL;
	size_t			 i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)tolower((unsigned char)s[i]);
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

static struct rev *
graph_find_n(const struct graph *g, const char *id, size_t len)
{
	size_t		 i;
	struct rev	*r;

	if (g->nslots == 0)
		return NULL;
	i = graph_hash(id, len) & (g->nslots - 1);
	while ((r = g->slots[i]) != NULL) {
		if (strlen(r->id) == len && strncasecmp(r->id, id, len) == 0)
			return r;
		i = (i + 1) & (g->nslots - 1);
	}
	return NULL;
}

struct rev *
graph_get(const struct graph *g, const char *id)
{
	return graph_find_n(g, id, strlen(id));
}

static void
graph_push(struct rev ***v, size_t *n, size_t *alloc, struct rev *r)
{
	if (*n == *alloc) {
		*alloc = *alloc ? *alloc * 2 : 2;
		*v = xrealloc(*v, *alloc * sizeof **v);
	}
	(*v)[(*n)++] = r;
}

void
revset_add(struct revset *s, struct rev *r)
{
	size_t	 i;

	for (i = 0; i < s->n; i++) {
		if (s->v[i] == r)
			return;
	}
	graph_push(&s->v, &s->n, &s->alloc, r);
}

int
revset_has(const struct revset *s, const struct rev *r)
{
	size_t	 i;

	for (i = 0; i < s->n; i++) {
		if (s->v[i] == r)
			return 1;
	}
	return 0;
}

void
revset_release(struct revset *s)
{
	xfree(s->v);
	s->v = NULL;
	s->n = s->alloc = 0;
}

void
graph_free(struct graph *g)
{
	size_t	 i;

	if (g == NULL)
		return;
	for (i = 0; i < g->nrevs; i++)
		script_free(g->revs[i].script);
	xfree(g->below);
	xfree(g->above);
	for (i = 0; i < g->nlabels; i++)
		xfree(g->labels[i].member);
	xfree(g->labels);
	xfree(g->revs);
	xfree(g->order);
	xfree(g->slots);
	xfree(g->heads);
	xfree(g->bases);
	xfree(g);
}

const struct graph_label *
graph_label(const struct graph *g, const char *name, size_t len)
{
	size_t	 i;

	for (i = 0; i < g->nlabels; i++) {
		if (strlen(g->labels[i].name) == len &&
		    strncmp(g->labels[i].name, name, len) == 0)
			return &g->labels[i];
	}
	return NULL;
}

/*
 * The error in err, about r's file at line: the build stops on it, or,
 * collecting problems, it becomes one and the build goes on (0).
 */
static int
graph_error_at(struct graph *g, struct err *err, const struct rev *r,
    unsigned line)
{
	err_set_path(err, r->script->path, line);
	if (g->problems == NULL)
		return err->code;
	err_format(g->problems, err);
	strbuf_addch(g->problems, '\n');
	err_release(err);
	return 0;
}

/* Index every id; a duplicate (or one differing only in case) fails. */
static int
graph_index(struct graph *g, struct err *err)
{
	size_t		 i, j;
	struct rev	*r, *o;
	int		 rc;

	g->nslots = 16;
	while (g->nslots < g->nrevs * 2)
		g->nslots *= 2;
	g->slots = xcalloc(g->nslots, sizeof *g->slots);
	for (i = 0; i < g->nrevs; i++) {
		r = &g->revs[i];
		j = graph_hash(r->id, strlen(r->id)) & (g->nslots - 1);
		while ((o = g->slots[j]) != NULL &&
		    strcasecmp(o->id, r->id) != 0)
			j = (j + 1) & (g->nslots - 1);
		if (o == NULL) {
			g->slots[j] = r;
			continue;
		}
		err_set(err, MG_ECONFIG, "revision id '%s' is also the id of "
		    "'%s'%s", r->id, o->script->path, strcmp(o->id, r->id) ?
		    " (ids differ only in case)" : "");
		if ((rc = graph_error_at(g, err, r, r->script->rev_line)) != 0)
			return rc;
	}
	return 0;
}

static int
graph_link(struct graph *g, struct err *err)
{
	const struct graph_label	*l;
	struct rev			*r, *p;
	size_t				 i, j, k, m;
	int				 rc;

	/* labels first: Depends On may name one */
	for (i = 0; i < g->nrevs; i++) {
		r = &g->revs[i];
		for (j = 0; j < r->script->nlabels; j++) {
			const char	*name = r->script->labels[j];

			if ((l = graph_label(g, name, strlen(name))) != NULL) {
				err_set(err, MG_ECONFIG, "branch label '%s' is "
				    "also on revision %s ('%s')", name,
				    l->rev->id, l->rev->script->path);
				if ((rc = graph_error_at(g, err, r,
				    r->script->labels_line)) != 0)
					return rc;
				continue;
			}
			if ((p = graph_get(g, name)) != NULL) {
				err_set(err, MG_ECONFIG, "branch label '%s' is "
				    "the id of revision '%s'", name,
				    p->script->path);
				if ((rc = graph_error_at(g, err, r,
				    r->script->labels_line)) != 0)
					return rc;
				continue;
			}
			g->labels = xrealloc(g->labels, (g->nlabels + 1) *
			    sizeof *g->labels);
			g->labels[g->nlabels].name = name;
			g->labels[g->nlabels].rev = r;
			g->labels[g->nlabels].member = NULL;
			g->nlabels++;
		}
	}
	/* every rev's parents and deps in one array, as named */
	for (i = 0, k = 0; i < g->nrevs; i++)
		k += g->revs[i].script->ndown + g->revs[i].script->ndepends;
	g->below = xcalloc(k + 1, sizeof *g->below);
	for (i = 0, k = 0; i < g->nrevs; i++) {
		r = &g->revs[i];
		r->parents = g->below + k;
		k += r->script->ndown;
		for (j = 0; j < r->script->ndown; j++) {
			if ((p = graph_get(g, r->script->down[j])) == NULL)
				err_set(err, MG_ECONFIG, "revision %s revises "
				    "'%s', which does not exist", r->id,
				    r->script->down[j]);
			else if (p == r)
				err_set(err, MG_ECONFIG, "revision %s revises "
				    "itself", r->id);
			if (p == NULL || p == r) {
				if ((rc = graph_error_at(g, err, r,
				    r->script->revises_line)) != 0)
					return rc;
				continue;
			}
			r->parents[r->nparents++] = p;
			p->nchildren++;
		}
		r->deps = g->below + k;
		k += r->script->ndepends;
		for (j = 0; j < r->script->ndepends; j++) {
			const char	*d = r->script->depends[j];

			if ((p = graph_get(g, d)) == NULL &&
			    (l = graph_label(g, d, strlen(d))) != NULL)
				p = l->rev;
			if (p == NULL) {
				err_set(err, MG_ECONFIG, "revision %s depends "
				    "on '%s', which is neither a revision "
				    "nor a branch label", r->id, d);
				if ((rc = graph_error_at(g, err, r,
				    r->script->depends_line)) != 0)
					return rc;
				continue;
			}
			for (m = 0; m < r->nparents && r->parents[m] != p; m++)
				;
			if (m < r->nparents || p == r)
				continue;	/* already ordered */
			r->deps[r->ndeps++] = p;
			p->ndependents++;
		}
	}
	/* and the other way, children and dependents, in the same order */
	g->above = xcalloc(k + 1, sizeof *g->above);
	for (i = 0, k = 0; i < g->nrevs; i++) {
		r = &g->revs[i];
		r->children = g->above + k;
		k += r->nchildren;
		r->dependents = g->above + k;
		k += r->ndependents;
		r->nchildren = r->ndependents = 0;
	}
	for (i = 0; i < g->nrevs; i++) {
		r = &g->revs[i];
		for (j = 0; j < r->nparents; j++) {
			p = r->parents[j];
			p->children[p->nchildren++] = r;
		}
		for (j = 0; j < r->ndeps; j++) {
			p = r->deps[j];
			p->dependents[p->ndependents++] = r;
		}
	}
	return 0;
}

/* Name one cycle among the revisions Kahn's sort could not place. */
static int
graph_cycle_error(struct graph *g, const unsigned char *placed,
    struct err *err)
{
	struct strbuf	 sb = STRBUF_INIT;
	unsigned char	*seen;
	struct rev	*r = NULL, *start;
	size_t		 i, j;

	seen = xcalloc(g->nrevs, 1);
	for (i = 0; i < g->nrevs && r == NULL; i++) {
		if (!placed[i])
			r = &g->revs[i];
	}
	/* walk unplaced parents until one repeats: that one is on a cycle */
	while (!seen[r - g->revs]) {
		seen[r - g->revs] = 1;
		for (j = 0; j < r->nparents + r->ndeps; j++) {
			struct rev	*p = j < r->nparents ? r->parents[j] :
			    r->deps[j - r->nparents];

			if (!placed[p - g->revs]) {
				r = p;
				break;
			}
		}
	}
	start = r;
	strbuf_addf(&sb, "revision cycle: %s", start->id);
	do {
		for (j = 0; j < r->nparents + r->ndeps; j++) {
			struct rev	*p = j < r->nparents ? r->parents[j] :
			    r->deps[j - r->nparents];

			if (!placed[p - g->revs] && seen[p - g->revs]) {
				r = p;
				break;
			}
		}
		strbuf_addf(&sb, " -> %s", r->id);
	} while (r != start);
	strbuf_addstr(&sb, " (each revises or depends on the next)");
	err_set(err, MG_ECONFIG, "%s", sb.buf);
	strbuf_release(&sb);
	xfree(seen);
	/* the order is not whole: collecting or not, the build stops */
	(void)graph_error_at(g, err, start, start->script->revises_line);
	return MG_ECONFIG;
}

/*
 * Kahn's sort over parents and dependencies, seeded in load order, so
 * order[] lists every revision after everything it needs.
 */
static int
graph_sort(struct graph *g, struct err *err)
{
	size_t		*need, head = 0, tail = 0, i, j;
	unsigned char	*placed;
	struct rev	*r, *c;
	int		 rc = 0;

	need = xcalloc(g->nrevs + 1, sizeof *need);
	placed = xcalloc(g->nrevs + 1, 1);
	g->order = xcalloc(g->nrevs + 1, sizeof *g->order);
	for (i = 0; i < g->nrevs; i++) {
		r = &g->revs[i];
		need[i] = r->nparents + r->ndeps;
		if (need[i] == 0)
			g->order[tail++] = r;
	}
	while (head < tail) {
		r = g->order[head];
		r->index = head++;
		placed[r - g->revs] = 1;
		for (j = 0; j < r->nchildren + r->ndependents; j++) {
			c = j < r->nchildren ? r->children[j] :
			    r->dependents[j - r->nchildren];
			if (--need[c - g->revs] == 0)
				g->order[tail++] = c;
		}
	}
	if (tail < g->nrevs)
		rc = graph_cycle_error(g, placed, err);
	xfree(need);
	xfree(placed);
	return rc;
}

/*
 * A label covers the labeled revision, its descendants, and its
 * ancestors up to a branch point or a merge point (as Alembic).
 */
static void
graph_label_members(struct graph *g, struct graph_label *l)
{
	struct rev	*r, *p;
	size_t		 i, j;

	l->member = xcalloc(g->nrevs + 1, 1);
	l->member[l->rev->index] = 1;
	for (i = l->rev->index; i < g->nrevs; i++) {
		r = g->order[i];
		if (!l->member[i])
			continue;
		for (j = 0; j < r->nchildren; j++)
			l->member[r->children[j]->index] = 1;
	}
	for (r = l->rev; r->nparents == 1; r = p) {
		p = r->parents[0];
		if (p->nchildren > 1 || p->nparents > 1)
			break;
		l->member[p->index] = 1;
	}
}

static int
graph_build_all(struct graph **out, struct script **scripts, size_t n,
    struct strbuf *problems, struct err *err)
{
	struct graph	*g;
	size_t		 i;
	int		 rc;

	*out = NULL;
	g = xcalloc(1, sizeof *g);
	g->problems = problems;
	g->revs = xcalloc(n + 1, sizeof *g->revs);
	for (i = 0; i < n; i++) {
		g->revs[i].script = scripts[i];
		g->revs[i].id = scripts[i]->rev;
		scripts[i] = NULL;
	}
	g->nrevs = n;
	if ((rc = graph_index(g, err)) != 0 ||
	    (rc = graph_link(g, err)) != 0 ||
	    (rc = graph_sort(g, err)) != 0)
		goto done;
	if (problems != NULL && problems->len > 0) {
		rc = err_set(err, MG_ECONFIG, "the revision graph has "
		    "problems");
		goto done;
	}
	for (i = 0; i < g->nlabels; i++)
		graph_label_members(g, &g->labels[i]);
	for (i = 0; i < g->nrevs; i++) {
		struct rev	*r = g->order[i];

		if (r->nchildren == 0)
			graph_push(&g->heads, &g->nheads, &g->aheads, r);
		if (r->nparents == 0)
			graph_push(&g->bases, &g->nbases, &g->abases, r);
	}
done:
	g->problems = NULL;
	if (rc != 0) {
		if (problems != NULL && problems->len > 0 && err->code == 0)
			err_set(err, MG_ECONFIG, "the revision graph has "
			    "problems");
		graph_free(g);
		return rc;
	}
	*out = g;
	return 0;
}

int
graph_build(struct graph **out, struct script **scripts, size_t n,
    struct err *err)
{
	return graph_build_all(out, scripts, n, NULL, err);
}

/* A *.sql file under a version folder. */
struct graph_file {
	const char	*path;		/* the folder, '/', rel */
	const char	*rel;		/* the name relative to the folder */
	size_t		 path_at;	/* their offsets in graph_files.names */
	size_t		 rel_at;
	size_t		 loc;		/* which folder */
	struct hdrcache_stat st;	/* with the header cache */
};

/* What graph_scan finds: the files, their paths in one buffer. */
struct graph_files {
	struct strbuf		 names;
	struct graph_file	*v;
	size_t			 n;
	size_t			 alloc;
};

/* A file in the sort: the 8 bytes of its path after the shared prefix. */
struct graph_key {
	uint64_t	 key;
	const char	*path;
	size_t		 i;		/* in graph_files.v */
};

static int
graph_cmp_key(const void *a, const void *b)
{
	return strcmp(((const struct graph_key *)a)->path,
	    ((const struct graph_key *)b)->path);
}

/*
 * The order of the files by path, as strcmp sorts them, in out[] (indexes
 * into fs->v). A radix sort of the bytes that follow the prefix every path
 * shares, then strcmp within the runs those do not tell apart: at 10,000
 * scripts qsort's strcmp was a quarter of a cached heads.
 */
static void
graph_sort_files(size_t *out, const struct graph_files *fs)
{
	struct graph_key	*k, *tmp, *swap;
	size_t			 n = fs->n, lcp, i, j, b, count[256];
	const char		*first;
	int			 shift;

	if (n == 0)
		return;
	k = xmalloc(n * sizeof *k);
	tmp = xmalloc(n * sizeof *tmp);
	first = fs->v[0].path;
	lcp = strlen(first);
	for (i = 1; i < n; i++) {
		const char	*p = fs->v[i].path;

		if (strncmp(first, p, lcp) == 0)
			continue;
		for (j = 0; j < lcp && first[j] == p[j]; j++)
			;
		lcp = j;
	}
	for (i = 0; i < n; i++) {
		const unsigned char	*p = (const unsigned char *)
		    fs->v[i].path + lcp;

		k[i].key = 0;
		for (j = 0; j < 8; j++) {
			k[i].key = k[i].key << 8 | *p;
			if (*p != '\0')
				p++;
		}
		k[i].path = fs->v[i].path;
		k[i].i = i;
	}
	/* least significant byte first; a byte all keys share is no pass */
	for (shift = 0; shift < 64; shift += 8) {
		memset(count, 0, sizeof count);
		for (i = 0; i < n; i++)
			count[(k[i].key >> shift) & 0xff]++;
		if (count[(k[0].key >> shift) & 0xff] == n)
			continue;
		for (b = 0, j = 0; b < 256; b++) {
			size_t	 c = count[b];

			count[b] = j;
			j += c;
		}
		for (i = 0; i < n; i++)
			tmp[count[(k[i].key >> shift) & 0xff]++] = k[i];
		swap = k;
		k = tmp;
		tmp = swap;
	}
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && k[j].key == k[i].key; j++)
			;
		if (j - i > 1)
			qsort(k + i, j - i, sizeof *k, graph_cmp_key);
	}
	for (i = 0; i < n; i++)
		out[i] = k[i].i;
	xfree(k);
	xfree(tmp);
}

/* A folder above the one being scanned: a link back to it is a loop. */
struct graph_scan_up {
	dev_t				 dev;
	ino_t				 ino;
	const struct graph_scan_up	*up;
};

/*
 * Collect the *.sql files of the folder fd (taken: it is closed), whose
 * path is dir, and below it when recursive (up: the folders above it). rel is where a path's part
 * relative to the version folder loc starts. With want_stat, each file's
 * stat for the header cache: the file's own, or a link's target's (a
 * script may be a link, and the link's stat does not change with it).
 */
static int
graph_scan(struct graph_files *fs, int fd, struct strbuf *dir, size_t rel,
    size_t loc, int recursive, int want_stat,
    const struct graph_scan_up *up, struct err *err)
{
	DIR				*d;
	struct dirent			*e;
	struct stat			 st;
	struct graph_scan_up		 here = { 0, 0, up };
	const struct graph_scan_up	*a;
	size_t				 len, dirlen = dir->len;
	int				 rc = 0, sub, isreg, isdir;

	if (recursive && fstat(fd, &st) == 0) {
		here.dev = st.st_dev;
		here.ino = st.st_ino;
		for (a = up; a != NULL; a = a->up) {
			if (a->dev == here.dev && a->ino == here.ino) {
				close(fd);
				return err_set(err, MG_ECONFIG, "the version "
				    "folder '%s' is a folder above it again "
				    "(a symbolic link loop)", dir->buf);
			}
		}
	}
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return err_set(err, MG_ECONFIG, "cannot open the version "
		    "folder '%s': %s", dir->buf, strerror(errno));
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		/* d_type saves a stat per file; links and unknowns need one */
		isreg = e->d_type == DT_REG;
		isdir = e->d_type == DT_DIR;
		if (isreg && want_stat && fstatat(dirfd(d), e->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) != 0)
			continue;	/* gone since readdir */
		if (isreg && want_stat && !S_ISREG(st.st_mode))
			isreg = 0;	/* replaced since readdir: stat again */
		if (!isreg && !isdir) {
			if (fstatat(dirfd(d), e->d_name, &st, 0) != 0)
				continue;	/* a dangling link: no script */
			isreg = S_ISREG(st.st_mode);
			isdir = S_ISDIR(st.st_mode);
		}
		len = strlen(e->d_name);
		if (isdir) {
			if (!recursive)
				continue;
			strbuf_addch(dir, '/');
			strbuf_add(dir, e->d_name, len);
			sub = openat(dirfd(d), e->d_name, O_RDONLY |
			    O_DIRECTORY | O_CLOEXEC);
			if (sub < 0)
				rc = err_set(err, MG_ECONFIG, "cannot open the "
				    "version folder '%s': %s", dir->buf,
				    strerror(errno));
			else
				rc = graph_scan(fs, sub, dir, rel, loc,
				    recursive, want_stat, &here, err);
			strbuf_setlen(dir, dirlen);
			if (rc != 0)
				break;
			continue;
		}
		if (!isreg || len < 5 || strcmp(e->d_name + len - 4, ".sql"))
			continue;
		XGROW(fs->v, fs->alloc, fs->n + 1);
		fs->v[fs->n].path_at = fs->names.len;
		fs->v[fs->n].rel_at = fs->names.len + rel;
		fs->v[fs->n].loc = loc;
		if (want_stat)
			hdrcache_stat_set(&fs->v[fs->n].st, &st);
		fs->n++;
		strbuf_add(&fs->names, dir->buf, dir->len);
		strbuf_addch(&fs->names, '/');
		strbuf_add(&fs->names, e->d_name, len + 1);	/* and NUL */
	}
	closedir(d);
	return rc;
}

/*
 * The version folders: version_locations split by version_path_separator
 * (os or ':', ';', ',', space, newline; by default spaces and commas, as
 * Alembic's legacy rule), each relative to the ini's folder; or
 * script_location/versions.
 */
int
graph_locations(char ***out, size_t *n, const struct config *cfg,
    struct err *err)
{
	const char	*v = config_get(cfg, "version_locations");
	const char	*sep = config_get(cfg, "version_path_separator");
	const char	*seps = " \t\n,", *p;
	struct strbuf	 sb = STRBUF_INIT;
	char		*loc;
	size_t		 len, alloc = 0;

	*out = NULL;
	*n = 0;
	if (v == NULL || *v == '\0') {
		loc = config_get_path(cfg, "script_location");
		strbuf_addf(&sb, "%s/versions", loc);
		xfree(loc);
		*out = xmalloc(sizeof **out);
		(*out)[(*n)++] = strbuf_detach(&sb, NULL);
		return 0;
	}
	if (sep != NULL) {
		if (strcmp(sep, "os") == 0 || strcmp(sep, ":") == 0)
			seps = ":";
		else if (strcmp(sep, ";") == 0)
			seps = ";";
		else if (strcmp(sep, ",") == 0)
			seps = ",";
		else if (strcmp(sep, "space") == 0)
			seps = " ";
		else if (strcmp(sep, "newline") == 0)
			seps = "\n";
		else {
			const struct config_entry *e =
			    config_find(cfg, "version_path_separator");

			err_set(err, MG_ECONFIG, "'version_path_separator' "
			    "must be os, ':', ';', ',', space or newline, "
			    "not '%s'", sep);
			err_set_path(err, cfg->path, e->line);
			return MG_ECONFIG;
		}
	}
	for (p = v; *p != '\0'; p += len) {
		p += strspn(p, seps);
		len = strcspn(p, seps);
		if (len == 0)
			continue;
		strbuf_reset(&sb);
		while (len > 0 && isspace((unsigned char)p[len - 1]))
			len--;
		if (p[0] != '/')
			strbuf_addf(&sb, "%s/", cfg->here);
		strbuf_add(&sb, p, len);
		/* doubled, not grown by one: a value may hold many */
		XGROW(*out, alloc, *n + 1);
		(*out)[(*n)++] = strbuf_detach(&sb, NULL);
		while (p[len] != '\0' && strchr(seps, p[len]) == NULL)
			len++;
	}
	strbuf_release(&sb);
	return 0;
}

void
graph_locations_free(char **v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		xfree(v[i]);
	xfree(v);
}

/*
 * Read every script under the version folders and build the graph: each
 * script's header, from the header cache when it has it, or with
 * keep_text each script's text and parts too (and no cache).
 */
static int
graph_load_scripts(struct graph **out, const struct config *cfg,
    struct strbuf *problems, int keep_text, struct err *err)
{
	struct graph_files	  fs = { STRBUF_INIT, NULL, 0, 0 };
	struct strbuf		  dir = STRBUF_INIT;
	struct hdrcache		 *hc = NULL;
	struct script		**scripts = NULL;
	char			**dirs = NULL, *cache = NULL;
	int			 *fds = NULL, fd;
	size_t			 *order = NULL, ndirs = 0, i, nscripts = 0;
	int			  rc, recursive = 0;

	*out = NULL;
	if ((rc = config_get_bool(&recursive, cfg,
	    "recursive_version_locations", err)) != 0)
		return rc;
	if ((rc = graph_locations(&dirs, &ndirs, cfg, err)) != 0)
		return rc;
	fds = xmalloc((ndirs + 1) * sizeof *fds);
	for (i = 0; i < ndirs; i++)
		fds[i] = -1;
	/* opened before the scan: the scripts are stat'ed after it */
	if (!keep_text && (cache = hdrcache_path(cfg, dirs, ndirs,
	    recursive)) != NULL && (rc = hdrcache_new(&hc, cache, dirs, ndirs,
	    recursive, err)) != 0)
		goto done;
	for (i = 0; i < ndirs; i++) {
		/* scripts are opened relative to it: no path lookups */
		fds[i] = open(dirs[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fds[i] < 0 || (fd = dup(fds[i])) < 0) {
			rc = err_set(err, MG_ECONFIG, "cannot open the "
			    "version folder '%s': %s", dirs[i],
			    strerror(errno));
			goto done;
		}
		strbuf_reset(&dir);
		strbuf_addstr(&dir, dirs[i]);
		if ((rc = graph_scan(&fs, fd, &dir, dir.len + 1, i, recursive,
		    hc != NULL, NULL, err)) != 0)
			goto done;
	}
	for (i = 0; i < fs.n; i++) {
		fs.v[i].path = fs.names.buf + fs.v[i].path_at;
		fs.v[i].rel = fs.names.buf + fs.v[i].rel_at;
	}
	order = xmalloc((fs.n + 1) * sizeof *order);
	graph_sort_files(order, &fs);
	scripts = xcalloc(fs.n + 1, sizeof *scripts);
	for (i = 0; i < fs.n; i++) {
		const struct graph_file	*f = &fs.v[order[i]];

		if (hc != NULL && (scripts[nscripts] = hdrcache_get(hc, f->loc,
		    f->rel, f->path, &f->st)) != NULL) {
			nscripts++;
			continue;
		}
		if ((rc = script_read_at(&scripts[nscripts], fds[f->loc],
		    f->rel, f->path, keep_text, err)) != 0 && problems == NULL)
			goto done;
		if (rc != 0) {		/* a problem; the next script */
			err_format(problems, err);
			strbuf_addch(problems, '\n');
			err_release(err);
			continue;
		}
		if (hc != NULL)
			hdrcache_put(hc, f->loc, f->rel, &f->st,
			    scripts[nscripts]);
		nscripts++;
	}
	/* best effort: a cache that cannot be written is read next time */
	if (hc != NULL)
		(void)hdrcache_save(hc);
	rc = graph_build_all(out, scripts, nscripts, problems, err);
	nscripts = 0;
done:
	for (i = 0; i < nscripts; i++)
		script_free(scripts[i]);
	xfree(scripts);
	for (i = 0; i < ndirs; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
	}
	xfree(fds);
	xfree(order);
	hdrcache_free(hc);
	xfree(cache);
	xfree(fs.v);
	strbuf_release(&fs.names);
	strbuf_release(&dir);
	graph_locations_free(dirs, ndirs);
	return rc;
}

int
graph_load(struct graph **out, const struct config *cfg, struct err *err)
{
	return graph_load_scripts(out, cfg, NULL, 0, err);
}

int
graph_load_all(struct graph **out, const struct config *cfg,
    struct strbuf *problems, struct err *err)
{
	return graph_load_scripts(out, cfg, problems, 1, err);
}

int
graph_load_bodies(struct graph *g, struct err *err)
{
	size_t	 i;
	int	 rc;

	for (i = 0; i < g->nrevs; i++) {
		if ((rc = script_load_body(g->revs[i].script, err)) != 0)
			return rc;
	}
	return 0;
}

int
plan_load_bodies(const struct plan *p, struct err *err)
{
	size_t	 i;
	int	 rc;

	for (i = 0; i < p->n; i++) {
		if ((rc = script_load_body(p->v[i].rev->script, err)) != 0)
			return rc;
	}
	return 0;
}

/*
 * Revision specs.
 */

/* A revision by exact id, unique id prefix, or branch label. */
static int
graph_lookup(struct rev **out, const struct graph *g, const char *s,
    size_t len, struct err *err)
{
	const struct graph_label	*l;
	struct strbuf			 sb = STRBUF_INIT;
	struct rev			*r, *found = NULL;
	size_t				 i, nfound = 0;

	*out = NULL;
	if ((r = graph_find_n(g, s, len)) != NULL) {
		*out = r;
		return 0;
	}
	if ((l = graph_label(g, s, len)) != NULL) {
		*out = l->rev;
		return 0;
	}
	for (i = 0; len > 0 && i < g->nrevs; i++) {
		r = g->order[i];
		if (strncasecmp(r->id, s, len) != 0)
			continue;
		if (nfound++ < 10)
			strbuf_addf(&sb, "%s%s", nfound > 1 ? ", " : "",
			    r->id);
		found = r;
	}
	if (nfound == 1) {
		*out = found;
		strbuf_release(&sb);
		return 0;
	}
	if (nfound == 0)
		err_set(err, MG_ENOTFOUND, "Can't locate revision identified "
		    "by '%.*s'", (int)len, s);
	else
		err_set(err, MG_EAMBIGUOUS, "Multiple revisions start with "
		    "'%.*s': %s%s", (int)len, s, sb.buf, nfound > 10 ?
		    ", ..." : "");
	strbuf_release(&sb);
	return err->code;
}

static int
graph_multiple_heads(struct err *err, const char *spec)
{
	return err_set(err, MG_EAMBIGUOUS, "Multiple head revisions are "
	    "present for given argument '%s'; please specify a specific "
	    "target revision, '<branchname>@head' to narrow to a specific "
	    "head, or 'heads' for all heads", spec);
}

/* The heads (or bases) among the members of a label; NULL: the graph's. */
static void
graph_ends(struct revset *out, const struct graph *g,
    const unsigned char *member, int heads)
{
	size_t	 i, j;

	for (i = 0; i < g->nrevs; i++) {
		struct rev	*r = g->order[i];
		int		 end = 1;

		if (member != NULL && !member[i])
			continue;
		if (heads) {
			for (j = 0; j < r->nchildren; j++)
				if (member == NULL ||
				    member[r->children[j]->index])
					end = 0;
		} else {
			for (j = 0; j < r->nparents; j++)
				if (member == NULL ||
				    member[r->parents[j]->index])
					end = 0;
		}
		if (end)
			revset_add(out, r);
	}
}

/*
 * Move n steps up (children) or down (parents) from r within member; the
 * spec asked for total steps (one more when it started from base).
 */
static int
graph_walk(struct rev **out, long total, struct rev *r, long n,
    const unsigned char *member, const char *spec, struct err *err)
{
	long		 i, steps = n < 0 ? -n : n;
	struct rev	*next;
	size_t		 j, cnt;

	for (i = 0; i < steps; i++) {
		next = NULL;
		cnt = 0;
		if (n > 0) {
			for (j = 0; j < r->nchildren; j++) {
				if (member == NULL ||
				    member[r->children[j]->index]) {
					next = r->children[j];
					cnt++;
				}
			}
		} else {
			cnt = r->nparents;
			next = cnt > 0 ? r->parents[0] : NULL;
		}
		if (cnt > 1)
			return err_set(err, MG_EAMBIGUOUS, "Relative revision "
			    "%s is ambiguous: %s is a %s; name a revision or "
			    "use <branchname>@%s", spec, r->id, n > 0 ?
			    "branch point" : "merge point", spec);
		if (cnt == 0) {
			if (n < 0 && i == steps - 1) {
				*out = NULL;	/* one below a base: base */
				return 0;
			}
			return err_set(err, MG_ENOTFOUND, "Relative revision "
			    "%s didn't produce %ld migrations", spec,
			    total < 0 ? -total : total);
		}
		r = next;
	}
	*out = r;
	return 0;
}

static int
graph_parse_rel(long *out, const char *s)
{
	char	*end;
	long	 v;

	if ((s[0] != '+' && s[0] != '-') || !isdigit((unsigned char)s[1]))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	/* bounded, so that -v is defined and counts stay small */
	if (*end != '\0' || errno != 0 || v == 0 || v > INT_MAX ||
	    v < -INT_MAX)
		return -1;
	*out = v;
	return 0;
}

/*
 * Resolve an anchor ("head", "base", an id prefix or label, or "" for
 * current) within member into one revision, NULL for base.
 */
static int
graph_anchor(struct rev **out, int *is_base, const struct graph *g,
    const char *a, size_t alen, const unsigned char *member,
    const struct revset *current, const char *spec, struct err *err)
{
	struct revset	 s = REVSET_INIT;
	size_t		 i;
	int		 rc = 0;

	*out = NULL;
	*is_base = 0;
	if (alen == 0 || (alen == 7 && strncmp(a, "current", 7) == 0)) {
		if (current == NULL)
			return err_set(err, MG_EUSAGE, "'%s' is relative to "
			    "the database's current revision, which is not "
			    "known here", spec);
		for (i = 0; i < current->n; i++) {
			if (member == NULL || member[current->v[i]->index])
				revset_add(&s, current->v[i]);
		}
		if (s.n > 1) {
			rc = err_set(err, MG_EAMBIGUOUS, "the database has "
			    "several current heads; '%s' is ambiguous: use "
			    "<branchname>@%s", spec, spec);
			goto done;
		}
		if (s.n == 0)
			*is_base = 1;
		else
			*out = s.v[0];
	} else if (alen == 4 && strncmp(a, "head", 4) == 0) {
		graph_ends(&s, g, member, 1);
		if (s.n > 1) {
			rc = graph_multiple_heads(err, spec);
			goto done;
		}
		if (s.n == 0)
			*is_base = 1;
		else
			*out = s.v[0];
	} else if (alen == 4 && strncmp(a, "base", 4) == 0) {
		*is_base = 1;
	} else
		rc = graph_lookup(out, g, a, alen, err);
done:
	revset_release(&s);
	return rc;
}

static int
graph_spec_error(struct err *err, const char *spec)
{
	return err_set(err, MG_EUSAGE, "bad revision '%s': expected head, "
	    "heads, base, an id, <branchname>@head or a relative step such "
	    "as +2, -1 or head-1", spec);
}

int
graph_spec_check(const char *spec, struct err *err)
{
	const char	*rest = spec, *at, *sign;
	long		 n;

	if ((at = strchr(spec, '@')) != NULL) {
		if (at == spec || at[1] == '\0')
			return graph_spec_error(err, spec);
		rest = at + 1;
	}
	sign = rest + strcspn(rest, "+-");
	/* ids and labels are letters, digits and '_': nothing else is */
	if (*rest == '\0' || spec[strspn(spec, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@+-")] != '\0' ||
	    strchr(rest, '@') != NULL ||
	    (*sign != '\0' && graph_parse_rel(&n, sign) != 0))
		return graph_spec_error(err, spec);
	return 0;
}

int
graph_resolve(struct target *out, const struct graph *g, const char *spec,
    const struct revset *current, struct err *err)
{
	const struct graph_label	*l = NULL;
	const unsigned char		*member = NULL;
	const char			*at, *rest = spec, *sign;
	struct rev			*r = NULL;
	long				 n = 0, total;
	size_t				 alen;
	int				 rc, is_base;

	memset(out, 0, sizeof *out);
	if ((rc = graph_spec_check(spec, err)) != 0)
		return rc;
	if (strcmp(spec, "heads") == 0) {
		graph_ends(&out->revs, g, NULL, 1);
		return 0;
	}
	if ((at = strchr(spec, '@')) != NULL) {
		struct rev	*lr;

		if ((l = graph_label(g, spec, (size_t)(at - spec))) != NULL) {
			member = l->member;
		} else {
			/* rev@head: the heads that descend from rev */
			if ((rc = graph_lookup(&lr, g, spec,
			    (size_t)(at - spec), err)) != 0)
				return rc;
			out->scratch = xcalloc(g->nrevs + 1, 1);
			graph_descendants(out->scratch, g, lr, 0);
			member = out->scratch;
		}
		rest = at + 1;
		if (strcmp(rest, "heads") == 0)
			rest = "head";
	}
	out->member = member;
	/* split "anchor+N" / "anchor-N"; an anchor may not hold + or - */
	sign = rest + strcspn(rest, "+-");
	alen = (size_t)(sign - rest);
	if (*sign != '\0')
		graph_parse_rel(&n, sign);	/* checked above */
	if (*sign != '\0' && alen == 0 && current == NULL)
		return err_set(err, MG_EUSAGE, "'%s' is relative to the "
		    "database's current revision, which is not known here",
		    spec);
	if ((rc = graph_anchor(&r, &is_base, g, rest, alen, member, current,
	    spec, err)) != 0)
		return rc;
	if ((total = n) != 0) {
		if (is_base && n < 0)
			return err_set(err, MG_ENOTFOUND, "Relative revision "
			    "%s didn't produce %ld migrations", spec, -n);
		if (is_base) {
			struct revset	 b = REVSET_INIT;

			/* +N from base starts at the (only) base */
			graph_ends(&b, g, member, 0);
			if (b.n != 1) {
				rc = err_set(err, b.n ? MG_EAMBIGUOUS :
				    MG_ENOTFOUND, "Relative revision %s: "
				    "there are %zu bases; name one", spec, b.n);
				revset_release(&b);
				return rc;
			}
			r = b.v[0];
			revset_release(&b);
			n--;
		}
		if (n != 0 && (rc = graph_walk(&r, total, r, n, member, spec,
		    err)) != 0)
			return rc;
		is_base = r == NULL;
	}
	if (is_base) {
		out->base = 1;
		return 0;
	}
	revset_add(&out->revs, r);
	return 0;
}

void
target_release(struct target *t)
{
	revset_release(&t->revs);
	xfree(t->scratch);
	memset(t, 0, sizeof *t);
}

/* Mark r (unless strict) and everything above it: children, dependents. */
void
graph_descendants(unsigned char *mark, const struct graph *g,
    const struct rev *r, int strict)
{
	size_t		 i, j;
	struct rev	*c;

	mark[r->index] = 2;
	for (i = r->index; i < g->nrevs; i++) {
		if (!mark[i])
			continue;
		c = g->order[i];
		for (j = 0; j < c->nchildren + c->ndependents; j++) {
			struct rev	*d = j < c->nchildren ? c->children[j] :
			    c->dependents[j - c->nchildren];

			mark[d->index] = 1;
		}
	}
	mark[r->index] = strict ? 0 : 1;
}

/* Mark each revision of set and everything below it: parents, deps. */
void
graph_ancestors(unsigned char *mark, const struct graph *g,
    const struct revset *set)
{
	size_t		 i, j;
	struct rev	*c;

	for (i = 0; i < set->n; i++)
		mark[set->v[i]->index] = 1;
	for (i = g->nrevs; i-- > 0;) {
		if (!mark[i])
			continue;
		c = g->order[i];
		for (j = 0; j < c->nparents; j++)
			mark[c->parents[j]->index] = 1;
		for (j = 0; j < c->ndeps; j++)
			mark[c->deps[j]->index] = 1;
	}
}

/*
 * Plans.
 */

static void
plan_push(struct plan *p, struct rev *r, int upgrade)
{
	if (p->n == p->alloc) {
		p->alloc = p->alloc ? p->alloc * 2 : 16;
		p->v = xrealloc(p->v, p->alloc * sizeof *p->v);
	}
	memset(&p->v[p->n], 0, sizeof p->v[p->n]);
	p->v[p->n].rev = r;
	p->v[p->n].upgrade = upgrade;
	p->n++;
}

void
plan_release(struct plan *p)
{
	size_t	 i;

	for (i = 0; i < p->n; i++) {
		revset_release(&p->v[i].from);
		revset_release(&p->v[i].to);
	}
	xfree(p->v);
	memset(p, 0, sizeof *p);
}

static int
graph_rows_error(struct err *err, const struct rev *r, const char *what)
{
	return err_set(err, MG_EUSAGE, "Destination %s is not a valid %s "
	    "target from current head(s)", r->id, what);
}

/* The j-th of r's parents, then dependencies. */
static struct rev *
graph_below(const struct rev *r, size_t j)
{
	return j < r->nparents ? r->parents[j] : r->deps[j - r->nparents];
}

/* The j-th of r's children, then dependents. */
static struct rev *
graph_above(const struct rev *r, size_t j)
{
	return j < r->nchildren ? r->children[j] :
	    r->dependents[j - r->nchildren];
}

/* Refuse to undo a revision that something staying applied stands on. */
static int
graph_plan_keeps(const struct graph *g, const unsigned char *applied,
    const unsigned char *undo, struct err *err)
{
	size_t	 i, j;

	for (i = 0; i < g->nrevs; i++) {
		const struct rev	*r = g->order[i];

		if (!undo[i] || !applied[i])
			continue;
		for (j = 0; j < r->nchildren + r->ndependents; j++) {
			const struct rev *c = graph_above(r, j);

			if (applied[c->index] && !undo[c->index])
				return err_set(err, MG_EUSAGE, "cannot "
				    "downgrade %s: %s, outside the branch "
				    "named, stands on it", r->id, c->id);
		}
	}
	return 0;
}

int
graph_plan(struct plan *out, const struct graph *g, const struct revset *rows,
    const struct target *t, int upgrade, struct err *err)
{
	unsigned char	*applied, *want;
	unsigned char	*vrows;
	size_t		 i, j, k;
	int		 rc = 0;

	memset(out, 0, sizeof *out);
	applied = xcalloc(g->nrevs + 1, 1);
	want = xcalloc(g->nrevs + 1, 1);
	vrows = xcalloc(g->nrevs + 1, 1);
	graph_ancestors(applied, g, rows);
	for (i = 0; i < rows->n; i++)
		vrows[rows->v[i]->index] = 1;
	if (upgrade) {
		for (i = 0; i < t->revs.n; i++) {
			struct rev	*r = t->revs.v[i];

			if (applied[r->index] && !vrows[r->index]) {
				rc = graph_rows_error(err, r, "upgrade");
				goto done;
			}
		}
		graph_ancestors(want, g, &t->revs);
		for (i = 0; i < g->nrevs; i++) {
			struct rev	*r = g->order[i];
			struct step	*s;

			if (!want[i] || applied[i])
				continue;
			plan_push(out, r, 1);
			s = &out->v[out->n - 1];
			/* rows of parents and dependencies merge into r */
			for (j = 0; j < r->nparents + r->ndeps; j++) {
				struct rev *p = graph_below(r, j);

				if (vrows[p->index]) {
					revset_add(&s->from, p);
					vrows[p->index] = 0;
				}
			}
			revset_add(&s->to, r);
			vrows[i] = 1;
			applied[i] = 1;
		}
		goto done;
	}
	/* downgrade: want[] = what to undo */
	if (t->base) {
		for (i = 0; i < g->nrevs; i++)
			want[i] = applied[i] &&
			    (t->member == NULL || t->member[i]);
		/* and whatever stands on what goes */
		for (i = 0; i < g->nrevs; i++) {
			struct rev	*r = g->order[i];

			if (!want[i])
				continue;
			for (j = 0; j < r->nchildren + r->ndependents; j++)
				want[graph_above(r, j)->index] = 1;
		}
	} else {
		for (i = 0; i < t->revs.n; i++) {
			struct rev	*r = t->revs.v[i];

			if (!applied[r->index]) {
				rc = graph_rows_error(err, r, "downgrade");
				goto done;
			}
			graph_descendants(want, g, r, 1);
		}
		/* label@-N undoes that branch only */
		for (i = 0; i < g->nrevs && t->member != NULL; i++)
			want[i] = want[i] && t->member[i];
		if ((rc = graph_plan_keeps(g, applied, want, err)) != 0)
			goto done;
	}
	for (i = g->nrevs; i-- > 0;) {
		struct rev	*r = g->order[i];
		struct step	*s;

		if (!want[i] || !applied[i])
			continue;
		plan_push(out, r, 0);
		s = &out->v[out->n - 1];
		applied[i] = 0;
		if (vrows[i]) {
			revset_add(&s->from, r);
			vrows[i] = 0;
		}
		/*
		 * A parent or dependency becomes a row again unless what
		 * stays applied still stands on it (Alembic's unmerge).
		 */
		for (j = 0; j < r->nparents + r->ndeps; j++) {
			struct rev	*p = graph_below(r, j);
			int		 other = 0;

			for (k = 0; k < p->nchildren + p->ndependents; k++) {
				if (applied[graph_above(p, k)->index])
					other = 1;
			}
			if (!other && !vrows[p->index]) {
				revset_add(&s->to, p);
				vrows[p->index] = 1;
			}
		}
	}
done:
	xfree(applied);
	xfree(want);
	xfree(vrows);
	if (rc != 0)
		plan_release(out);
	return rc;
}

/*
 * The version rows after stamping targets: each current row on the same
 * line as a target (its ancestor or descendant) gives way to it; rows on
 * other branches stay.
 */
void
graph_stamp_rows(struct revset *out, const struct graph *g,
    const struct revset *rows, const struct revset *targets)
{
	unsigned char	*below, *above;
	size_t		 i, k;

	memset(out, 0, sizeof *out);
	below = xcalloc(g->nrevs + 1, 1);
	above = xcalloc(g->nrevs + 1, 1);
	graph_ancestors(below, g, targets);
	/*
	 * Apart: graph_descendants follows every mark it meets, so in one
	 * array it would take the other branches of an ancestor of one
	 * target for descendants of another.
	 */
	for (i = 0; i < targets->n; i++)
		graph_descendants(above, g, targets->v[i], 0);
	for (i = 0; i < rows->n; i++) {
		k = rows->v[i]->index;
		if (!below[k] && !above[k])
			revset_add(out, rows->v[i]);
	}
	for (i = 0; i < targets->n; i++)
		revset_add(out, targets->v[i]);
	xfree(below);
	xfree(above);
}
