/*
 * The header cache: each revision script's parsed header (every field the
 * graph and the listing commands use, with the header's line numbers that
 * graph errors print), kept in one file under model_cache's folder per
 * set of version folders. Loading the graph then stats each script (one
 * fstatat) instead of opening and reading it.
 *
 * An entry is used only for the file name, device, inode, size, mtime and
 * ctime it was read with, and only when the file's mtime and ctime are
 * older by HDRCACHE_SLACK than the cache was made (git's racy rule: an
 * edit within the same timestamp tick as the read, same size, would show
 * the same stat). Anything else is read again. The file holds the format,
 * migrate's version and the folders it is for, and ends with a checksum:
 * a cache that is truncated, corrupt, foreign or unreadable is a miss,
 * never a wrong graph. It is written, through a temporary file renamed
 * over it, only when what the scan found is not what it held.
 *
 * The file, in the machine's byte order (a marker says which):
 *	magic "MGHDRC1\n", u32 0x01020304, str version, u32 recursive,
 *	u32 nlocs, str loc..., i64 made (ns, CLOCK_REALTIME), u32 n,
 *	n entries, u64 checksum (XXH64) of all before it
 * where a str is a u32 length, the bytes and a NUL; an entry is a struct
 * hdrcache_rec, then its strings, each NUL-terminated: the name relative
 * to its folder, Revision ID, the Revises, Branch Labels and Depends On
 * ids, the message, and Create Date and Author when the header has them.
 * Entries are in the order of the scan that wrote them, which is the
 * order the next scan asks for them in: a lookup is one comparison.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "hdrcache.h"
#include "util/sha256.h"
#include "util/xxh64.h"

/* the largest cache file read: 4 GiB, or what a size_t holds */
#define HDRCACHE_MAX	((size_t)((uint64_t)SIZE_MAX < (uint64_t)1 << 32 ? \
	    (uint64_t)SIZE_MAX : (uint64_t)1 << 32))

/*
 * Bump the digit whenever what a header parses to changes (script.c:
 * script_parse_header, script_set_field) or the layout below does: an
 * entry of an unchanged script is otherwise served as the old parser
 * read it, within one MIGRATE_VERSION.
 */
#define HDRCACHE_MAGIC	"MGHDRC1\n"
#define HDRCACHE_ORDER	0x01020304u
#define HDRCACHE_NULL	0xffffffffu
/*
 * Two seconds: file systems with one-second timestamps, and the kernel's
 * clock for them, a tick behind CLOCK_REALTIME.
 */
#define HDRCACHE_SLACK	2000000000LL

/* An entry's fixed part, as it is in the file (no padding). */
struct hdrcache_rec {
	uint64_t	 dev;
	uint64_t	 ino;
	uint64_t	 size;
	int64_t		 mtime_ns;
	int64_t		 ctime_ns;
	uint32_t	 len;		/* of the entry: this and the strings */
	uint32_t	 loc;		/* the folder */
	uint32_t	 nrel;		/* of the name, the first string */
	uint32_t	 lines[4];	/* rev, revises, labels, depends */
	uint32_t	 n[3];		/* Revises, Branch Labels, Depends On */
	uint32_t	 bits;		/* HDRCACHE_* below */
};
#define HDRCACHE_TXN	0x1	/* Transactional: yes */
#define HDRCACHE_DATE	0x2	/* a Create Date string follows */
#define HDRCACHE_AUTHOR	0x4	/* an Author string follows */

_Static_assert(sizeof(struct hdrcache_rec) == 88,
    "struct hdrcache_rec has padding");

/* A piece of the next file: an old entry, or a new one in fresh. */
struct hdrcache_piece {
	size_t	 off;
	size_t	 len;
	int	 fresh;
};

