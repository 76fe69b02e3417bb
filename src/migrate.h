/*
 * Shared types and the prototypes of the core modules, one block per file.
 */
#ifndef MIGRATE_H
#define MIGRATE_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "util/error.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

#define MIGRATE_VERSION "0.1.0"

/* url.c */
enum url_kind {
	URL_SQLITE = 1,
	URL_POSTGRES
};

struct url_param {
	char	*key;		/* percent-decoded */
	char	*value;		/* percent-decoded */
};

/*
 * A parsed database URL. Every string is owned and percent-decoded.
 * SQLite: path is the file name as written after "sqlite:///" (relative to
 * the working directory unless it starts with '/'), NULL when memory is set.
 * PostgreSQL: host without IPv6 brackets, port 0 when not given.
 */
struct url {
	enum url_kind		 kind;
	char			*scheme;	/* as written, lower case */
	char			*user;
	char			*password;
	char			*host;
	int			 port;
	char			*database;	/* PostgreSQL database name */
	char			*path;		/* SQLite file */
	int			 memory;	/* SQLite in-memory database */
	struct url_param	*params;
	size_t			 nparams;
};

/*
 * Parse a database URL. Returns 0, or MG_ECONFIG with a one-line message
 * that says what is wrong and never contains the password. The caller
 * frees *out with url_free.
 */
int		 url_parse(struct url **out, const char *text, struct err *);
void		 url_free(struct url *);
/* The URL as text with the password shown as "***"; caller frees. */
char		*url_mask(const struct url *);
/* The decoded value of query parameter key, or NULL. Borrowed. */
const char	*url_param(const struct url *, const char *key);

/* sqlsplit.c */
enum sql_flavor {
	SQL_SQLITE = 1,
	SQL_POSTGRES
};

struct sql_stmt {
	char		*sql;		/* owned; no trailing ';' */
	unsigned	 line;		/* line of its first token, from 1 */
};

struct sql_stmts {
	struct sql_stmt	*v;
	size_t		 n;
	size_t		 alloc;
};
#define SQL_STMTS_INIT { NULL, 0, 0 }

/*
 * Split text into statements, appending them to out. Comments and blank
 * space before a statement are not part of it; empty statements are
 * dropped. Returns 0, or MG_ERROR with err->line set when a quote, comment
 * or body is left open, or the text holds a NUL byte (the caller adds the
 * file name with err_set_path).
 */
int		 sqlsplit_parse(struct sql_stmts *out, const char *text,
		    size_t len, enum sql_flavor, struct err *);
void		 sqlsplit_release(struct sql_stmts *);

/* script.c */
#define SCRIPT_ID_MAX	32	/* version_num is VARCHAR(32) */

/* The upgrade or the downgrade part of a script: text after its marker. */
struct script_part {
	int		 present;	/* the marker line is there */
	size_t		 off;		/* into text */
	size_t		 len;
	unsigned	 line;		/* file line of the part's first line */
};

/*
 * One revision script. Every string is owned; down, labels and depends
 * are arrays of n strings in header order. A script the graph loads has
 * its header only: text is NULL, and up, down_part and revises_at are
 * not set, until script_load_body. A packed script (the header cache's)
 * holds its strings and lists in the struct's own allocation.
 */
struct script {
	char			 *path;
	char			 *rev;		/* Revision ID */
	char			**down;		/* Revises */
	size_t			  ndown;
	size_t			  revises_at;	/* its value in text */
	size_t			  revises_len;
	unsigned		  rev_line;	/* the header's lines of */
	unsigned		  revises_line;	/* these fields, 0 if none */
	unsigned		  labels_line;
	unsigned		  depends_line;
	char			**labels;	/* Branch Labels */
	size_t			  nlabels;
	char			**depends;	/* Depends On: ids or labels */
	size_t			  ndepends;
	char			 *message;
	char			 *create_date;	/* NULL if absent */
	char			 *author;	/* NULL if absent */
	int			  transactional;
	char			 *text;		/* the whole file, or NULL */
	size_t			  len;
	struct script_part	  up;
	struct script_part	  down_part;
	int			  packed;	/* one allocation: see above */
};

/*
 * Read a script from text (taking ownership of it, a malloc'd buffer).
 * Returns 0, or MG_ECONFIG naming path and line: a missing or repeated
 * field, a bad id, SQL outside the two parts, no upgrade part.
 */
int		 script_parse(struct script **out, const char *path,
		    char *text, size_t len, struct err *);
/* script_parse on a file's contents; MG_EIO if it cannot be read. */
int		 script_read(struct script **out, const char *path,
		    struct err *);
