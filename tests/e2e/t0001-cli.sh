#!/bin/sh
# The command line: version, help, dispatch, usage errors.
. "$(dirname "$0")/lib.sh"

test_expect_success '--version prints the version on stdout' '
	run_migrate 0 --version
	grep -q "^migrate [0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*$" out
	test ! -s err
'

test_expect_success '--help lists every command on stdout' '
	run_migrate 0 --help
	expect_grep "usage: migrate" out
	for c in branches config current downgrade edit exec heads help \
	    history init merge revision show stamp upgrade; do
		grep -q "^  $c " out || { echo "$c not listed"; exit 1; }
	done
	test ! -s err
	# and each prints its usage, touching nothing
	for c in current downgrade init stamp upgrade; do
		run_migrate 0 $c --help
		expect_grep "usage: migrate $c" out
		test ! -s err
	done
	test ! -e migrate.ini && test ! -e migrations
'

test_expect_success 'no command is a usage error on stderr' '
	run_migrate 2
	test ! -s out
	expect_grep "usage: migrate" err
'

test_expect_success 'help CMD and CMD --help print the same usage' '
	run_migrate 0 help exec
	mv out help.out
	run_migrate 0 exec --help
	cmp help.out out
	expect_grep "usage: migrate exec" out
	expect_grep "--no-transaction" out
'

test_expect_success '-h before the command shows its usage' '
	run_migrate 0 -h exec
	expect_grep "usage: migrate exec" out
'

test_expect_success 'CMD -h works without a migrate.ini' '
	run_migrate 0 config -h
	expect_grep "usage: migrate config" out
'

test_expect_success 'an unknown command exits 2 and says so' '
	run_migrate 2 frobnicate
	expect_text "migrate: '"'"'frobnicate'"'"' is not a migrate command; see '"'"'migrate --help'"'"'" err
'

test_expect_success 'command names are exact, never prefixes' '
	run_migrate 2 conf
	expect_grep "is not a migrate command" err
'

test_expect_success 'an unknown command option exits 2' '
	run_migrate 2 exec --bogus x.sql
	expect_text "migrate: exec: unknown option '"'"'--bogus'"'"'" err
'

test_expect_success 'an unknown global option exits 2' '
	run_migrate 2 --bogus config
	expect_text "migrate: unknown option '"'"'--bogus'"'"'; see '"'"'migrate --help'"'"'" err
'

test_expect_success 'a missing option value exits 2' '
	run_migrate 2 -c
	expect_grep "needs a file" err
'

test_expect_success 'too many arguments exits 2' '
	run_migrate 2 help exec config
	expect_grep "too many arguments" err
'

test_expect_success 'help on an unknown command exits 2' '
	run_migrate 2 help nope
	expect_grep "is not a migrate command" err
'

test_expect_success 'a write error on stdout exits 1' '
	if [ -w /dev/full ]; then
		set +e
		"$MIGRATE" --help >/dev/full 2>err
		rc=$?
		set -e
		test $rc -eq 1
		expect_grep "cannot write output" err
	fi
'

test_done
