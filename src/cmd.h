/*
 * The command table and what every command's exec receives: the context
 * built by main.c from the global options and the parsed arguments.
 */
#ifndef MIGRATE_CMD_H
#define MIGRATE_CMD_H

#include "migrate.h"
#include "dialect.h"

struct cmd_ctx {
	const char	*config_path;	/* -c; NULL: ./migrate.ini if present */
	const char	*url_flag;	/* --url */
	const char	*url_env;	/* MIGRATE_URL */
	int		 verbose;	/* -v */
	int		 quiet;		/* -q */
	struct config	*config;	/* CMD_NEEDS_CONFIG */
	struct url	*url;		/* CMD_NEEDS_DB */
	struct conn	*conn;		/* CMD_NEEDS_DB */
	FILE		*out;		/* data */
	FILE		*log;		/* progress and warnings */
};

/* One option of a command, as git's struct option. */
struct cmd_opt {
	const char	*name;		/* long name, without "--" */
	int		 short_name;	/* 0 if none */
	const char	*arg;		/* argument's name, NULL for a flag */
	const char	*help;
};

struct args_value {
	const struct cmd_opt	*opt;
	const char		*value;		/* borrowed from argv */
};

/* What args_parse found: options in order, then the positionals. */
struct args {
	struct args_value	*vals;
	size_t			 nvals;
	size_t			 alloc;
	char			**argv;		/* borrowed */
	int			 argc;
	int			 help;		/* -h or --help was given */
};
#define ARGS_INIT { NULL, 0, 0, NULL, 0, 0 }

#define CMD_NEEDS_CONFIG	0x1
#define CMD_NEEDS_DB		0x2	/* implies CMD_NEEDS_CONFIG */
#define CMD_CONFIG_OPTIONAL	0x4	/* run without migrate.ini if absent */

struct cmd_entry {
	const char		*name;
	const char		*alias;
	const char		*usage;		/* after "migrate <name> " */
	const char		*summary;	/* one line for --help */
	const struct cmd_opt	*opts;		/* NULL-terminated, or NULL */
	int			 nargs_min;
	int			 nargs_max;	/* -1: any number */
	int			 flags;
	int			(*exec)(struct cmd_ctx *, struct args *,
				    struct err *);
};

extern const struct cmd_entry cmd_branches_entry;
extern const struct cmd_entry cmd_check_entry;
extern const struct cmd_entry cmd_config_entry;
extern const struct cmd_entry cmd_create_all_entry;
extern const struct cmd_entry cmd_current_entry;
extern const struct cmd_entry cmd_diff_entry;
extern const struct cmd_entry cmd_downgrade_entry;
extern const struct cmd_entry cmd_edit_entry;
extern const struct cmd_entry cmd_exec_entry;
extern const struct cmd_entry cmd_heads_entry;
extern const struct cmd_entry cmd_help_entry;
extern const struct cmd_entry cmd_history_entry;
extern const struct cmd_entry cmd_init_entry;
extern const struct cmd_entry cmd_merge_entry;
extern const struct cmd_entry cmd_revision_entry;
extern const struct cmd_entry cmd_show_entry;
extern const struct cmd_entry cmd_stamp_entry;
extern const struct cmd_entry cmd_upgrade_entry;

extern const struct cmd_entry *const cmd_table[];

/* cmd.c */
/* The command named name (exactly, or its alias), or NULL. */
const struct cmd_entry *cmd_find(const char *name);
/*
 * Parse argv (argv[0] is the first argument after the command name) into
 * out: options anywhere until "--", then positionals. Returns MG_EUSAGE
 * for an unknown option or a missing argument.
 */
int		 args_parse(struct args *out, const struct cmd_entry *,
		    int argc, char **argv, struct err *);
/* out->help may be set before the call (migrate -h CMD) */
void		 args_release(struct args *);
/* How many times the option was given. */
int		 args_has(const struct args *, const char *name);
/* The last value given for the option, or NULL. */
const char	*args_get(const struct args *, const char *name);
/* Every value given for the option, in order, added to out. */
void		 args_values(const struct args *, const char *name,
		    struct strv *out);
/*
 * --format: *json set for "json", clear for "text" or none; anything
 * else is MG_EUSAGE.
 */
int		 cmd_json(int *json, const struct args *, struct err *);
/*
 * A revision as a JSON object: revision, parents, depends_on,
 * branch_labels, message, path, is_head, is_base, is_current (in current;
 * null when current is NULL: the database was not read).
 */
