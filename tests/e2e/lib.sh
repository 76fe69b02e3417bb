# Sourced by every end-to-end test: git's t/test-lib.sh in miniature.
#
#   test_expect_success 'description' 'commands'   run in a subshell with
#                                                  set -e, in a fresh $TMP
#   run_migrate CODE args...   run $MIGRATE, stdout to out, stderr to err,
#                              and fail unless it exits with CODE
#   pg_newdb NAME              create database NAME owned by the test role,
#                              print its URL
#   test_done                  print the counts, exit non-zero on failure
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
MIGRATE=${MIGRATE:-$top/build/migrate}
MIGRATE_CORPUS=${MIGRATE_CORPUS:-$top/../shared/corpus}
test_count=0
test_failed=0
test_name=$(basename "$0" .sh)
TRASH=$(mktemp -d "/tmp/migrate-$test_name.XXXXXX")
trap 'rm -rf "$TRASH"' EXIT
unset MIGRATE_URL MIGRATE_CONFIG

test_expect_success() {
	test_count=$((test_count + 1))
	TMP=$TRASH/$test_count
	mkdir -p "$TMP"
	(
		set -e
		cd "$TMP"
		eval "$2"
	) >"$TRASH/log" 2>&1
	if [ $? -eq 0 ]; then
		echo "ok $test_count - $test_name: $1"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $test_name: $1"
		sed 's/^/#   /' "$TRASH/log"
	fi
}

run_migrate() {
	want=$1
	shift
	set +e
	# shellcheck disable=SC2086
	${VALGRIND:-} "$MIGRATE" "$@" >out 2>err
	got=$?
	set -e
	if [ "$got" -ne "$want" ]; then
		echo "migrate $*: exit $got, wanted $want"
		echo "--- stdout"; cat out
		echo "--- stderr"; cat err
		return 1
	fi
}

# Fail with a diff unless file $2 holds exactly the text $1.
expect_text() {
	printf '%s\n' "$1" >expect.txt
	if ! cmp -s expect.txt "$2"; then
		diff -u expect.txt "$2" || true
		return 1
	fi
}

# Fail unless file $2 contains the fixed string $1.
expect_grep() {
	if ! grep -qF -- "$1" "$2"; then
		echo "'$1' not found in $2:"
		cat "$2"
		return 1
	fi
}

pg_newdb() {
	psql -X -q -v ON_ERROR_STOP=1 -d postgres \
		-c "DROP DATABASE IF EXISTS \"$1\"" \
		-c "CREATE DATABASE \"$1\" OWNER migrate" >/dev/null
	echo "$MIGRATE_TEST_PG_URL" | sed "s,/migrate_test\$,/$1,"
}

test_done() {
	if [ "$test_failed" -ne 0 ]; then
		exit 1
	fi
	exit 0
}
