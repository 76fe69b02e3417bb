/*
 * The model: the SQL DDL files named by `models` in migrate.ini, loaded
 * into scratch so that the database itself normalizes them, then
 * reflected. SQLite's scratch is a database in memory; PostgreSQL's is a
 * schema of its own, made inside a transaction that is always rolled back
 * (on the live database, or on dev_url when it is set), whose name is
 * then taken out of what was reflected.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <sqlite3.h>

#include "dialect.h"
#include "model.h"
#include "rename.h"
#include "cache.h"
#include "tape.h"
#include "util/sha256.h"
#include "util/xxh64.h"

static int
model_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
model_ends_with(const char *s, const char *suffix)
{
	size_t	 n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Whether a file of the model is for this dialect (by its name). */
int
model_file_for(const char *path, enum sql_flavor flavor)
{
	if (!model_ends_with(path, ".sql"))
		return 0;
	if (model_ends_with(path, ".sqlite.sql"))
		return flavor == SQL_SQLITE;
	if (model_ends_with(path, ".postgresql.sql"))
		return flavor == SQL_POSTGRES;
	return 1;
}

int
model_files_at(struct strv *out, const char *where, enum sql_flavor flavor,
    struct err *err)
{
	struct strbuf	 sb = STRBUF_INIT;
	struct stat	 st;
	struct dirent	*e;
	DIR		*dir = NULL;
	glob_t		 g;
	size_t		 i;
	int		 rc = 0, globbed = 0;

	memset(out, 0, sizeof *out);
	memset(&g, 0, sizeof g);
	if (strpbrk(where, "*?[") != NULL) {
		/* a glob: its matches, in glob's (name) order */
		globbed = 1;
		if ((rc = glob(where, 0, NULL, &g)) != 0 && rc != GLOB_NOMATCH) {
			rc = err_set(err, MG_ECONFIG, "models '%s': cannot "
			    "read the folder", where);
			goto done;
		}
		rc = 0;
		for (i = 0; i < g.gl_pathc; i++) {
			if (stat(g.gl_pathv[i], &st) == 0 &&
			    S_ISREG(st.st_mode) &&
			    model_file_for(g.gl_pathv[i], flavor))
				strv_push(out, g.gl_pathv[i]);
		}
	} else {
		if ((dir = opendir(where)) == NULL) {
			rc = err_set(err, MG_ECONFIG, "models '%s': %s", where,
			    strerror(errno));
			goto done;
		}
		while ((e = readdir(dir)) != NULL) {
			if (e->d_name[0] == '.' ||
			    !model_file_for(e->d_name, flavor))
				continue;
			strbuf_reset(&sb);
			strbuf_addf(&sb, "%s/%s", where, e->d_name);
			if (stat(sb.buf, &st) == 0 && S_ISREG(st.st_mode))
				strv_push(out, sb.buf);
		}
	}
	if (!globbed && out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, model_cmp);
done:
	if (globbed)
		globfree(&g);
	if (dir != NULL)
		closedir(dir);
	if (rc != 0)
		strv_release(out);
	strbuf_release(&sb);
	return rc;
}

int
model_files(struct strv *out, const struct config *cfg,
    enum sql_flavor flavor, struct err *err)
{
	const struct config_entry	*e = config_find(cfg, "models");
	char				*where;
	int				 rc;

	memset(out, 0, sizeof *out);
	if ((where = config_get_path(cfg, "models")) == NULL)
		return 0;	/* no model */
	if ((rc = model_files_at(out, where, flavor, err)) != 0 &&
	    e != NULL && e->line > 0)
		err_set_path(err, cfg->path, e->line);
	xfree(where);
	return rc;
}

/*
 * Whether a statement would step out of the scratch: ending or starting
 * a transaction (on PostgreSQL the scratch lives in one, on the live
 * database) or changing the session's search path or role.
 */
static int
model_escapes(const char *sql)
{
	static const char *const words[] = {
		"BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT",
		"SAVEPOINT", "RELEASE", "PREPARE", "RESET", "DISCARD", NULL
	};
	const char	*p = sql;
	size_t		 i, n;

	for (;;) {	/* comments before the first word */
		p += strspn(p, " \t\r\n");
		if (p[0] == '-' && p[1] == '-')
			p += strcspn(p, "\n");
		else if (p[0] == '/' && p[1] == '*' && strstr(p, "*/") != NULL)
			p = strstr(p, "*/") + 2;
		else
			break;
	}
	n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
	for (i = 0; words[i] != NULL; i++) {
		if (n == strlen(words[i]) && strncasecmp(p, words[i], n) == 0)
			return 1;
	}
	if (n == 3 && strncasecmp(p, "SET", 3) == 0) {
		p += n + strspn(p + n, " \t\r\n");
		return strncasecmp(p, "search_path", 11) == 0 ||
		    strncasecmp(p, "role", 4) == 0 ||
		    strncasecmp(p, "session", 7) == 0 ||
		    strncasecmp(p, "schema", 6) == 0;
	}
	return 0;
}

