/*
 * migrate config [KEY]: the settings in force after migrate.ini, defaults,
 * MIGRATE_URL and --url, passwords masked.
 */
#include <string.h>

#include "cmd.h"

static int	cmd_config_exec(struct cmd_ctx *, struct args *, struct err *);

static const struct cmd_opt cmd_config_opts[] = {
	{ "show-origin", 0, NULL,
	    "say where each value comes from (file:line, default, --url)" },
	{ NULL, 0, NULL, NULL }
};

const struct cmd_entry cmd_config_entry = {
	.name = "config",
	.usage = "[--show-origin] [key]",
	.summary = "Print the configuration in force (passwords masked).",
	.opts = cmd_config_opts,
	.nargs_min = 0,
	.nargs_max = 1,
	.flags = CMD_NEEDS_CONFIG | CMD_CONFIG_OPTIONAL,
	.exec = cmd_config_exec
};

/* A URL as it may be shown: masked, or what is wrong with it. */
static char *
cmd_config_mask(const char *text)
{
	struct url	*url = NULL;
	struct err	 uerr = ERR_INIT;
	struct strbuf	 sb = STRBUF_INIT;
	char		*shown;

	if (url_parse(&url, text, &uerr) != 0) {
		strbuf_addf(&sb, "(invalid: %s)", uerr.msg);
		err_release(&uerr);
		return strbuf_detach(&sb, NULL);
	}
	shown = url_mask(url);
	url_free(url);
	return shown;
}

/*
 * A value with the password of url and dev_url masked, for a value that
 * interpolates one of them (models = %(url)s).
 */
static char *
cmd_config_scrub(struct cmd_ctx *ctx, const char *value)
{
	static const char *const keys[] = { "url", "dev_url", NULL };
	struct strbuf	 sb = STRBUF_INIT;
	struct url	*url;
	struct err	 uerr = ERR_INIT;
	const char	*text;
	size_t		 i;

	strbuf_addstr(&sb, value);
	for (i = 0; keys[i] != NULL; i++) {
		text = i == 0 ? config_url(ctx->config, ctx->url_flag,
		    ctx->url_env) : config_get(ctx->config, keys[i]);
		url = NULL;
		if (text == NULL || url_parse(&url, text, &uerr) != 0) {
			err_release(&uerr);
			continue;
		}
		if (url->password != NULL)
			strbuf_replace(&sb, url->password, "***");
		url_free(url);
	}
	return strbuf_detach(&sb, NULL);
}

/*
 * Print one key, or only its value. Returns 1 when the key has no value.
 * The url shown is the one in force, whichever of --url, MIGRATE_URL and
 * the file it comes from.
 */
static int
cmd_config_print(struct cmd_ctx *ctx, const char *key, int with_key,
    int show_origin)
{
	const struct config_entry	*e = config_find(ctx->config, key);
	const char			*value = e != NULL ? e->value : NULL;
	struct strbuf			 origin = STRBUF_INIT;
	char				*shown;

	if (e != NULL && e->line > 0)
		strbuf_addf(&origin, "%s:%u", ctx->config->path, e->line);
	else
		strbuf_addstr(&origin, "default");
	if (strcmp(key, "url") == 0) {
		value = config_url(ctx->config, ctx->url_flag, ctx->url_env);
		if (value != NULL && value == ctx->url_flag) {
			strbuf_reset(&origin);
			strbuf_addstr(&origin, "--url");
		} else if (value != NULL && value == ctx->url_env) {
			strbuf_reset(&origin);
			strbuf_addstr(&origin, "MIGRATE_URL");
		}
	}
	if (value == NULL) {
		strbuf_release(&origin);
		return 1;
	}
	if (strcmp(key, "url") == 0 || strcmp(key, "dev_url") == 0)
		shown = cmd_config_mask(value);
	else
		shown = cmd_config_scrub(ctx, value);
	if (show_origin)
		fprintf(ctx->out, "%s\t", origin.buf);
	if (with_key)
		fprintf(ctx->out, "%s = %s\n", key, shown);
	else
		fprintf(ctx->out, "%s\n", shown);
	xfree(shown);
	strbuf_release(&origin);
	return 0;
}

static int
cmd_config_exec(struct cmd_ctx *ctx, struct args *args, struct err *err)
{
	int	 show_origin = args_has(args, "show-origin");
	size_t	 i;

	if (args->argc == 1) {
		if (!config_known_key(args->argv[0]))
			return err_set(err, MG_EUSAGE, "config: unknown key "
			    "'%s'", args->argv[0]);
		/* a known key without a value: exit 1, as git config does */
		if (cmd_config_print(ctx, args->argv[0], 0, show_origin))
			return MG_ERROR;
		return 0;
	}
	for (i = 0; i < ctx->config->n; i++)
		cmd_config_print(ctx, ctx->config->v[i].key, 1, show_origin);
	if (config_find(ctx->config, "url") == NULL)
		cmd_config_print(ctx, "url", 1, show_origin);
	return 0;
}
