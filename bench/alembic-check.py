#!/usr/bin/python3
# bench/alembic-check.py [-x url=URL]: Alembic's closest equivalent of
# `migrate check --replay`, run in the folder of alembic.ini: `alembic
# upgrade head` (on the fresh database bench/run.sh gives it), then
# `alembic check`: autogenerate's compare of the upgraded database with
# models.py, failing when it finds an operation. Debian 12's Alembic
# (1.8.1) has no `check` command (Alembic 1.9 added it); the second half
# is that command's code (alembic/command.py, 1.9), on 1.8.1's API. One
# Python process for both halves, as one `migrate` process does both.
import argparse
import sys

from alembic import autogenerate, command
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory

parser = argparse.ArgumentParser()
parser.add_argument("-c", "--config", default="alembic.ini")
parser.add_argument("-x", action="append", default=[])
opts = parser.parse_args()
config = Config(opts.config, cmd_opts=argparse.Namespace(x=opts.x))

command.upgrade(config, "head")

script = ScriptDirectory.from_config(config)
revision_context = autogenerate.RevisionContext(
    config, script,
    dict(message=None, autogenerate=True, sql=False, head="head",
         splice=False, branch_label=None, version_path=None, rev_id=None,
         depends_on=None))


def retrieve_migrations(rev, context):
    revision_context.run_autogenerate(rev, context)
    return []


with EnvironmentContext(config, script, fn=retrieve_migrations, as_sql=False,
                        template_args=revision_context.template_args,
                        revision_context=revision_context):
    script.run_env()

diffs = revision_context.generated_revisions[-1].upgrade_ops.as_diffs()
if diffs:
    print("New upgrade operations detected: %s" % (diffs,))
    sys.exit(1)
print("No new upgrade operations detected.")