struct hdrcache {
	char			*path;
	struct strbuf		 key;	/* what the file starts with */
	char			*buf;	/* the file, or NULL */
	size_t			 end;	/* of the entries in buf */
	size_t			*v;	/* each entry's offset in buf */
	size_t			 n;
	size_t			 next;	/* the entry the next lookup expects */
	size_t			*slots;	/* index + 1 into v, once needed */
	size_t			 nslots;
	int64_t			 trust;	/* entries changed before it */
	int64_t			 made;	/* now, before the scan */
	struct hdrcache_piece	*out;	/* the entries to write, in order */
	size_t			 nout;
	size_t			 aout;
	struct strbuf		 fresh;	/* the entries read anew */
	size_t			 racy;	/* index + 1 of an entry doubted */
	size_t			 hits;
	size_t			 kept;	/* old entries in out */
	int			 changed;
};

/* A reader over the file; bad once it would read past the end. */
struct hdrcache_rd {
	const char	*p;
	const char	*end;
	int		 bad;
};

void
hdrcache_stat_set(struct hdrcache_stat *out, const struct stat *st)
{
	out->dev = (uint64_t)st->st_dev;
	out->ino = (uint64_t)st->st_ino;
	out->size = (uint64_t)st->st_size;
	out->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 +
	    st->st_mtim.tv_nsec;
	out->ctime_ns = (int64_t)st->st_ctim.tv_sec * 1000000000 +
	    st->st_ctim.tv_nsec;
}

static void
hdrcache_add_u32(struct strbuf *sb, uint32_t v)
{
	strbuf_add(sb, &v, sizeof v);
}

static void
hdrcache_add_u64(struct strbuf *sb, uint64_t v)
{
	strbuf_add(sb, &v, sizeof v);
}

static void
hdrcache_add_str(struct strbuf *sb, const char *s)
{
	size_t	 len;

	if (s == NULL) {
		hdrcache_add_u32(sb, HDRCACHE_NULL);
		return;
	}
	len = strlen(s);
	hdrcache_add_u32(sb, (uint32_t)len);
	strbuf_add(sb, s, len + 1);		/* and its NUL */
}

/* n bytes of the file into out (zeros, and bad set, past its end). */
static void
hdrcache_get_n(struct hdrcache_rd *rd, void *out, size_t n)
{
	if (rd->bad || (size_t)(rd->end - rd->p) < n) {
		rd->bad = 1;
		memset(out, 0, n);
		return;
	}
	memcpy(out, rd->p, n);
	rd->p += n;
}

static uint32_t
hdrcache_get_u32(struct hdrcache_rd *rd)
{
	uint32_t	 v;

	hdrcache_get_n(rd, &v, sizeof v);
	return v;
}

static uint64_t
hdrcache_get_u64(struct hdrcache_rd *rd)
{
	uint64_t	 v;

	hdrcache_get_n(rd, &v, sizeof v);
	return v;
}

/* What the file starts with: the format and what it is for. */
static void
hdrcache_key(struct strbuf *out, char *const *dirs, size_t ndirs,
    int recursive)
{
	size_t	 i;

	strbuf_add(out, HDRCACHE_MAGIC, sizeof HDRCACHE_MAGIC - 1);
	hdrcache_add_u32(out, HDRCACHE_ORDER);
	hdrcache_add_str(out, MIGRATE_VERSION);
	hdrcache_add_u32(out, recursive != 0);
	hdrcache_add_u32(out, (uint32_t)ndirs);
	for (i = 0; i < ndirs; i++)
		hdrcache_add_str(out, dirs[i]);
}

char *
hdrcache_path(const struct config *cfg, char *const *dirs, size_t ndirs,
    int recursive)
{
	struct strbuf	 sb = STRBUF_INIT, key = STRBUF_INIT;
	unsigned char	 d[SHA256_DIGEST_LEN];
	struct sha256	 h;
	size_t		 i;

	if (cache_dir(&sb, cfg) != 0)
		return NULL;
	/* named by the folders alone: a new version replaces the file */
	strbuf_addstr(&key, "migrate headers");
	strbuf_addch(&key, '\0');
	strbuf_addch(&key, recursive ? '1' : '0');
	for (i = 0; i < ndirs; i++)
		strbuf_add(&key, dirs[i], strlen(dirs[i]) + 1);
	sha256_init(&h);
	sha256_update(&h, key.buf, key.len);
	sha256_final(&h, d);
	strbuf_addstr(&sb, "/headers-");
	for (i = 0; i < 16; i++)
		strbuf_addf(&sb, "%02x", d[i]);
	strbuf_release(&key);
	return strbuf_detach(&sb, NULL);
}