/*
 * The offset of the first byte of text that is not UTF-8 (an overlong
 * form, a surrogate or above U+10FFFF included), or len.
 */
static size_t
model_utf8_bad(const unsigned char *p, size_t len)
{
	size_t		 i = 0, n, k;
	unsigned long	 c;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf)
			n = 1, c = p[i] & 0x1f;
		else if (p[i] >= 0xe0 && p[i] <= 0xef)
			n = 2, c = p[i] & 0x0f;
		else if (p[i] >= 0xf0 && p[i] <= 0xf4)
			n = 3, c = p[i] & 0x07;
		else
			return i;
		if (len - i <= n)
			return i;
		for (k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return i;
			c = c << 6 | (p[i + k] & 0x3f);
		}
		if ((n == 2 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
		    (n == 3 && (c < 0x10000 || c > 0x10ffff)))
			return i;
		i += n + 1;
	}
	return len;
}

int
model_read(struct strbuf *text, struct sql_stmts *stmts, const char *path,
    enum sql_flavor flavor, struct err *err)
{
	size_t	 j, bad;
	int	 rc;

	strbuf_reset(text);
	sqlsplit_release(stmts);
	if (strbuf_read_file(text, path) != 0)
		return err_set(err, MG_EIO, "cannot read '%s': %s", path,
		    strerror(errno));
	/* both databases take SQL as UTF-8; SQLite would keep the bytes */
	if ((bad = model_utf8_bad((const unsigned char *)text->buf,
	    text->len)) < text->len) {
		unsigned	 line = 1;

		for (j = 0; j < bad; j++)
			line += text->buf[j] == '\n';
		err_set(err, MG_ERROR, "not UTF-8: byte 0x%02x",
		    (unsigned char)text->buf[bad]);
		err_set_path(err, path, line);
		return MG_ERROR;
	}
	if ((rc = sqlsplit_parse(stmts, text->buf, text->len, flavor,
	    err)) != 0) {
		err_set_path(err, path, 0);
		return rc;
	}
	for (j = 0; j < stmts->n; j++) {
		if (model_escapes(stmts->v[j].sql)) {
			err_set(err, MG_ECONFIG, "a model declares the schema: "
			    "transactions, search_path and roles are not for "
			    "model files");
			err_set_path(err, path, stmts->v[j].line);
			return MG_ECONFIG;
		}
	}
	return 0;
}

/* Run every model file on conn; errors name file:line. */
int
model_run(struct conn *conn, const struct strv *files, struct err *err)
{
	struct strbuf		 text = STRBUF_INIT;
	struct sql_stmts	 stmts = SQL_STMTS_INIT;
	size_t			 i;
	int			 rc = 0;

	for (i = 0; i < files->n && rc == 0; i++) {
		if ((rc = model_read(&text, &stmts, files->v[i],
		    conn->dialect->flavor, err)) == 0)
			rc = dialect_exec_script(conn, files->v[i], text.buf,
			    text.len, NULL, err);
	}
	sqlsplit_release(&stmts);
	strbuf_release(&text);
	return rc;
}

/* Replace "from." and "\"from\"." by to's in text (NULL stays NULL). */
static void
model_unscratch_text(char **text, const char *from, const char *to)
{
	struct strbuf	 sb = STRBUF_INIT, a = STRBUF_INIT, b = STRBUF_INIT;

	if (*text == NULL || strstr(*text, from) == NULL)
		return;
	strbuf_addstr(&sb, *text);
	strbuf_addf(&a, "\"%s\".", from);
	strbuf_addf(&b, "%s.", to);
	strbuf_replace(&sb, a.buf, b.buf);
	strbuf_reset(&a);
	strbuf_addf(&a, "%s.", from);
	strbuf_replace(&sb, a.buf, b.buf);
	xfree(*text);
	*text = strbuf_detach(&sb, NULL);
	strbuf_release(&a);
	strbuf_release(&b);
}

static void
model_unscratch_name(char **name, const char *from, const char *to)
{
	if (*name != NULL && strcmp(*name, from) == 0) {
		xfree(*name);
		*name = xstrdup(to);
	}
}

