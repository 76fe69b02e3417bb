#!/bin/sh
# make bench: the benchmarks, each figure the median of 5 runs after a
# warm-up, printed as two tables.
#   chain: heads / history over 10,000 revisions (target: well under
#   100 ms); upgrade head over 1,000 one-statement revisions, against the
#   floor: the same SQL run by sqlite3 / psql directly, in the same
#   transaction shape (one per revision, or all in one:
#   transaction_per_migration=false against sqlite3 / psql -1).
#   ag: autogenerate and diff of generated models (bench/gen-model.sh),
#   into an empty database and against one equal to the model, with the
#   peak resident set of each, and the floor of loading the model.
# BENCH_PARTS picks the parts (default "chain ag"), BENCH_AG_SIZES the
# model sizes in tables (default "100 300 1000"). The comparison with
# Alembic is issue 6's. BENCH_MIGRATE times another build of migrate.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
M=${BENCH_MIGRATE:-$root/build/migrate}
parts=${BENCH_PARTS:-chain ag}
# GNU time for the peak resident set (%M): Debian's package "time"
[ -x /usr/bin/time ] || sh scripts/install-deps.sh time
work=$(mktemp -d /tmp/migrate-bench.XXXXXX)
chmod 755 "$work"
pgdir=$work/pg
trap 'sh "$root/tests/pg.sh" stop "$pgdir" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT INT TERM

# median of 5 timed runs (ms) of a command, after one warm-up; $setup runs
# before each (untimed)
median() {
	setup=$1; shift
	eval "$setup"; "$@" >/dev/null 2>&1
	for i in 1 2 3 4 5; do
		eval "$setup"
		s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
		echo $(( (e - s) / 1000 ))
	done | sort -n | sed -n 3p | awk '{ printf "%.1f", $1 / 1000 }'
}
row() { printf '%-48s %10s %10s %8s\n' "$1" "$2" "$3" "$4"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

sh tests/pg.sh start "$pgdir" >/dev/null
. "$pgdir/env"
# everything runs in migrate_test, as its owner: the reset, migrate, the floor
reset_pg='psql -q -d migrate_test -c "DROP SCHEMA public CASCADE; CREATE SCHEMA public AUTHORIZATION migrate" >/dev/null 2>&1'

case " $parts " in *" chain "*)
sh bench/gen-chain.sh "$work/g10k" 10000
sh bench/gen-chain.sh "$work/c1k" 1000
row workload "migrate" "floor" "ratio"
row "" "ms" "ms" ""
cd "$work/g10k"
t=$(median : "$M" heads); row "heads, 10,000 revisions" "$t" "-" "-"
t=$(median : "$M" history); row "history, 10,000 revisions" "$t" "-" "-"

cd "$work/c1k"
(echo "BEGIN;"; cat all.sql; echo "COMMIT;") > all1.sql
m=$(median 'rm -f bench.db' "$M" -q upgrade head)
f=$(median 'rm -f floor.db' sh -c 'sqlite3 floor.db < all.sql')
row "upgrade 1,000, SQLite, txn per revision" "$m" "$f" "$(ratio "$m" "$f")"
printf 'transaction_per_migration = false\n' >> migrate.ini
m=$(median 'rm -f bench.db' "$M" -q upgrade head)
f=$(median 'rm -f floor.db' sh -c 'sqlite3 floor.db < all1.sql')
row "upgrade 1,000, SQLite, one transaction" "$m" "$f" "$(ratio "$m" "$f")"

m=$(median "$reset_pg" "$M" -q --url "$MIGRATE_TEST_PG_URL" upgrade head)
f=$(median "$reset_pg" psql -q -d "$MIGRATE_TEST_PG_URL" -1 -f all.sql)
row "upgrade 1,000, PostgreSQL, one transaction" "$m" "$f" "$(ratio "$m" "$f")"
sed -i '/transaction_per_migration/d' migrate.ini
m=$(median "$reset_pg" "$M" -q --url "$MIGRATE_TEST_PG_URL" upgrade head)
f=$(median "$reset_pg" psql -q -d "$MIGRATE_TEST_PG_URL" -f all.sql)
row "upgrade 1,000, PostgreSQL, txn per revision" "$m" "$f" "$(ratio "$m" "$f")"
cd "$root"
echo
;; esac