static size_t
hdrcache_hash(uint32_t loc, const char *rel, size_t len)
{
	uint64_t	 h = 1469598103934665603ULL ^ loc;
	size_t		 i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)rel[i];
		h *= 1099511628211ULL;
	}
	return (size_t)(h ^ (h >> 29));
}

static void
hdrcache_rec_at(struct hdrcache_rec *out, const struct hdrcache *hc,
    size_t i)
{
	memcpy(out, hc->buf + hc->v[i], sizeof *out);
}

/*
 * Index the entries of buf (len bytes, its checksum checked); *made: when
 * the file says it was made. Each entry's strings are checked when it is
 * used (hdrcache_script).
 */
static int
hdrcache_index(struct hdrcache *hc, int64_t *made, size_t len, size_t ndirs)
{
	struct hdrcache_rd	 rd;
	struct hdrcache_rec	 rec;
	size_t			 off;
	uint32_t		 n, i;

	rd.p = hc->buf + hc->key.len;
	rd.end = hc->buf + len;
	rd.bad = 0;
	*made = (int64_t)hdrcache_get_u64(&rd);
	n = hdrcache_get_u32(&rd);
	if (rd.bad || n > (size_t)(rd.end - rd.p) / sizeof rec)
		return -1;
	hc->v = xmalloc(((size_t)n + 1) * sizeof *hc->v);
	off = (size_t)(rd.p - hc->buf);
	for (i = 0; i < n; i++) {
		if (len - off < sizeof rec)
			return -1;
		memcpy(&rec, hc->buf + off, sizeof rec);
		if (rec.len < sizeof rec + rec.nrel + 1 ||
		    rec.len > len - off || rec.loc >= ndirs)
			return -1;
		hc->v[i] = off;
		off += rec.len;
	}
	if (off != len)
		return -1;
	hc->n = n;
	hc->end = len;
	return 0;
}

/* The hash of every entry's folder and name: lookups out of order. */
static void
hdrcache_slots(struct hdrcache *hc)
{
	struct hdrcache_rec	 rec;
	size_t			 i, j;

	hc->nslots = 16;
	while (hc->nslots < hc->n * 2)
		hc->nslots *= 2;
	hc->slots = xcalloc(hc->nslots, sizeof *hc->slots);
	for (i = 0; i < hc->n; i++) {
		hdrcache_rec_at(&rec, hc, i);
		j = hdrcache_hash(rec.loc, hc->buf + hc->v[i] + sizeof rec,
		    rec.nrel) & (hc->nslots - 1);
		while (hc->slots[j] != 0)
			j = (j + 1) & (hc->nslots - 1);
		hc->slots[j] = i + 1;
	}
}