/* What was reflected from the scratch schema, as if from schema to. */
void
model_unscratch(struct schema *s, const char *from, const char *to)
{
	size_t	 i, j;

	for (i = 0; i < s->ntables; i++) {
		struct schema_table	*t = s->tables[i];

		model_unscratch_name(&t->schema, from, to);
		for (j = 0; j < t->ncolumns; j++) {
			model_unscratch_text(&t->columns[j]->type, from, to);
			model_unscratch_text(&t->columns[j]->default_sql, from,
			    to);
			model_unscratch_text(&t->columns[j]->generated, from,
			    to);
		}
		for (j = 0; j < t->nfks; j++)
			model_unscratch_name(&t->fks[j]->ref_schema, from, to);
		for (j = 0; j < t->nchecks; j++)
			model_unscratch_text(&t->checks[j]->expr, from, to);
		for (j = 0; j < t->nindexes; j++) {
			model_unscratch_text(&t->indexes[j]->sql, from, to);
			model_unscratch_text(&t->indexes[j]->where, from, to);
		}
	}
	for (i = 0; i < s->ntables; i++) {
		struct schema_table	*t = s->tables[i];

		model_unscratch_text(&t->partition_key, from, to);
		for (j = 0; j < t->parent_schemas.n; j++)
			model_unscratch_name(&t->parent_schemas.v[j], from, to);
	}
	for (i = 0; i < s->nobjects; i++) {
		struct schema_object	*o = s->objects[i];

		model_unscratch_name(&o->schema, from, to);
		model_unscratch_name(&o->table_schema, from, to);
		model_unscratch_text(&o->identity, from, to);
		model_unscratch_text(&o->sql, from, to);
		model_unscratch_text(&o->fixed, from, to);
		model_unscratch_text(&o->default_sql, from, to);
		model_unscratch_text(&o->options, from, to);
		for (j = 0; j < o->deps.n; j++)
			model_unscratch_text(&o->deps.v[j], from, to);
		for (j = 0; j < o->check_defs.n; j++)
			model_unscratch_text(&o->check_defs.v[j], from, to);
	}
	for (i = 0; i < s->nenums; i++)
		model_unscratch_name(&s->enums[i]->schema, from, to);
	for (i = 0; i < s->nviews; i++) {
		model_unscratch_name(&s->views[i]->schema, from, to);
		model_unscratch_text(&s->views[i]->definition, from, to);
	}
}

/*
 * What a model is made of, as bytes: prefix and a NUL, then each file's
 * name, a NUL, its length, ':' and its text (in order). -1 (out reset)
 * when a file cannot be read.
 */
static int
model_source(struct strbuf *out, const char *prefix, const struct strv *files)
{
	struct strbuf	 text = STRBUF_INIT;
	size_t		 i;

	strbuf_reset(out);
	strbuf_add(out, prefix, strlen(prefix) + 1);
	for (i = 0; i < files->n; i++) {
		const char	*base = strrchr(files->v[i], '/');

		base = base != NULL ? base + 1 : files->v[i];
		strbuf_reset(&text);
		if (strbuf_read_file(&text, files->v[i]) != 0) {
			strbuf_release(&text);
			strbuf_reset(out);
			return -1;
		}
		strbuf_add(out, base, strlen(base) + 1);
		strbuf_addf(out, "%zu:", text.len);
		strbuf_add(out, text.buf, text.len);
	}
	strbuf_release(&text);
	return 0;
}

/* The hex sha256 (128 bits) of a model's source; NULL as model_source. */
static char *
model_hash(const char *prefix, const struct strv *files)
{
	struct strbuf	 sb = STRBUF_INIT, source = STRBUF_INIT;
	char		 hex[SHA256_HEX_LEN + 1];

	if (model_source(&source, prefix, files) != 0)
		return NULL;
	sha256_hex(hex, source.buf, source.len);
	strbuf_add(&sb, hex, 32);
	strbuf_release(&source);
	return strbuf_detach(&sb, NULL);
}

/*
 * The model cache: the reflection of a model on a tape (see tape.h), kept
 * in a cache folder under a hash of what made it (its source: each model
 * file's name and text, the database's version, this migrate's version
 * ...), so that a compare whose model did not change replays it instead of
 * loading the model into scratch and reflecting it again (the load is
 * most of a no-op compare, and on SQLite the second reflection most of
 * the rest). model_cache in migrate.ini: a folder, or "off"; by default
 * $XDG_CACHE_HOME/migrate, else ~/.cache/migrate. Best effort: a cache
 * that cannot be read or written is passed by.
 *
 * The hash is XXH64, twice (two seeds): fast, and not collision-proof,
 * so the tape file keeps its source and a replay compares it byte for
 * byte; a collision is a miss, never another model's schema.
 */
#define MODEL_SEED	0x9e3779b97f4a7c15ULL	/* the second: any but 0 */

static char *
model_cache_path(const struct config *cfg, const struct strv *files,
    const char *kind, const char *salt, struct strbuf *source)
{
	struct strbuf	 sb = STRBUF_INIT, prefix = STRBUF_INIT;
	int		 rc;

	strbuf_reset(source);
	if (cache_dir(&sb, cfg) != 0)
		return NULL;
	strbuf_addf(&prefix, "%s %s", kind, salt != NULL ? salt : "");
	rc = model_source(source, prefix.buf, files);
	strbuf_release(&prefix);
	if (rc != 0) {
		strbuf_release(&sb);
		return NULL;
	}
	strbuf_addf(&sb, "/%s-%016llx%016llx.tape", kind,
	    (unsigned long long)xxh64(source->buf, source->len, 0),
	    (unsigned long long)xxh64(source->buf, source->len,
	    MODEL_SEED));
	return strbuf_detach(&sb, NULL);
}