/*
 * Read the file name under the folder dirfd and parse it whole, keeping
 * its text only with keep_text (else the header alone, as the graph
 * needs). path is what messages name and the script's path. MG_EIO, or
 * script_parse's errors.
 */
int		 script_read_at(struct script **out, int dirfd,
		    const char *name, const char *path, int keep_text,
		    struct err *);
/*
 * Give a script read for its header its text and parts, reading its file
 * again (a no-op when it has them). MG_EIO, script_parse's errors, or
 * MG_ECONFIG when the header in the file is no longer the script's.
 */
int		 script_load_body(struct script *, struct err *);
void		 script_free(struct script *);
/* Letters, digits and '_', 1 to SCRIPT_ID_MAX, not a reserved word. */
int		 script_valid_id(const char *, size_t);
/* SHA-256 (hex) of the upgrade or downgrade part, line endings ignored. */
void		 script_checksum(char out[65], const struct script *,
		    int upgrade);
/* Alembic's file-name slug of a message; caller frees. */
char		*script_slug(const char *message, long max);
/* Expand file_template into out; MG_ECONFIG if it is malformed. */
int		 script_file_name(struct strbuf *out, const char *tmpl,
		    const char *rev, const char *slug, time_t when,
		    const struct tm *tm, struct err *);
/* Fill ${name} placeholders from vars: name, value, ..., NULL. */
void		 script_render(struct strbuf *out, const char *tmpl,
		    size_t len, const char *const *vars);

/* graph.c */
struct config;
/* One revision in the graph; pointers borrowed from the graph. */
struct rev {
	struct script	 *script;	/* owned by the graph */
	const char	 *id;		/* script->rev */
	struct rev	**parents;	/* Revises */
	size_t		  nparents;
	struct rev	**deps;		/* Depends On, less what Revises has */
	size_t		  ndeps;
	struct rev	**children;
	size_t		  nchildren;
	struct rev	**dependents;
	size_t		  ndependents;
	size_t		  index;	/* in graph->order */
};

struct graph_label {
	const char	*name;		/* borrowed from the script */
	struct rev	*rev;		/* the revision that declares it */
	unsigned char	*member;	/* by index: revisions on the branch */
};

/*
 * Every revision, in order[] from bases to heads: each after its parents
 * and dependencies. heads have no children, bases no parents.
 */
struct graph {
	struct rev		 *revs;		/* nrevs, in file-name order */
	size_t			  nrevs;
	struct rev		**order;
	struct rev		**slots;	/* hash of ids */
	size_t			  nslots;
	struct rev		**heads;
	size_t			  nheads;
	size_t			  aheads;
	struct rev		**bases;
	size_t			  nbases;
	size_t			  abases;
	struct graph_label	 *labels;
	size_t			  nlabels;
	struct rev		**below;	/* all parents[] and deps[] */
	struct rev		**above;	/* children[], dependents[] */
	struct strbuf		 *problems;	/* building: see graph_load_all */
};

/* A set of revisions: version rows, or the revisions a spec names. */
struct revset {
	struct rev	**v;
	size_t		  n;
	size_t		  alloc;
};
#define REVSET_INIT { NULL, 0, 0 }

/*
 * What a revision spec resolves to: revisions, or base (of the branch in
 * member when the spec was label@base). member borrows a label's or
 * points to scratch.
 */
struct target {
	struct revset		 revs;
	int			 base;
	const unsigned char	*member;
	unsigned char		*scratch;
};

/* One step of a plan and the version rows it removes and adds. */
struct step {
	struct rev	*rev;
	int		 upgrade;
	struct revset	 from;
	struct revset	 to;
};

struct plan {
	struct step	*v;
	size_t		 n;
	size_t		 alloc;
};

/*
 * Load every *.sql under the version locations and build the graph.
 * MG_ECONFIG naming the script: a bad header or body, a duplicate id
 * (also one differing only in case), a missing parent or dependency, a
 * cycle. The scripts have their headers only: what needs a script's
 * text or parts calls script_load_body (or the two below) first.
 */
int		 graph_load(struct graph **out, const struct config *,
		    struct err *);
/*
 * The same, but with every script's text, and every script that does not
 * parse and every graph error is one line of problems ("path:line:
 * message") and the load goes on to find the next; MG_ECONFIG when there
 * is any (with err saying so).
 */
int		 graph_load_all(struct graph **out, const struct config *,
		    struct strbuf *problems, struct err *);
/* script_load_body of every revision; its first error. */
int		 graph_load_bodies(struct graph *, struct err *);
/* Build from scripts, taking them (the array's slots become NULL). */
int		 graph_build(struct graph **out, struct script **scripts,
		    size_t n, struct err *);