/* Read and check path into hc; -1 (and hc empty) when it is no cache. */
static int
hdrcache_load(struct hdrcache *hc, size_t ndirs)
{
	struct stat	 st;
	struct strbuf	 file = STRBUF_INIT;
	uint64_t	 sum;
	size_t		 len;
	int64_t		 mtime, made;

	/* ours, not through a link: one could point anywhere */
	if (cache_read(&file, &st, hc->path, HDRCACHE_MAX) != 0 ||
	    file.len < hc->key.len + 8 + 4 + 8) {
		strbuf_release(&file);
		return -1;
	}
	len = file.len;
	hc->buf = strbuf_detach(&file, NULL);
	if (memcmp(hc->buf, hc->key.buf, hc->key.len) != 0)
		goto bad;
	len -= sizeof sum;
	memcpy(&sum, hc->buf + len, sizeof sum);
	if (sum != xxh64(hc->buf, len, 0) ||
	    hdrcache_index(hc, &made, len, ndirs) != 0)
		goto bad;
	/* the earlier of when it says it was made and when it was written */
	mtime = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	hc->trust = (made < mtime ? made : mtime) - HDRCACHE_SLACK;
	/* used: kept from cache_evict (read above, so the trust holds) */
	cache_touch(hc->path);
	return 0;
bad:
	xfree(hc->buf);
	xfree(hc->v);
	xfree(hc->slots);
	hc->buf = NULL;
	hc->v = NULL;
	hc->slots = NULL;
	hc->n = hc->nslots = 0;
	return -1;
}

int
hdrcache_new(struct hdrcache **out, const char *path, char *const *dirs,
    size_t ndirs, int recursive, struct err *err)
{
	struct hdrcache	*hc;
	struct timespec	 now;

	(void)err;
	hc = xcalloc(1, sizeof *hc);
	strbuf_init(&hc->key, 0);
	strbuf_init(&hc->fresh, 0);
	hdrcache_key(&hc->key, dirs, ndirs, recursive);
	/* before any script is stat'ed: the next run's racy check */
	if (clock_gettime(CLOCK_REALTIME, &now) == 0)
		hc->made = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
	if (path != NULL) {
		hc->path = xstrdup(path);
		(void)hdrcache_load(hc, ndirs);
	}
	*out = hc;
	return 0;
}

void
hdrcache_free(struct hdrcache *hc)
{
	if (hc == NULL)
		return;
	xfree(hc->path);
	xfree(hc->buf);
	xfree(hc->v);
	xfree(hc->slots);
	strbuf_release(&hc->key);
	strbuf_release(&hc->fresh);
	xfree(hc->out);
	xfree(hc);
}

size_t
hdrcache_hits(const struct hdrcache *hc)
{
	return hc->hits;
}

/* Whether entry i is the file rel of folder loc (len: strlen(rel)). */
static int
hdrcache_is(const struct hdrcache *hc, size_t i, size_t loc,
    const char *rel, size_t len)
{
	struct hdrcache_rec	 rec;

	hdrcache_rec_at(&rec, hc, i);
	return rec.loc == loc && rec.nrel == len &&
	    memcmp(hc->buf + hc->v[i] + sizeof rec, rel, len) == 0;
}

/* The entry of the file rel of folder loc, or -1. */
static long
hdrcache_find(struct hdrcache *hc, size_t loc, const char *rel)
{
	size_t	 len = strlen(rel), i, j;

	/* the scan asks in the order the last one wrote */
	if (hc->next < hc->n && hdrcache_is(hc, hc->next, loc, rel, len))
		return (long)hc->next++;
	if (hc->n == 0)
		return -1;
	if (hc->slots == NULL)
		hdrcache_slots(hc);
	j = hdrcache_hash((uint32_t)loc, rel, len) & (hc->nslots - 1);
	for (; hc->slots[j] != 0; j = (j + 1) & (hc->nslots - 1)) {
		i = hc->slots[j] - 1;
		if (hdrcache_is(hc, i, loc, rel, len)) {
			hc->next = i + 1;
			return (long)i;
		}
	}
	return -1;
}

/*
 * The script of entry i (rec its fixed part), in one allocation: the
 * struct, its three lists and every string (script_free knows it by
 * packed). NULL when the entry's strings are not what rec says.
 */