/*
 * A tape file: the magic line; the name of the scratch schema the tape was
 * recorded in (PostgreSQL) or nothing; the XXH64 of the tape (16 hex
 * digits); the length of the source; the source; the tape. The checksum
 * guards against a file damaged or cut short, not against an attacker,
 * who could write the whole file.
 */
#define MODEL_TAPE_MAGIC	"migrate reflection tape 4\n"

/*
 * Replay the tape file at path as like's dialect would reflect; f the
 * filter; source what the tape must have been made from. A tape recorded
 * in a scratch schema reflects it alone, and what it gives is renamed to
 * target. A file that does not check out is removed, and one of another
 * source left alone (a collision of names: the caller writes over it):
 * MG_ENOTFOUND either way.
 */
static int
model_tape_load(struct schema **out, const char *path,
    const struct strbuf *source, const struct conn *like,
    const struct schema_filter *f, const char *target)
{
	struct strbuf		 text = STRBUF_INIT;
	struct strv		 only = { NULL, 0 };
	struct schema_filter	 sf;
	struct err		 err = ERR_INIT;
	const char		*p, *name, *nl, *sum, *lenline, *end;
	char			 want[17], *num;
	unsigned long long	 srclen;
	size_t			 m = strlen(MODEL_TAPE_MAGIC);
	int			 rc = MG_ENOTFOUND;

	*out = NULL;
	sf = f != NULL ? *f : (struct schema_filter){ 0 };
	if (cache_read(&text, NULL, path, SIZE_MAX) != 0)
		goto done;
	end = text.buf + text.len;
	if (text.len < m || memcmp(text.buf, MODEL_TAPE_MAGIC, m) != 0 ||
	    (nl = memchr(text.buf + m, '\n', text.len - m)) == NULL ||
	    (lenline = memchr(nl + 1, '\n', (size_t)(end - nl - 1))) ==
	    NULL || (p = memchr(lenline + 1, '\n', (size_t)(end - lenline -
	    1))) == NULL)
		goto bad;
	name = text.buf + m;
	sum = nl + 1;
	lenline++;
	p++;
	if (lenline - sum != 17 || *lenline < '0' || *lenline > '9')
		goto bad;
	errno = 0;
	srclen = strtoull(lenline, &num, 10);
	if (errno != 0 || num != p - 1 || srclen > (size_t)(end - p))
		goto bad;
	/* another source under this name: a miss, the file left alone */
	if (srclen != source->len || memcmp(p, source->buf, source->len) != 0)
		goto done;
	p += source->len;
	snprintf(want, sizeof want, "%016llx", (unsigned long long)
	    xxh64(p, (size_t)(end - p), 0));
	if (memcmp(sum, want, 16) != 0)
		goto bad;
	if (nl > name) {
		strv_pushn(&only, name, (size_t)(nl - name));
		sf.schemas = &only;
	}
	if (tape_replay(out, p, (size_t)(end - p), like, &sf, &err) != 0)
		goto bad;
	if (only.n > 0)
		model_unscratch(*out, only.v[0], target);
	cache_touch(path);
	rc = 0;
	goto done;
bad:
	(void)unlink(path);
done:
	err_release(&err);
	strv_release(&only);
	strbuf_release(&text);
	return rc;
}

/* A tape into the cache (see model_tape_load). */
static void
model_tape_store(const char *path, const struct strbuf *source,
    const char *scratch, const struct strbuf *tape)
{
	struct strbuf	 parts[3];

	strbuf_init(&parts[0], 0);
	strbuf_addf(&parts[0], MODEL_TAPE_MAGIC "%s\n%016llx\n%zu\n", scratch,
	    (unsigned long long)xxh64(tape->buf, tape->len, 0), source->len);
	parts[1] = *source;
	parts[2] = *tape;
	(void)cache_write(path, parts, 3);
	strbuf_release(&parts[0]);
}

/*
 * SQLite: the model into a database in memory, its reflection recorded
 * on a tape in the cache. The key of a tape: SQLite's version and source,
 * this migrate's version, and the model's files. The filter is not: the
 * queries SQLite's reflection makes do not depend on it (it is applied
 * to their rows), so a tape replays under any filter.
 */
static int
model_load_sqlite(struct schema **out, const struct config *cfg,
    const struct strv *files, const struct dialect *d,
    const struct schema_filter *f, struct err *err)
{
	struct url	*url = NULL;
	struct conn	*scratch = NULL;
	struct conn	 like;
	struct strbuf	 kind = STRBUF_INIT, salt = STRBUF_INIT;
	struct strbuf	 tape = STRBUF_INIT, source = STRBUF_INIT;
	char		*cache;
	int		 rc;

	strbuf_addf(&kind, "sqlite-%s", sqlite3_libversion());
	strbuf_addf(&salt, "%s %s", MIGRATE_VERSION, sqlite3_sourceid());
	cache = model_cache_path(cfg, files, kind.buf, salt.buf, &source);
	memset(&like, 0, sizeof like);
	like.dialect = d;
	like.server_version_num = sqlite3_libversion_number();
	if (cache != NULL && model_tape_load(out, cache, &source, &like, f,
	    NULL) == 0) {
		rc = 0;
		goto done;
	}
	if ((rc = url_parse(&url, "sqlite://", err)) != 0 ||
	    (rc = dialect_connect(&scratch, url, err)) != 0 ||
	    (rc = model_run(scratch, files, err)) != 0)
		goto done;
	if (cache == NULL)
		rc = d->reflect(out, scratch, f, err);
	else if ((rc = tape_record(out, &tape, scratch, f, err)) == 0)
		model_tape_store(cache, &source, "", &tape);
done:
	dialect_disconnect(scratch);
	url_free(url);
	strbuf_release(&kind);
	strbuf_release(&salt);
	strbuf_release(&tape);
	strbuf_release(&source);
	xfree(cache);
	return rc;
}