void		 cmd_json_rev(struct strbuf *out, const struct rev *,
		    const struct revset *current);
/* Print "usage: migrate <name> <usage>" and the option table. */
void		 cmd_usage(FILE *, const struct cmd_entry *);
/* Print the list of commands. */
void		 cmd_list(FILE *);
/*
 * Parse the database URL in force (--url, MIGRATE_URL, url) into
 * ctx->url; MG_ECONFIG naming where a bad one came from.
 */
int		 cmd_url(struct cmd_ctx *, struct err *);
/* cmd_url, then connect ctx->conn (once). */
int		 cmd_connect(struct cmd_ctx *, struct err *);

/* What cmd_format_rev shows of a revision, as Alembic's cmd_format. */
#define FMT_PARENTS	0x01	/* "parent -> " */
#define FMT_BRANCHES	0x02	/* " (label)" */
#define FMT_DOC		0x04	/* ", message" */
#define FMT_TREE	0x08	/* (head) (current) (branchpoint) ... */
#define FMT_HEAD	0x10	/* (head) (current) only */
#define FMT_VERBOSE	0x20	/* the whole log entry */
/* current (the version rows, or NULL) adds " (current)". */
void		 cmd_format_rev(struct strbuf *out, const struct graph *,
		    const struct rev *, int flags,
		    const struct revset *current);
void		 cmd_format_rev_verbose(struct strbuf *out,
		    const struct graph *, const struct rev *,
		    const struct revset *current);

/* cmd-upgrade.c */
/* upgrade (or downgrade) to args->argv[0], online or with --sql. */
int		 cmd_upgrade_run(struct cmd_ctx *, struct args *, int upgrade,
		    struct err *);

/* cmd-current.c */
/* The database's version rows, read without lock or table creation. */
int		 cmd_current_rows(struct revset *out, struct cmd_ctx *,
		    const struct graph *, struct err *);

/* cmd-show.c */
/* Whether a revision spec needs the database (current, +N, -N). */
int		 cmd_spec_needs_db(const char *spec);

/* cmd-revision.c */
/* A new revision script's parts; strings borrowed. */
struct revision_new {
	const char	*message;
	const char	*rev_id;	/* NULL: 12 random hex digits */
	struct revset	 parents;
	const char	*labels;	/* "a, b" or NULL */
	const char	*depends;	/* "id, label" or NULL */
	const char	*version_path;	/* NULL: the parent's or the first */
	const char	*upgrades;	/* SQL, or NULL */
	const char	*downgrades;
	int		 lint;		/* lint it, on stderr (autogenerate) */
};
/* Render the template and write the script, never half a file. */
int		 cmd_revision_write(struct cmd_ctx *, const struct graph *,
		    const struct revision_new *, struct err *);

/* cmd-diff.c */
/* The database against the model: both schemas, the SQL both ways. */
struct cmd_compare {
	struct schema	*db;
	struct schema	*model;
	struct diff	 ops;		/* the upgrade's, on db and model */
	size_t		 nops;		/* of the upgrade; 0: equal */
	size_t		 nwarnings;	/* upgrade ops that lose data */
	struct strv	 warnings;	/* their lines, as on stderr */
	struct strv	 hints;		/* drops and adds that may be renames */
	struct strbuf	 upgrade;	/* SQL: database -> model */
	struct strbuf	 downgrade;	/* SQL: model -> database */
};
/*
 * Connect, reflect the database, load the model into scratch, diff and
 * render both ways; print a WARNING line on ctx->log for each op of the
 * upgrade that can lose data, and a hint for each drop and create that
 * may be a rename. renames (NULL: none) are --rename arguments, "OLD=NEW";
 * the model's "-- migrate:renamed-from" comments are read too. Release
 * with cmd_compare_release.
 */
/*
 * Set mark[] (by index) for each revision that stands on r through
 * Revises alone (its branch; not what merely depends on it), not r.
 */
void		 cmd_revises_above(unsigned char *mark, const struct graph *,
		    const struct rev *);

int		 cmd_compare(struct cmd_compare *, struct cmd_ctx *,
		    const struct strv *renames, struct err *);
void		 cmd_compare_release(struct cmd_compare *);

/* cmd-help.c */
/* Print the global usage and the list of commands. */
void		 cmd_help_print(FILE *);

#endif
