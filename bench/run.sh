#!/bin/sh
# make bench: the versioned-migrations workloads, medians of 5 runs after a
# warm-up, printed as one table.
#   heads / history over 10,000 revisions (target: well under 100 ms)
#   upgrade head over 1,000 one-statement revisions, against the floor:
#   the same SQL run by sqlite3 / psql directly, in the same transaction
#   shape (one per revision, or all in one: transaction_per_migration=false
#   against sqlite3 / psql -1).
# The comparison with Alembic is issue 6's; this is the start of bench/.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
M=$root/build/migrate
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
row() { printf '%-44s %10s %10s %8s\n' "$1" "$2" "$3" "$4"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

sh bench/gen-chain.sh "$work/g10k" 10000
sh bench/gen-chain.sh "$work/c1k" 1000
sh tests/pg.sh start "$pgdir" >/dev/null
. "$pgdir/env"

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

# everything runs in migrate_test, as its owner: the reset, migrate, the floor
reset_pg='psql -q -d migrate_test -c "DROP SCHEMA public CASCADE; CREATE SCHEMA public AUTHORIZATION migrate" >/dev/null 2>&1'
m=$(median "$reset_pg" "$M" -q --url "$MIGRATE_TEST_PG_URL" upgrade head)
f=$(median "$reset_pg" psql -q -d "$MIGRATE_TEST_PG_URL" -1 -f all.sql)
row "upgrade 1,000, PostgreSQL, one transaction" "$m" "$f" "$(ratio "$m" "$f")"
sed -i '/transaction_per_migration/d' migrate.ini
m=$(median "$reset_pg" "$M" -q --url "$MIGRATE_TEST_PG_URL" upgrade head)
f=$(median "$reset_pg" psql -q -d "$MIGRATE_TEST_PG_URL" -f all.sql)
row "upgrade 1,000, PostgreSQL, txn per revision" "$m" "$f" "$(ratio "$m" "$f")"