/*
 * The live database reflected, through the cache where its dialect says
 * what the reflection reads (reflect_source, SQLite): a tape per
 * database file (live-DIALECT-HASH-OF-FILE.tape, so that the cache holds
 * one a database however often its schema changes), replayed while the
 * source is the one it keeps, recorded again when not. Both read inside
 * one savepoint, one state of the catalog. Best effort, as the model
 * cache: a tape that cannot be read or written is passed by.
 */
int
model_reflect_db(struct schema **out, const struct config *cfg,
    struct conn *conn, const struct schema_filter *f, struct err *err)
{
	const struct dialect	*d = conn->dialect;
	struct strbuf		 path = STRBUF_INIT, name = STRBUF_INIT;
	struct strbuf		 source = STRBUF_INIT, tape = STRBUF_INIT;
	struct err		 rerr = ERR_INIT;
	int			 rc;

	*out = NULL;
	if (d->reflect_source == NULL || cache_dir(&path, cfg) != 0) {
		strbuf_release(&path);
		return d->reflect(out, conn, f, err);
	}
	if ((rc = d->exec(conn, "SAVEPOINT migrate_reflect_db", err)) != 0)
		goto done;
	strbuf_addf(&source, "live %s\n", MIGRATE_VERSION);
	if ((rc = d->reflect_source(&name, &source, conn, err)) == 0) {
		strbuf_addf(&path, "/live-%s-%016llx.tape", d->name,
		    (unsigned long long)xxh64(name.buf, name.len, 0));
		if (model_tape_load(out, path.buf, &source, conn, f,
		    NULL) != 0 && (rc = tape_record(out, &tape, conn, f,
		    err)) == 0)
			model_tape_store(path.buf, &source, "", &tape);
	}
	if (d->exec(conn, "RELEASE migrate_reflect_db", rc == 0 ? err :
	    &rerr) != 0 && rc == 0) {
		rc = err->code;
		schema_free(*out);
		*out = NULL;
	}
done:
	err_release(&rerr);
	strbuf_release(&path);
	strbuf_release(&name);
	strbuf_release(&source);
	strbuf_release(&tape);
	return rc;
}

#define MODEL_DEV_MARK	"migrate model "

/* One value of a one-row query, or NULL; *out owned. */
static int
model_query1(char **out, struct conn *conn, const char *sql, struct err *err)
{
	struct rows	*r = NULL;
	int		 rc;

	*out = NULL;
	if ((rc = conn->dialect->query(&r, conn, sql, NULL, 0, err)) != 0)
		return rc;
	if (r->nrows > 0 && rows_get(r, 0, 0) != NULL)
		*out = xstrdup(rows_get(r, 0, 0));
	rows_free(r);
	return 0;
}

/*
 * dev_url, kept: the model stays committed in the dev database, marked
 * by the database's comment ("migrate model HASH"), so that a compare
 * whose model did not change only reflects it. A database marked with
 * another hash is ours: emptied (its schemas dropped) and loaded again.
 * One that is neither marked nor empty, or whose comment the role may
 * not set, is not touched: MG_ENOTFOUND, and the caller loads the model
 * in a transaction rolled back, as before.
 */
static int
model_load_dev(struct schema **out, const struct strv *files,
    struct conn *conn, const struct schema_filter *sf, struct err *err)
{
	struct strbuf	 sql = STRBUF_INIT, mark = STRBUF_INIT;
	struct rows	*r = NULL;
	struct err	 rerr = ERR_INIT;
	char		*hash = NULL, *have = NULL, *db = NULL;
	size_t		 i;
	int		 rc;