static struct script *
hdrcache_script(const struct hdrcache *hc, size_t i,
    const struct hdrcache_rec *rec, const char *path)
{
	const char	*str = hc->buf + hc->v[i] + sizeof *rec, *p, *end;
	struct script	*s;
	char		**ptrs, *at;
	size_t		 nptr, nstr, want, plen, size, k;
	int		 l;

	/* past the name: rev, the lists, message, then date and author */
	str += rec->nrel + 1;
	end = hc->buf + hc->v[i] + rec->len;
	nptr = (size_t)rec->n[0] + rec->n[1] + rec->n[2];
	want = 2 + nptr + !!(rec->bits & HDRCACHE_DATE) +
	    !!(rec->bits & HDRCACHE_AUTHOR);
	if (end == str || end[-1] != '\0' || nptr > (size_t)(end - str))
		return NULL;
	for (nstr = 0, p = str; p < end && nstr <= want; p++) {
		if ((p = memchr(p, '\0', (size_t)(end - p))) == NULL)
			break;
		nstr++;
	}
	if (nstr != want)
		return NULL;
	plen = strlen(path);
	size = sizeof *s + nptr * sizeof(char *) + plen + 1 +
	    (size_t)(end - str);
	s = xmalloc(size);
	memset(s, 0, sizeof *s);
	s->packed = 1;
	ptrs = (char **)(s + 1);
	at = (char *)(ptrs + nptr);
	s->path = at;
	memcpy(at, path, plen + 1);
	at += plen + 1;
	memcpy(at, str, (size_t)(end - str));
	s->rev = at;
	at += strlen(at) + 1;
	s->rev_line = rec->lines[0];
	s->revises_line = rec->lines[1];
	s->labels_line = rec->lines[2];
	s->depends_line = rec->lines[3];
	s->transactional = (rec->bits & HDRCACHE_TXN) != 0;
	for (l = 0; l < 3; l++) {
		char	**v = rec->n[l] > 0 ? ptrs : NULL;

		for (k = 0; k < rec->n[l]; k++) {
			*ptrs++ = at;
			at += strlen(at) + 1;
		}
		if (l == 0) {
			s->down = v;
			s->ndown = rec->n[l];
		} else if (l == 1) {
			s->labels = v;
			s->nlabels = rec->n[l];
		} else {
			s->depends = v;
			s->ndepends = rec->n[l];
		}
	}
	s->message = at;
	at += strlen(at) + 1;
	if (rec->bits & HDRCACHE_DATE) {
		s->create_date = at;
		at += strlen(at) + 1;
	}
	if (rec->bits & HDRCACHE_AUTHOR)
		s->author = at;
	return s;
}

static void
hdrcache_push(struct hdrcache *hc, size_t off, size_t len, int fresh)
{
	XGROW(hc->out, hc->aout, hc->nout + 1);
	hc->out[hc->nout].off = off;
	hc->out[hc->nout].len = len;
	hc->out[hc->nout].fresh = fresh;
	hc->nout++;
}

struct script *
hdrcache_get(struct hdrcache *hc, size_t loc, const char *rel,
    const char *path, const struct hdrcache_stat *st)
{
	struct hdrcache_rec	 rec;
	struct script		*s;
	long			 i = hdrcache_find(hc, loc, rel);

	hc->racy = 0;
	if (i < 0)
		return NULL;
	hdrcache_rec_at(&rec, hc, (size_t)i);
	if (rec.dev != st->dev || rec.ino != st->ino ||
	    rec.size != st->size || rec.mtime_ns != st->mtime_ns ||
	    rec.ctime_ns != st->ctime_ns)
		return NULL;
	/* changed too near the cache's making to tell an edit by its stat */
	if (st->mtime_ns >= hc->trust || st->ctime_ns >= hc->trust) {
		hc->racy = (size_t)i + 1;	/* see hdrcache_put */
		return NULL;
	}
	if ((s = hdrcache_script(hc, (size_t)i, &rec, path)) == NULL)
		return NULL;
	hdrcache_push(hc, hc->v[i], rec.len, 0);
	hc->hits++;
	hc->kept++;
	return s;
}

static void
hdrcache_add_strz(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s) + 1);
}

