#!/bin/sh
# Run the test suite: cmocka unit tests, then the end-to-end scripts, all
# against real SQLite files and one throw-away PostgreSQL server that is
# always stopped. Ends with "N passed, N failed".
#
#   sh tests/run.sh [--unit-only | --e2e-only] [BUILD_DIR]
#
# With VALGRIND set (make check-valgrind), every unit test and every run of
# the binary goes through it. MIGRATE_TEST_JOBS: how many end-to-end
# scripts run at once (default: the number of cores).
set -u

mode=all
case "${1:-}" in
--unit-only)	mode=unit; shift ;;
--e2e-only)	mode=e2e; shift ;;
esac
O=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
MIGRATE=${MIGRATE:-$top/$O/migrate}
export MIGRATE
: "${MIGRATE_CORPUS:=$top/../shared/corpus}"
export MIGRATE_CORPUS

pgdir=$(mktemp -d /tmp/migrate-pg.XXXXXX)
trap 'sh "$top/tests/pg.sh" stop "$pgdir"' EXIT
trap 'exit 130' INT TERM
sh tests/pg.sh start "$pgdir" || { echo "cannot start PostgreSQL" >&2; exit 1; }
. "$pgdir/env"
# the model cache of SQLite compares, inside the run, never in $HOME
XDG_CACHE_HOME=$pgdir/cache
export XDG_CACHE_HOME

passed=0
failed=0
failures=

if [ "$mode" != e2e ]; then
	for t in "$O"/unit/test-*; do
		[ -x "$t" ] || continue
		# shellcheck disable=SC2086
		out=$(${VALGRIND:-} "$t" 2>&1)
		rc=$?
		printf '%s\n' "$out"
		p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p')
		f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p')
		passed=$((passed + ${p:-0}))
		failed=$((failed + ${f:-0}))
		if [ $rc -ne 0 ] && [ -z "$f" ]; then
			failed=$((failed + 1))	# crashed before its summary
		fi
		[ $rc -ne 0 ] && failures="$failures $(basename "$t")"
	done
fi

if [ "$mode" != unit ]; then
	# the scripts run MIGRATE_TEST_JOBS at a time (default: the cores);
	# each uses databases and files of its own; their output is printed
	# in order
	jobs=${MIGRATE_TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}
	logs=$pgdir/logs
	mkdir -p "$logs"
	# shellcheck disable=SC2016
	ls tests/e2e/t[0-9]*.sh | xargs -P "$jobs" -I{} sh -c \
	    's=$(date +%s); sh "$1" >"$2/$(basename "$1").out" 2>&1; echo $? >"$2/$(basename "$1").rc"; echo $(($(date +%s) - s)) $(basename "$1") >>"$2/times"' \
	    sh {} "$logs"
	for t in tests/e2e/t[0-9]*.sh; do
		b=$(basename "$t")
		out=$(cat "$logs/$b.out" 2>/dev/null)
		rc=$(cat "$logs/$b.rc" 2>/dev/null || echo 1)
		printf '%s\n' "$out"
		p=$(printf '%s\n' "$out" | grep -c '^ok ')
		f=$(printf '%s\n' "$out" | grep -c '^not ok ')
		passed=$((passed + p))
		failed=$((failed + f))
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			failed=$((failed + 1))
		fi
		[ "$rc" -ne 0 ] && failures="$failures $b"
	done
fi

if [ -s "${logs:-}/times" ]; then
	echo "slowest: $(sort -rn "$logs/times" | head -5 | awk '{ printf "%s %ss, ", $2, $1 }')"
fi
[ -n "$failures" ] && echo "failing:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