	*out = NULL;
	if ((rc = model_query1(&db, conn, "SELECT current_database()",
	    err)) != 0 || (rc = model_query1(&have, conn, "SELECT "
	    "shobj_description(oid, 'pg_database') FROM pg_database WHERE "
	    "datname = current_database()", err)) != 0)
		goto done;
	strbuf_addf(&sql, "postgres %d", conn->server_version_num);
	if ((hash = model_hash(sql.buf, files)) == NULL) {
		rc = MG_ENOTFOUND;
		goto done;
	}
	strbuf_addf(&mark, MODEL_DEV_MARK "%s", hash);
	if (have != NULL && strcmp(have, mark.buf) == 0) {
		rc = conn->dialect->reflect(out, conn, sf, err);
		goto done;
	}
	if (have == NULL || strncmp(have, MODEL_DEV_MARK,
	    strlen(MODEL_DEV_MARK)) != 0) {
		/*
		 * not ours: only a database that is empty whatever the
		 * filters say is taken (no schema but public, nothing in it)
		 */
		char	*any = NULL;

		if ((rc = model_query1(&any, conn, "SELECT 1 FROM "
		    "pg_namespace n WHERE n.nspname !~ '^pg_' AND n.nspname "
		    "<> 'information_schema' AND (n.nspname <> 'public' OR "
		    "EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = "
		    "n.oid) OR EXISTS (SELECT 1 FROM pg_type t WHERE "
		    "t.typnamespace = n.oid) OR EXISTS (SELECT 1 FROM pg_proc f "
		    "WHERE f.pronamespace = n.oid)) LIMIT 1", err)) != 0)
			goto done;
		rc = any != NULL ? MG_ENOTFOUND : 0;
		xfree(any);
		if (rc != 0)
			goto done;
	}
	/* ours, or empty: its schemas go, the model comes, the mark */
	if ((rc = conn->dialect->query(&r, conn, "SELECT nspname FROM "
	    "pg_namespace WHERE nspname !~ '^pg_' AND nspname <> "
	    "'information_schema'", NULL, 0, err)) != 0 ||
	    (rc = dialect_begin(conn, err)) != 0)
		goto done;
	for (i = 0; i < r->nrows && rc == 0; i++) {
		strbuf_reset(&sql);
		strbuf_addstr(&sql, "DROP SCHEMA ");
		conn->dialect->quote_ident(&sql, rows_get(r, i, 0));
		strbuf_addstr(&sql, " CASCADE");
		rc = conn->dialect->exec(conn, sql.buf, err);
	}
	/* the search path is not looked up again by itself */
	if (rc == 0)
		rc = conn->dialect->exec(conn, "CREATE SCHEMA public; SET LOCAL "
		    "search_path TO \"$user\", public", err);
	strbuf_reset(&sql);
	strbuf_addstr(&sql, "COMMENT ON DATABASE ");
	conn->dialect->quote_ident(&sql, db != NULL ? db : "");
	strbuf_addstr(&sql, " IS ");
	conn->dialect->quote_literal(&sql, mark.buf);
	if (rc == 0 && (rc = model_run(conn, files, err)) == 0 &&
	    (rc = conn->dialect->exec(conn, sql.buf, err)) == 0)
		rc = dialect_commit(conn, err);
	if (rc != 0) {
		while (conn->txn_depth > 0 && dialect_rollback(conn,
		    &rerr) == 0)
			;
		goto done;
	}
	rc = conn->dialect->reflect(out, conn, sf, err);
done:
	rows_free(r);
	err_release(&rerr);
	strbuf_release(&sql);
	strbuf_release(&mark);
	xfree(hash);
	xfree(have);
	xfree(db);
	return rc;
}

/*
 * PostgreSQL: a schema of its own in a transaction that is rolled back
 * whatever happens; search_path names it alone, so what the model
 * creates goes there and the catalog prints its names unqualified. A
 * model that names its schema (public.users) cannot go there: such a
 * model needs dev_url, an empty database where it is loaded as it is
 * (own), in a transaction rolled back as well.
 */
/*
 * What the model made outside the scratch schema, in this transaction (a
 * table it names as public.t): it would be left out of the comparison,
 * so it is an error that says what to do.
 */
static int
model_outside(struct conn *conn, const char *scratch, struct err *err)
{
	struct rows	*r = NULL;
	const char	*params[1] = { scratch };
	int		 rc;

	if ((rc = conn->dialect->query(&r, conn, "SELECT n.nspname || '.' || "
	    "c.relname, 1 FROM pg_catalog.pg_class c JOIN "
	    "pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	    "WHERE n.nspname <> $1 AND "
	    "n.nspname NOT LIKE 'pg_toast%' AND age(c.xmin) = 0 "
	    "UNION ALL SELECT n.nspname || '.' || p.proname, 2 "
	    "FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n "
	    "ON n.oid = p.pronamespace WHERE n.nspname <> $1 "
	    "AND age(p.xmin) = 0 "
	    "UNION ALL SELECT n.nspname || '.' || t.typname, 3 "
	    "FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n "
	    "ON n.oid = t.typnamespace WHERE n.nspname <> $1 "
	    "AND n.nspname NOT LIKE 'pg_toast%' AND t.typcategory <> 'A' "
	    "AND age(t.xmin) = 0 "
	    "UNION ALL SELECT n.nspname, 4 FROM pg_catalog.pg_namespace n "
	    "WHERE n.nspname <> $1 AND age(n.xmin) = 0 "
	    "ORDER BY 2, 1 LIMIT 1", params, 1, err)) != 0)
		return rc;
	if (r->nrows > 0)
		rc = err_set(err, MG_ECONFIG, "the model names a schema of "
		    "its own ('%s'): set dev_url to an empty database to load "
		    "such a model into", rows_get(r, 0, 0));
	rows_free(r);
	return rc;
}

