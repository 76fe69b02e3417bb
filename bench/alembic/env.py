# The Alembic side of the benchmark: Alembic's "generic" env.py (online
# mode only), with what the benchmark needs and nothing that would slow
# Alembic down:
#   -x url=URL       the database (as migrate's --url); default: alembic.ini
#   -x tpm=1         transaction_per_migration=True (a transaction per
#                    revision, as migrate's default); default: one
#                    transaction for the whole upgrade, Alembic's default
#   models.py        beside this file, when present, gives target_metadata
#                    (the autogenerate workloads); compare_type=True, the
#                    default of Alembic 1.12 and later; server defaults are
#                    not compared (Alembic's default: comparing them costs
#                    a query per column on PostgreSQL)
# On SQLite, pysqlite's own transaction handling is turned off and BEGIN
# sent by SQLAlchemy (SQLAlchemy's documented recipe), so that DDL runs in
# the transaction Alembic asks for, as it does on PostgreSQL and in migrate
# (transactional_ddl=True: else Alembic takes SQLite's DDL for
# non-transactional and runs a transaction per revision whatever tpm says).
import os
import sys
from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine, event, pool

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

here = os.path.dirname(os.path.abspath(__file__))
if os.path.exists(os.path.join(here, "models.py")):
    sys.path.insert(0, here)
    from models import metadata as target_metadata
else:
    target_metadata = None

# SQLAlchemy's reflection follows each foreign key into the table it
# references, recursively: the model's chain of tables (t00002 references
# t00001, ...) overflows Python's default recursion limit of 1,000 frames
# (RecursionError on the no-op compare of this model from between 200 and
# 300 tables, found by the benchmark), so it needs a higher one.
sys.setrecursionlimit(100000)

xargs = context.get_x_argument(as_dictionary=True)


def run_migrations_online():
    url = xargs.get("url") or config.get_main_option("sqlalchemy.url")
    engine = create_engine(url, poolclass=pool.NullPool)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def no_pysqlite_begin(dbapi_connection, connection_record):
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def sqlite_begin(conn):
            conn.exec_driver_sql("BEGIN")

    with engine.connect() as connection:
        context.configure(
            connection=connection,
            transactional_ddl=True,
            target_metadata=target_metadata,
            transaction_per_migration=xargs.get("tpm") == "1",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
