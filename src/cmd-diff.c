/*
 * migrate diff: the SQL that would make the database equal to the model
 * (what revision --autogenerate writes as the upgrade), on stdout, with no
 * revision written and nothing changed; with --from-ref, the SQL between
 * the model at one git commit and at another (or the work tree). Also
 * the shared compare step of autogenerate: reflect the database, load the
 * model into scratch, diff and render both ways.
 */
#include <string.h>

#include "cmd.h"
#include "dialect.h"
#include "gitref.h"
#include "model.h"
#include "rename.h"
#include "util/json.h"

static int	cmd_diff_exec(struct cmd_ctx *, struct args *, struct err *);

static const struct cmd_opt cmd_diff_opts[] = {
	{ "rename", 0, "old=new", "a table (t=u) or column (t.a=t.b) of the "
	    "database is the model's under a new name (repeatable)" },
	{ "format", 0, "text|json", "the output format (json: see JSON "
	    "OUTPUT in migrate(1))" },
	{ "from-ref", 0, "ref", "compare the model at this git ref, not the "
	    "database" },
	{ "to-ref", 0, "ref", "with --from-ref: with the model at this git "
	    "ref, not the work tree's" },
	{ NULL, 0, NULL, NULL }
};

const struct cmd_entry cmd_diff_entry = {
	.name = "diff",
	.usage = "[--from-ref ref [--to-ref ref]] [--rename old=new]... "
	    "[--format json]",
	.summary = "Print the SQL that makes the database equal to the model.",
	.opts = cmd_diff_opts,
	.nargs_min = 0,
	.nargs_max = 0,
	.flags = CMD_NEEDS_CONFIG,
	.exec = cmd_diff_exec
};

/* A migrate.ini list ("a, b c") as a strv. */
static void
cmd_diff_list(struct strv *out, const struct config *cfg, const char *key)
{
	const char	*v = config_get(cfg, key), *p;
	size_t		 len;

	memset(out, 0, sizeof *out);
	for (p = v; p != NULL && *p != '\0'; p += len) {
		p += strspn(p, ", \t\n");
		if ((len = strcspn(p, ", \t\n")) > 0)
			strv_pushn(out, p, len);
	}
}

void
cmd_compare_release(struct cmd_compare *cmp)
{
	diff_release(&cmp->ops);
	strv_release(&cmp->warnings);
	strv_release(&cmp->hints);
	schema_free(cmp->db);
	schema_free(cmp->model);
	strbuf_release(&cmp->upgrade);
	strbuf_release(&cmp->downgrade);
	memset(cmp, 0, sizeof *cmp);
}

/* The tables the compare looks at, from migrate.ini. */
struct cmd_compare_filter {
	struct schema_filter	 f;
	struct strv		 include, exclude, schemas;
};

static void
cmd_compare_filter(struct cmd_compare_filter *cf, const struct config *cfg)
{
	cmd_diff_list(&cf->include, cfg, "include_tables");
	cmd_diff_list(&cf->exclude, cfg, "exclude_tables");
	cmd_diff_list(&cf->schemas, cfg, "schemas");
	memset(&cf->f, 0, sizeof cf->f);
	cf->f.include = &cf->include;
	cf->f.exclude = &cf->exclude;
	cf->f.schemas = cf->schemas.n > 0 ? &cf->schemas : NULL;
	cf->f.version_table = config_get(cfg, "version_table");
	cf->f.history_table = config_get(cfg, "history_table");
}

static void
cmd_compare_filter_release(struct cmd_compare_filter *cf)
{
	strv_release(&cf->include);
	strv_release(&cf->exclude);
	strv_release(&cf->schemas);
}

/* The --rename arguments as hints, first: a typo is found before work. */
static int
cmd_compare_hints(struct rename_hints *hints, const struct strv *renames,
    enum sql_flavor flavor, struct err *err)
{
	size_t	 i;
	int	 rc = 0;

	for (i = 0; renames != NULL && i < renames->n && rc == 0; i++)
		rc = rename_hints_arg(hints, renames->v[i], flavor, err);
	return rc;
}

/*
 * cmp->db to cmp->model, both loaded: resolve the renames, diff both
 * ways, render, and say what the upgrade destroys.
 */
static int
cmd_compare_ops(struct cmd_compare *cmp, struct cmd_ctx *ctx,
    const struct dialect *d, const struct rename_hints *hints,
    struct err *err)
{
	struct diff		*up = &cmp->ops, down = DIFF_INIT;
	struct diff_renames	 ren = DIFF_RENAMES_INIT, back = DIFF_RENAMES_INIT;
	struct strbuf		 line = STRBUF_INIT;
	size_t			 i;
	int			 rc;

