/*
 * migrate diff: the SQL that would make the database equal to the model
 * (what revision --autogenerate writes as the upgrade), on stdout, with no
 * revision written and nothing changed. Also the shared compare step of
 * autogenerate: reflect the database, load the model into scratch,
 * diff and render both ways.
 */
#include <string.h>

#include "cmd.h"
#include "dialect.h"
#include "model.h"
#include "rename.h"
#include "util/json.h"

static int	cmd_diff_exec(struct cmd_ctx *, struct args *, struct err *);

static const struct cmd_opt cmd_diff_opts[] = {
	{ "rename", 0, "old=new", "a table (t=u) or column (t.a=t.b) of the "
	    "database is the model's under a new name (repeatable)" },
	{ "format", 0, "text|json", "the output format (json: see JSON "
	    "OUTPUT in migrate(1))" },
	{ NULL, 0, NULL, NULL }
};

const struct cmd_entry cmd_diff_entry = {
	.name = "diff",
	.usage = "[--rename old=new]... [--format json]",
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

int
cmd_compare(struct cmd_compare *cmp, struct cmd_ctx *ctx,
    const struct strv *renames, struct err *err)
{
	struct schema_filter	 f;
	struct strv		 include, exclude, schemas;
	struct diff		*up = &cmp->ops, down = DIFF_INIT;
	struct rename_hints	 hints = RENAME_HINTS_INIT;
	struct diff_renames	 ren = DIFF_RENAMES_INIT, back = DIFF_RENAMES_INIT;
	struct strbuf		 line = STRBUF_INIT;
	const struct dialect	*d;
	size_t			 i;
	int			 rc;

	memset(cmp, 0, sizeof *cmp);
	strbuf_init(&cmp->upgrade, 0);
	strbuf_init(&cmp->downgrade, 0);
	cmd_diff_list(&include, ctx->config, "include_tables");
	cmd_diff_list(&exclude, ctx->config, "exclude_tables");
	cmd_diff_list(&schemas, ctx->config, "schemas");
	memset(&f, 0, sizeof f);
	f.include = &include;
	f.exclude = &exclude;
	f.schemas = schemas.n > 0 ? &schemas : NULL;
	f.version_table = config_get(ctx->config, "version_table");
	f.history_table = config_get(ctx->config, "history_table");
	if ((rc = cmd_connect(ctx, err)) != 0)
		goto done;
	d = ctx->conn->dialect;
	if (d->reflect == NULL || d->render == NULL) {
		rc = err_set(err, MG_ERROR, "comparing with the model is not "
		    "available on %s yet", d->name);
		goto done;
	}
	/* the hints first: a typo in one is found before any work */
	for (i = 0; renames != NULL && i < renames->n && rc == 0; i++)
		rc = rename_hints_arg(&hints, renames->v[i], d->flavor, err);
	if (rc != 0 ||
	    (rc = model_hints(&hints, ctx->config, d->flavor, err)) != 0)
		goto done;
	if ((rc = d->reflect(&cmp->db, ctx->conn, &f, err)) != 0 ||
	    (rc = model_load(&cmp->model, ctx->config, d, ctx->conn, &f,
	    err)) != 0 ||
	    (rc = rename_resolve(&ren, &hints, cmp->db, cmp->model, d->flavor,
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
	if (rc != 0)
		cmd_compare_release(cmp);
	diff_release(&down);
	diff_renames_release(&ren);
	diff_renames_release(&back);
	rename_hints_release(&hints);
	strbuf_release(&line);
	strv_release(&include);
	strv_release(&exclude);
	strv_release(&schemas);
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
	args_values(args, "rename", &renames);
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