void		 graph_free(struct graph *);
/* The version folders as absolute or here-relative paths. */
int		 graph_locations(char ***out, size_t *n,
		    const struct config *, struct err *);
void		 graph_locations_free(char **, size_t);
/* The revision with exactly this id (case-insensitive), or NULL. */
struct rev	*graph_get(const struct graph *, const char *id);
const struct graph_label *graph_label(const struct graph *,
		    const char *name, size_t len);
/*
 * Resolve a revision spec as Alembic: head, heads, base, an id prefix, a
 * branch label, label@head, label@base, +N, -N, head-N, id+N, label@-N.
 * current (the version rows) may be NULL when the database is not known;
 * a relative spec then fails with MG_EUSAGE. MG_ENOTFOUND,
 * MG_EAMBIGUOUS with Alembic's messages. Release with target_release.
 */
int		 graph_resolve(struct target *out, const struct graph *,
		    const char *spec, const struct revset *current,
		    struct err *);
void		 target_release(struct target *);
/* MG_EUSAGE unless spec is well-formed (whether or not it exists). */
int		 graph_spec_check(const char *spec, struct err *);
/*
 * The steps from version rows to a target, in order, with the version
 * rows each step removes and adds.
 */
int		 graph_plan(struct plan *out, const struct graph *,
		    const struct revset *rows, const struct target *,
		    int upgrade, struct err *);
void		 plan_release(struct plan *);
/* script_load_body of each step's script: before the plan runs. */
int		 plan_load_bodies(const struct plan *, struct err *);
/* The version rows after stamping targets over rows. */
void		 graph_stamp_rows(struct revset *out, const struct graph *,
		    const struct revset *rows, const struct revset *targets);
/* Set mark[] (by index) for r and what stands on it, or what is below. */
void		 graph_descendants(unsigned char *mark, const struct graph *,
		    const struct rev *, int strict);
void		 graph_ancestors(unsigned char *mark, const struct graph *,
		    const struct revset *);
void		 revset_add(struct revset *, struct rev *);
int		 revset_has(const struct revset *, const struct rev *);
void		 revset_release(struct revset *);

/* config.c */
struct config_entry {
	char		*key;
	char		*value;		/* expanded */
	unsigned	 line;		/* 0 for a built-in default */
};

struct config {
	char			*path;		/* the ini file, or NULL */
	char			*here;		/* its folder, absolute */
	struct config_entry	*v;
	size_t			 n;
	size_t			 alloc;
	char			**warnings;	/* "path:line: message" */
	size_t			 nwarnings;
	size_t			 walloc;
};

/*
 * Read the [migrate] section of an ini file: %(here)s, %(key)s and %%
 * interpolation, ${VAR} and ${VAR:-default} from the environment. With
 * path NULL, an empty configuration rooted at the working directory.
 * Unknown keys become warnings; a malformed line, a missing [migrate]
 * section or a broken interpolation is MG_ECONFIG naming file and line.
 */
int		 config_load(struct config **out, const char *path,
		    struct err *);
void		 config_free(struct config *);
/* The entry for key (set in the file or a default), or NULL. Borrowed. */
const struct config_entry *config_find(const struct config *,
		    const char *key);
/* The expanded value of key, or NULL. Borrowed. */
const char	*config_get(const struct config *, const char *key);
int		 config_get_bool(int *out, const struct config *,
		    const char *key, struct err *);
int		 config_get_int(long *out, const struct config *,
		    const char *key, long min, long max, struct err *);
/* A path value resolved against here when relative; caller frees. */
char		*config_get_path(const struct config *, const char *key);
/*
 * The database URL in force: the --url flag, then MIGRATE_URL (env), then
 * url in the file (cfg may be NULL). Returns NULL when none is set.
 * Borrowed.
 */
const char	*config_url(const struct config *, const char *flag,
		    const char *env);
/* Whether key is one migrate.ini knows. */
int		 config_known_key(const char *key);

/* templates.c (generated by scripts/embed-templates.sh) */
/* A file under templates/, compiled into the binary. */
struct template_file {
	const char	*name;		/* relative to templates/: "init/README" */
	const char	*text;		/* its bytes, then a NUL */
	size_t		 len;		/* without the NUL */
};

/* Every embedded file, sorted by name; the last has name NULL. */
extern const struct template_file template_files[];
/*
 * The file called name, relative to templates/ ("revision.sql.tmpl",
 * "init/migrate.ini"), or NULL if none is embedded. Borrowed, static.
 */
const struct template_file *template_find(const char *name);

#endif
