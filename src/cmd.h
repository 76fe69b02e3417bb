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

extern const struct cmd_entry cmd_config_entry;
extern const struct cmd_entry cmd_exec_entry;
extern const struct cmd_entry cmd_help_entry;

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
/* Print "usage: migrate <name> <usage>" and the option table. */
void		 cmd_usage(FILE *, const struct cmd_entry *);
/* Print the list of commands. */
void		 cmd_list(FILE *);

/* cmd-help.c */
/* Print the global usage and the list of commands. */
void		 cmd_help_print(FILE *);

#endif