	if ((rc = rename_resolve(&ren, hints, cmp->db, cmp->model, d->flavor,
	    err)) != 0)
		goto done;
	diff_renames_reverse(&back, &ren);
	diff_schemas_renamed(&cmp->ops, cmp->db, cmp->model, &ren);
	diff_schemas_renamed(&down, cmp->model, cmp->db, &back);
	cmp->nops = up->n;
	/* a drop and a create of the same shape: perhaps a rename */
	for (i = 0; i < up->suggestions.n; i++) {
		size_t	 start = cmp->upgrade.len;

		strbuf_addf(&cmp->upgrade, "-- RENAME? %s",
		    up->suggestions.v[i]);
		dialect_comment_end(&cmp->upgrade, start);
		strv_pushn(&cmp->hints, cmp->upgrade.buf + start +
		    strlen("-- RENAME? "), cmp->upgrade.len - start -
		    strlen("-- RENAME? ") - 1);
		if (!ctx->quiet)
			fprintf(ctx->log, "hint: %s\n",
			    cmp->hints.v[cmp->hints.n - 1]);
	}
	if ((rc = d->render(&cmp->upgrade, up, cmp->db, cmp->model,
	    err)) != 0 ||
	    (rc = d->render(&cmp->downgrade, &down, cmp->model, cmp->db,
	    err)) != 0)
		goto done;
	/* what the upgrade destroys, said where the user looks */
	for (i = 0; i < up->n; i++) {
		const struct op			*op = &up->v[i];
		const struct schema_column	*c = NULL;

		if (op->warning == NULL)
			continue;
		cmp->nwarnings++;
		if (op->kind == OP_DROP_COLUMN)
			c = op->old;
		else if (op->kind == OP_ALTER_COLUMN)
			c = op->new;
		/* one line, whatever the names hold */
		strbuf_reset(&line);
		if (op->kind == OP_CREATE_OBJECT || op->kind == OP_DROP_OBJECT ||
		    op->kind == OP_ALTER_OBJECT) {
			const struct schema_object	*o = op->new != NULL ?
			    op->new : op->old;

			strbuf_addf(&line, "%s %s %s: %s", op->kind ==
			    OP_DROP_OBJECT ? "drop" : op->kind ==
			    OP_CREATE_OBJECT ? "create" : "alter",
			    schema_object_kind_name(o->kind), o->identity,
			    op->warning);
		} else {
			strbuf_addf(&line, "%s %s%s%s: %s",
			    diff_op_name(op->kind), op->table != NULL ?
			    op->table->name : "", c != NULL ? "." : "",
			    c != NULL ? c->name : "", op->warning);
		}
		dialect_comment_end(&line, 0);
		strv_pushn(&cmp->warnings, line.buf, line.len - 1);
		if (!ctx->quiet)
			fprintf(ctx->log, "WARNING: %s", line.buf);
	}
done:
	diff_release(&down);
	diff_renames_release(&ren);
	diff_renames_release(&back);
	strbuf_release(&line);
	return rc;
}

int
cmd_compare(struct cmd_compare *cmp, struct cmd_ctx *ctx,
    const struct strv *renames, struct err *err)
{
	struct cmd_compare_filter cf;
	struct rename_hints	 hints = RENAME_HINTS_INIT;
	const struct dialect	*d;
	int			 rc;

	memset(cmp, 0, sizeof *cmp);
	strbuf_init(&cmp->upgrade, 0);
	strbuf_init(&cmp->downgrade, 0);
	cmd_compare_filter(&cf, ctx->config);
	if ((rc = cmd_connect(ctx, err)) != 0)
		goto done;
	d = ctx->conn->dialect;
	if (d->reflect == NULL || d->render == NULL) {
		rc = err_set(err, MG_ERROR, "comparing with the model is not "
		    "available on %s yet", d->name);
		goto done;
	}
	if ((rc = cmd_compare_hints(&hints, renames, d->flavor, err)) != 0 ||
	    (rc = model_hints(&hints, ctx->config, d->flavor, err)) != 0 ||
	    (rc = model_reflect_db(&cmp->db, ctx->config, ctx->conn, &cf.f,
	    err)) != 0 ||
	    (rc = model_load(&cmp->model, ctx->config, d, ctx->conn, &cf.f,
	    err)) != 0)
		goto done;
	rc = cmd_compare_ops(cmp, ctx, d, &hints, err);
done:
	if (rc != 0)
		cmd_compare_release(cmp);
	rename_hints_release(&hints);
	cmd_compare_filter_release(&cf);
	return rc;
}

/*
 * The model at a git ref (or in the work tree: ref NULL) loaded through
 * scratch, as model_load does; errors name the file as in the work tree.
 */
