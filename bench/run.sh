#!/bin/sh
# make bench: migrate and Alembic side by side on the same generated
# projects (issue 6), one table printed at the end. This script:
#   - installs Debian's python3-alembic, python3-sqlalchemy and
#     python3-psycopg2 (and GNU time, for the peak resident set) when
#     missing; Alembic runs under /usr/bin/python3, whatever python3 is
#     first on PATH;
#   - copies the migrate binary to a private path (a rebuild of build/
#     during the run does not change what is timed);
#   - starts a throw-away PostgreSQL 15 (tests/pg.sh), stopped at the end;
#   - builds bench/floor-read.c (the floor of heads/history);
#   - runs bench/bench.py, which generates the workloads (bench/gen-chain.sh,
#     bench/gen-model.sh) and times them.
# Knobs (environment), all optional; see bench/README.md:
#   BENCH_PARTS="a b c d e f"       the workloads to run
#   BENCH_RUNS=5                    timed runs a figure (median), after a warm-up
#   BENCH_CHAIN_SIZES="1000 3000 10000"  revisions for heads/history (b)
#   BENCH_UPGRADE_N=1000            revisions for upgrade head (c), current (a)
#   BENCH_AG_SIZES="100 300 1000"   tables for autogenerate (d: the largest)
#   BENCH_REPLAY_N=1000             revisions for check --replay (f)
#   BENCH_DIALECTS="sqlite pg"      the databases of (c) to (f)
#   BENCH_ALEMBIC=0                 time migrate alone
#   BENCH_MIGRATE=/path/to/migrate  the binary (default build/migrate)
#   BENCH_MD=FILE                   also write the table as Markdown to FILE
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)

missing=
for p in python3-alembic python3-sqlalchemy python3-psycopg2 time; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "bench: installing$missing" >&2
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing \
	    >/dev/null 2>&1; then
		apt-get update -q >/dev/null 2>&1 || true
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing \
		    >/dev/null
	fi
fi

work=$(mktemp -d /tmp/migrate-bench.XXXXXX)
chmod 755 "$work"
pgdir=$work/pg
trap 'sh "$root/tests/pg.sh" stop "$pgdir" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
cp "${BENCH_MIGRATE:-$root/build/migrate}" "$work/migrate"
${CC:-cc} -O2 -o "$work/floor-read" bench/floor-read.c

sh tests/pg.sh start "$pgdir" >/dev/null
. "$pgdir/env"
BENCH_ROOT=$root BENCH_WORK=$work BENCH_M=$work/migrate \
    /usr/bin/python3 "$root/bench/bench.py"