/*
 * PostgreSQL without dev_url: the reflection of the model in scratch, on
 * a tape (see tape.h) in the model cache, replayed instead of loading
 * and reflecting the model again. Its key: the model files, the server's
 * version, the database, this migrate's version and a fingerprint of
 * what a model may use of the live database besides the schemas it
 * manages (extensions, the role, the rows of every other schema's
 * tables, columns, types and functions), so that a replay gives what a
 * load would. The file: see model_tape_load, with the name of the scratch
 * schema the tape was recorded in.
 */
static char *
model_tape_fingerprint(struct conn *conn, const struct schema_filter *f)
{
	static const char	*const sql =
	    "WITH o AS (SELECT n.oid FROM pg_catalog.pg_namespace n WHERE "
	    "n.nspname NOT IN ('pg_catalog', 'information_schema') AND "
	    "n.nspname !~ '^pg_(toast|temp)' AND n.nspname <> ALL ($1)), "
	    "r AS (SELECT 'n' || n.oid || ':' || n.xmin AS x FROM "
	    "pg_catalog.pg_namespace n WHERE n.oid IN (SELECT oid FROM o) "
	    "UNION ALL SELECT 'c' || c.oid || ':' || c.xmin FROM "
	    "pg_catalog.pg_class c WHERE c.relnamespace IN (SELECT oid FROM o) "
	    "UNION ALL SELECT 'a' || a.attrelid || '.' || a.attnum || ':' || "
	    "a.xmin FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c "
	    "ON c.oid = a.attrelid WHERE c.relnamespace IN (SELECT oid FROM o) "
	    "UNION ALL SELECT 'd' || d.oid || ':' || d.xmin FROM "
	    "pg_catalog.pg_attrdef d JOIN pg_catalog.pg_class c ON c.oid = "
	    "d.adrelid WHERE c.relnamespace IN (SELECT oid FROM o) "
	    "UNION ALL SELECT 'k' || k.oid || ':' || k.xmin FROM "
	    "pg_catalog.pg_constraint k WHERE k.connamespace IN (SELECT oid "
	    "FROM o) "
	    "UNION ALL SELECT 't' || t.oid || ':' || t.xmin FROM "
	    "pg_catalog.pg_type t WHERE t.typnamespace IN (SELECT oid FROM o) "
	    "UNION ALL SELECT 'p' || p.oid || ':' || p.xmin FROM "
	    "pg_catalog.pg_proc p WHERE p.pronamespace IN (SELECT oid FROM o) "
	    "UNION ALL SELECT 'e' || e.extname || ' ' || e.extversion || ' ' "
	    "|| e.extnamespace FROM pg_catalog.pg_extension e) "
	    "SELECT md5(current_user || '|' || coalesce((SELECT "
	    "string_agg(x, ',' ORDER BY x) FROM r), ''))";
	struct strv	 public_only = { NULL, 0 };
	const struct strv *nspaces;
	struct rows	*r = NULL;
	struct err	 err = ERR_INIT;
	const char	*params[1];
	char		*arr, *fp = NULL;

	if (f != NULL && f->schemas != NULL && f->schemas->n > 0)
		nspaces = f->schemas;
	else {
		strv_push(&public_only, "public");
		nspaces = &public_only;
	}
	arr = pg_text_array(nspaces);
	params[0] = arr;
	if (conn->dialect->query(&r, conn, sql, params, 1, &err) == 0 &&
	    r->nrows == 1 && rows_get(r, 0, 0) != NULL)
		fp = xstrdup(rows_get(r, 0, 0));
	rows_free(r);
	err_release(&err);
	xfree(arr);
	strv_release(&public_only);
	return fp;
}