static int
cmd_compare_model_at(struct schema **out, struct rename_hints *hints,
    struct cmd_ctx *ctx, const struct dialect *d, const char *ref,
    const struct schema_filter *f, struct err *err)
{
	struct gitref_model	 m;
	int			 rc;

	if (ref == NULL) {
		if (hints != NULL && (rc = model_hints(hints, ctx->config,
		    d->flavor, err)) != 0)
			return rc;
		return model_load(out, ctx->config, d, ctx->conn, f, err);
	}
	if ((rc = gitref_model(&m, ctx->config, d->flavor, ref, err)) == 0 &&
	    m.missing && !ctx->quiet)
		fprintf(ctx->log, "warning: %s is not at %s: the model is "
		    "empty there\n", m.dir, ref);
	if (rc == 0 && (hints == NULL || (rc = model_hints_files(hints,
	    &m.files, d->flavor, err)) == 0))
		rc = model_load_files(out, ctx->config, &m.files, d, ctx->conn,
		    f, err);
	if (rc != 0)
		gitref_model_error(&m, err);
	gitref_model_release(&m);
	return rc;
}

/*
 * diff --from-ref: the model at from (the "database" side) to the model
 * at to (NULL: the work tree), with no database read. SQLite loads both
 * in memory; PostgreSQL in scratch on dev_url, else on the configured
 * server, in transactions rolled back.
 */
static int
cmd_compare_refs(struct cmd_compare *cmp, struct cmd_ctx *ctx,
    const char *from, const char *to, const struct strv *renames,
    struct err *err)
{
	struct cmd_compare_filter cf;
	struct rename_hints	 hints = RENAME_HINTS_INIT;
	const struct dialect	*d;
	const char		*dev = config_get(ctx->config, "dev_url");
	int			 rc;

	memset(cmp, 0, sizeof *cmp);
	strbuf_init(&cmp->upgrade, 0);
	strbuf_init(&cmp->downgrade, 0);
	cmd_compare_filter(&cf, ctx->config);
	if ((rc = cmd_url(ctx, err)) != 0)
		goto done;
	d = dialect_for_url(ctx->url);
	if (d == NULL || d->reflect == NULL || d->render == NULL) {
		rc = err_set(err, MG_ERROR, "comparing models is not "
		    "available on %s yet", d != NULL ? d->name : "this URL");
		goto done;
	}
	if (d->flavor != SQL_SQLITE && (dev == NULL || *dev == '\0') &&
	    (rc = cmd_connect(ctx, err)) != 0)
		goto done;
	if ((rc = cmd_compare_hints(&hints, renames, d->flavor, err)) != 0 ||
	    (rc = cmd_compare_model_at(&cmp->db, NULL, ctx, d, from, &cf.f,
	    err)) != 0 ||
	    (rc = cmd_compare_model_at(&cmp->model, &hints, ctx, d, to,
	    &cf.f, err)) != 0)
		goto done;
	rc = cmd_compare_ops(cmp, ctx, d, &hints, err);
done:
	if (rc != 0)
		cmd_compare_release(cmp);
	rename_hints_release(&hints);
	cmd_compare_filter_release(&cf);
	return rc;
}

static int
cmd_diff_exec(struct cmd_ctx *ctx, struct args *args, struct err *err)
{
	struct cmd_compare	 cmp;
	struct strv		 renames = { NULL, 0 };
	int			 rc, json;

	if ((rc = cmd_json(&json, args, err)) != 0)
		return rc;
	if (args_get(args, "to-ref") != NULL &&
	    args_get(args, "from-ref") == NULL)
		return err_set(err, MG_EUSAGE, "--to-ref goes with --from-ref");
	args_values(args, "rename", &renames);
	if (args_get(args, "from-ref") != NULL)
		rc = cmd_compare_refs(&cmp, ctx, args_get(args, "from-ref"),
		    args_get(args, "to-ref"), &renames, err);
	else
		rc = cmd_compare(&cmp, ctx, &renames, err);
	strv_release(&renames);
	if (rc != 0)
		return rc;
	if (json) {
		struct strbuf	 sb = STRBUF_INIT;

		strbuf_addf(&sb, "{\"changes\": %zu, ", cmp.nops);
		json_key_str(&sb, 1, "sql", cmp.upgrade.buf);
		json_key_strs(&sb, 0, "warnings",
		    (const char *const *)cmp.warnings.v, cmp.warnings.n);
		json_key_strs(&sb, 0, "hints",
		    (const char *const *)cmp.hints.v, cmp.hints.n);
		fprintf(ctx->out, "%s}\n", sb.buf);
		strbuf_release(&sb);
		cmd_compare_release(&cmp);
		return 0;
	}
	if (cmp.nops == 0 && !ctx->quiet)
		fprintf(ctx->log, "No changes detected\n");
	fputs(cmp.upgrade.buf, ctx->out);
	cmd_compare_release(&cmp);
	return 0;
}