void
hdrcache_put(struct hdrcache *hc, size_t loc, const char *rel,
    const struct hdrcache_stat *st, const struct script *s)
{
	struct hdrcache_rec	 rec;
	struct strbuf		*sb = &hc->fresh;
	size_t			 start = sb->len, i;

	memset(&rec, 0, sizeof rec);
	rec.dev = st->dev;
	rec.ino = st->ino;
	rec.size = st->size;
	rec.mtime_ns = st->mtime_ns;
	rec.ctime_ns = st->ctime_ns;
	rec.loc = (uint32_t)loc;
	rec.nrel = (uint32_t)strlen(rel);
	rec.lines[0] = s->rev_line;
	rec.lines[1] = s->revises_line;
	rec.lines[2] = s->labels_line;
	rec.lines[3] = s->depends_line;
	rec.n[0] = (uint32_t)s->ndown;
	rec.n[1] = (uint32_t)s->nlabels;
	rec.n[2] = (uint32_t)s->ndepends;
	rec.bits = (s->transactional ? HDRCACHE_TXN : 0) |
	    (s->create_date != NULL ? HDRCACHE_DATE : 0) |
	    (s->author != NULL ? HDRCACHE_AUTHOR : 0);
	strbuf_add(sb, &rec, sizeof rec);
	hdrcache_add_strz(sb, rel);
	hdrcache_add_strz(sb, s->rev);
	for (i = 0; i < s->ndown; i++)
		hdrcache_add_strz(sb, s->down[i]);
	for (i = 0; i < s->nlabels; i++)
		hdrcache_add_strz(sb, s->labels[i]);
	for (i = 0; i < s->ndepends; i++)
		hdrcache_add_strz(sb, s->depends[i]);
	hdrcache_add_strz(sb, s->message != NULL ? s->message : "");
	if (s->create_date != NULL)
		hdrcache_add_strz(sb, s->create_date);
	if (s->author != NULL)
		hdrcache_add_strz(sb, s->author);
	rec.len = (uint32_t)(sb->len - start);
	memcpy(sb->buf + start + offsetof(struct hdrcache_rec, len), &rec.len,
	    sizeof rec.len);
	/*
	 * A doubted entry read again and found the same: the file need not
	 * be written for it, unless a cache made now would trust it (else
	 * every run in the doubt's two seconds would write it).
	 */
	if (hc->racy != 0 && hc->v[hc->racy - 1] + rec.len <= hc->end &&
	    memcmp(hc->buf + hc->v[hc->racy - 1], sb->buf + start,
	    rec.len) == 0) {
		strbuf_setlen(sb, start);
		hdrcache_push(hc, hc->v[hc->racy - 1], rec.len, 0);
		hc->kept++;
		hc->racy = 0;
		if (st->mtime_ns < hc->made - HDRCACHE_SLACK &&
		    st->ctime_ns < hc->made - HDRCACHE_SLACK)
			hc->changed = 1;
		return;
	}
	hc->racy = 0;
	hdrcache_push(hc, start, rec.len, 1);
	hc->changed = 1;
}

int
hdrcache_save(struct hdrcache *hc)
{
	struct strbuf	 file = STRBUF_INIT;
	uint64_t	 sum;
	size_t		 i;
	int		 rc = -1;

	/* the same files, as they were: the file on disk says it all */
	if (hc->path == NULL || (!hc->changed && hc->kept == hc->n))
		return 0;
	strbuf_add(&file, hc->key.buf, hc->key.len);
	hdrcache_add_u64(&file, (uint64_t)hc->made);
	hdrcache_add_u32(&file, (uint32_t)hc->nout);
	for (i = 0; i < hc->nout; i++)
		strbuf_add(&file, (hc->out[i].fresh ? hc->fresh.buf : hc->buf) +
		    hc->out[i].off, hc->out[i].len);
	sum = xxh64(file.buf, file.len, 0);
	hdrcache_add_u64(&file, sum);
	if (cache_write(hc->path, &file, 1) == 0)
		rc = 1;
	strbuf_release(&file);
	return rc;
}