static int
model_load_pg(struct schema **out, const struct config *cfg,
    const struct strv *files, struct conn *conn, int own,
    const struct schema_filter *f, struct err *err)
{
	struct schema_filter	 sf;
	struct strv		 only = { NULL, 0 };
	struct strbuf		 sql = STRBUF_INIT, name = STRBUF_INIT;
	struct strbuf		 tape = STRBUF_INIT, source = STRBUF_INIT;
	struct err		 rerr = ERR_INIT;
	const char		*target, *mc;
	char			*cache = NULL, *fp;
	int			 rc = 0, depth = conn->txn_depth;

	*out = NULL;
	target = f != NULL && f->schemas != NULL && f->schemas->n > 0 ?
	    f->schemas->v[0] : "public";
	sf = f != NULL ? *f : (struct schema_filter){ 0 };
	mc = config_get(cfg, "model_cache");
	if (!own && (mc == NULL || strcmp(mc, "off") != 0) &&
	    (fp = model_tape_fingerprint(conn, f)) != NULL) {
		strbuf_addf(&sql, "postgres-%d", conn->server_version_num);
		strbuf_addf(&name, "%s %s %s", MIGRATE_VERSION,
		    conn->display_url, fp);
		cache = model_cache_path(cfg, files, sql.buf, name.buf,
		    &source);
		strbuf_reset(&sql);
		strbuf_reset(&name);
		xfree(fp);
		if (cache != NULL && model_tape_load(out, cache, &source, conn,
		    &sf, target) == 0)
			goto done;
	}
	if ((rc = dialect_begin(conn, err)) != 0)
		goto done;
	if (own) {
		/* dev_url: an empty database of its own, used as it is */
		if ((rc = model_run(conn, files, err)) == 0)
			rc = conn->dialect->reflect(out, conn, &sf, err);
		goto done;
	}
	strbuf_addf(&name, "migrate_scratch_%ld", (long)getpid());
	strv_push(&only, name.buf);
	sf.schemas = &only;
	strbuf_addstr(&sql, "CREATE SCHEMA ");
	conn->dialect->quote_ident(&sql, name.buf);
	strbuf_addstr(&sql, "; SET LOCAL search_path TO ");
	conn->dialect->quote_ident(&sql, name.buf);
	if ((rc = conn->dialect->exec(conn, sql.buf, err)) != 0 ||
	    (rc = model_run(conn, files, err)) != 0 ||
	    (rc = model_outside(conn, name.buf, err)) != 0)
		goto done;
	if (cache == NULL)
		rc = conn->dialect->reflect(out, conn, &sf, err);
	else if ((rc = tape_record(out, &tape, conn, &sf, err)) == 0)
		model_tape_store(cache, &source, name.buf, &tape);
	if (rc != 0)
		goto done;
	model_unscratch(*out, name.buf, target);
done:
	while (conn->txn_depth > depth && dialect_rollback(conn, &rerr) == 0)
		;
	err_release(&rerr);
	strv_release(&only);
	strbuf_release(&sql);
	strbuf_release(&name);
	strbuf_release(&tape);
	strbuf_release(&source);
	xfree(cache);
	return rc;
}

int
model_hints_files(struct rename_hints *out, const struct strv *files,
    enum sql_flavor flavor, struct err *err)
{
	struct strbuf	 text = STRBUF_INIT;
	size_t		 i;
	int		 rc = 0;

	for (i = 0; i < files->n && rc == 0; i++) {
		strbuf_reset(&text);
		if (strbuf_read_file(&text, files->v[i]) != 0)
			rc = err_set(err, MG_EIO, "cannot read '%s': %s",
			    files->v[i], strerror(errno));
		else
			rc = rename_hints_scan(out, files->v[i], text.buf,
			    flavor, err);
	}
	strbuf_release(&text);
	return rc;
}

int
model_hints(struct rename_hints *out, const struct config *cfg,
    enum sql_flavor flavor, struct err *err)
{
	struct strv	 files = { NULL, 0 };
	int		 rc;

	if ((rc = model_files(&files, cfg, flavor, err)) == 0)
		rc = model_hints_files(out, &files, flavor, err);
	strv_release(&files);
	return rc;
}

int
model_load_files(struct schema **out, const struct config *cfg,
    const struct strv *files, const struct dialect *d, struct conn *live,
    const struct schema_filter *f, struct err *err)
{
	struct url	*dev = NULL;
	struct conn	*devconn = NULL;
	const char	*dev_url = config_get(cfg, "dev_url");
	int		 rc;

	*out = NULL;
	if (d->reflect == NULL)
		return err_set(err, MG_ERROR, "reflection is not available "
		    "for %s yet", d->name);
	if (d->flavor == SQL_SQLITE) {
		rc = model_load_sqlite(out, cfg, files, d, f, err);
		goto done;
	}
	if (dev_url != NULL && *dev_url != '\0') {
		if ((rc = url_parse(&dev, dev_url, err)) != 0 ||
		    (rc = dialect_connect(&devconn, dev, err)) != 0)
			goto done;
		live = devconn;
	}
	if (live == NULL)
		BUG("model_load on PostgreSQL without a connection");
	if (devconn != NULL) {
		struct schema_filter	 sf = f != NULL ? *f :
					    (struct schema_filter){ 0 };

		if ((rc = model_load_dev(out, files, devconn, &sf,
		    err)) != MG_ENOTFOUND)
			goto done;
		err_release(err);
	}
	rc = model_load_pg(out, cfg, files, live, devconn != NULL, f, err);
done:
	if (rc != 0) {
		schema_free(*out);
		*out = NULL;
	}
	dialect_disconnect(devconn);
	url_free(dev);
	return rc;
}

int
model_load(struct schema **out, const struct config *cfg,
    const struct dialect *d, struct conn *live, const struct schema_filter *f,
    struct err *err)
{
	struct strv	 files = { NULL, 0 };
	int		 rc;

	*out = NULL;
	if ((rc = model_files(&files, cfg, d->flavor, err)) == 0)
		rc = model_load_files(out, cfg, &files, d, live, f, err);
	strv_release(&files);
	return rc;
}