# Autogenerate (issue 4's target: the no-op compare against a database
# equal to a 1,000-table model well under one second on both dialects;
# issue 6 (d)/(e)). For each size and dialect: `diff` and `revision
# --autogenerate` against an empty database, `upgrade head` of that
# revision, then the no-op `revision --autogenerate` ("No changes
# detected") and `diff` against the now equal database. The floor: the
# database's own time to load the model into scratch as migrate does,
# which every compare pays (sqlite3 :memory: < model; psql: a schema of
# its own in a transaction rolled back). Medians as above; peak resident
# set of migrate (not of the server) in one more run, GNU time's %M.

# peak SETUP CMD...: the peak resident set of one run of CMD, in MiB
peak() {
	eval "$1"; shift
	/usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null 2>&1 || true
	awk '{ printf "%.1f", $1 / 1024 }' "$work/rss"
}
# ag DIALECT N SETUP-EMPTY MIGRATE...: the autogenerate rows of one model
ag() {
	dia=$1 n=$2 reset=$3; shift 3
	cd "$work/ag$n"
	rm -f migrations/versions/*
	eval "$reset"
	if ! "$@" -q diff >/dev/null 2>"$work/err"; then
		echo "bench: $dia, $n tables: migrate diff failed:" >&2
		grep -v '^WARNING' "$work/err" >&2
		cd "$root"
		return 1
	fi
	t=$(median "$reset" "$@" diff); r=$(peak "$reset" "$@" diff)
	row "diff, $n tables, empty, $dia" "$t" "$r" ""
	t=$(median "$reset; rm -f migrations/versions/*" "$@" revision \
	    --autogenerate -m init)
	r=$(peak "$reset; rm -f migrations/versions/*" "$@" revision \
	    --autogenerate -m init)
	row "autogenerate, $n tables, empty, $dia" "$t" "$r" ""
	t=$(median "$reset" "$@" -q upgrade head)
	r=$(peak "$reset" "$@" -q upgrade head)
	row "upgrade head, $n tables, $dia" "$t" "$r" ""
	"$@" diff 2>&1 >/dev/null | grep -q "No changes detected" ||
	    echo "bench: $dia, $n tables: the upgraded database differs from the model" >&2
	t=$(median : "$@" revision --autogenerate -m again)
	r=$(peak : "$@" revision --autogenerate -m again)
	row "autogenerate no-op, $n tables, $dia" "$t" "$r" ""
	t=$(median : "$@" diff); r=$(peak : "$@" diff)
	row "diff no-op, $n tables, $dia" "$t" "$r" ""
	ls migrations/versions | grep -q again &&
	    echo "bench: $dia, $n tables: the no-op autogenerate wrote a revision" >&2
	cd "$root"
}
# An empty database, new: DROP SCHEMA of a thousand tables needs more
# locks than max_locks_per_transaction gives (and the scratch of every
# compare leaves dead catalog rows, which a new database has none of)
reset_pgdb='psql -q -X -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE migrate_test WITH (FORCE)" -c "CREATE DATABASE migrate_test OWNER migrate" >/dev/null'
case " $parts " in *" ag "*)
row "autogenerate workload" "migrate" "peak RSS" ""
row "" "ms" "MiB" ""
for n in ${BENCH_AG_SIZES:-100 300 1000}; do
	d=$work/ag$n
	mkdir -p "$d/migrations/versions"
	sh "$root/bench/gen-model.sh" "$n" "$d/migrations/models"
	printf '[migrate]\nscript_location = %%(here)s/migrations\nurl = sqlite:///%%(here)s/bench.db\n' >"$d/migrate.ini"
	cat "$d"/migrations/models/*.sql >"$d/model.sql"
	{
		echo "BEGIN; CREATE SCHEMA bench_floor;"
		echo "SET LOCAL search_path TO bench_floor;"
		cat "$d/model.sql"
		echo "ROLLBACK;"
	} >"$d/floor.pg.sql"
	if ag SQLite "$n" 'rm -f bench.db' "$M"; then
		t=$(median : sh -c "sqlite3 :memory: < '$d/model.sql'")
		row "floor: model into sqlite3 :memory:, $n tables" "$t" "-" ""
	fi
	# (a model of some 1,300 tables or more does not fit in the lock
	# table of the test server: out of shared memory, said above)
	if ag PostgreSQL "$n" "$reset_pgdb" "$M" --url "$MIGRATE_TEST_PG_URL"
	then
		t=$(median : psql -q -v ON_ERROR_STOP=1 \
		    -d "$MIGRATE_TEST_PG_URL" -f "$d/floor.pg.sql")
		row "floor: model into psql scratch, $n tables" "$t" "-" ""
	fi
done
;; esac
