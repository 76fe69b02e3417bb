/*
 * Errors travel in an explicit struct err, filled once by the layer that
 * detects the failure and carried up unchanged. Only main.c prints them.
 */
#ifndef MIGRATE_ERROR_H
#define MIGRATE_ERROR_H

/*
 * Error codes, all negative. main.c maps MG_EUSAGE and MG_ECONFIG to exit
 * code 2 and every other code to 1.
 */
#define MG_OK		  0
#define MG_ERROR	 -1	/* generic failure */
#define MG_EUSAGE	 -2	/* bad command line */
#define MG_ECONFIG	 -3	/* bad migrate.ini, URL or project file */
#define MG_ENOTFOUND	 -4
#define MG_EAMBIGUOUS	 -5
#define MG_ELOCKED	 -6	/* the migration lock is held elsewhere */
#define MG_EDB		 -7	/* the database refused a statement */
#define MG_ECONNECT	 -8	/* cannot connect to the database */
#define MG_EIO		 -9	/* reading or writing a file failed */

struct err {
	int		 code;
	char		*msg;		/* owned, one line */
	char		*path;		/* owned: the user file concerned, or NULL */
	unsigned	 line;		/* line in path, 0 if none */
	char		 sqlstate[6];	/* PostgreSQL SQLSTATE, or "" */
	const char	*src_file;	/* C location of err_set, shown with -v */
	int		 src_line;
};
#define ERR_INIT { 0, NULL, NULL, 0, "", NULL, 0 }

/*
 * Record an error and return its code. A second err_set on an err that
 * already holds one keeps the first: the lowest layer's message wins.
 */
int	err_set_at(struct err *, const char *, int, int, const char *, ...)
	    __attribute__((format(printf, 5, 6)));
#define err_set(e, code, ...) \
	err_set_at((e), __FILE__, __LINE__, (code), __VA_ARGS__)

/*
 * Give an error that is set a new code and put "<fmt>: " before its
 * message: a higher layer saying what the failure meant to it.
 */
void	err_wrap(struct err *, int code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Add text at the end of an error's message: what else the user should know. */
void	err_append(struct err *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * Attach the user file an error concerns, unless one is set, and the line,
 * unless one is set (a lower layer may know the line but not the file).
 */
void	err_set_path(struct err *, const char *path, unsigned line);
/* "path:line: message" (as much of it as is known) onto out. */
struct strbuf;
void	err_format(struct strbuf *out, const struct err *);
void	err_release(struct err *);
/* Exit code for an error: 0, 1 or 2. */
int	err_exit_code(const struct err *);

void	bug_fl(const char *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4), noreturn));
#define BUG(...) bug_fl(__FILE__, __LINE__, __VA_ARGS__)

#endif
