#!/bin/sh
# libpq and libgit2 are loaded when first needed (src/dynlib.c), not
# linked (issue 6): a command that touches neither PostgreSQL nor git runs
# without them, and one that needs a library that cannot be loaded fails
# with one line naming it, exit 2, never a crash. The libraries are made
# unloadable with stand-ins of the same names first on LD_LIBRARY_PATH:
# one that needs a library that does not exist, one without the
# functions.
. "$(dirname "$0")/lib.sh"

export GIT_AUTHOR_NAME=T GIT_AUTHOR_EMAIL=t@example.com \
    GIT_COMMITTER_NAME=T GIT_COMMITTER_EMAIL=t@example.com
libs=$TRASH/libs
mkdir -p "$libs/gone" "$libs/empty"
echo 'int migrate_stand_in;' >"$libs/s.c"
${CC:-cc} -shared -fPIC -o "$libs/libnowhere.so" \
    -Wl,-soname,libmigrate-nowhere.so.9 "$libs/s.c"
for n in libpq.so.5 libpq.so libgit2.so.1.5 libgit2.so; do
	${CC:-cc} -shared -fPIC -o "$libs/gone/$n" -Wl,-soname,$n \
	    "$libs/s.c" -L"$libs" -Wl,--no-as-needed -lnowhere
	${CC:-cc} -shared -fPIC -o "$libs/empty/$n" -Wl,-soname,$n "$libs/s.c"
done
rm "$libs/libnowhere.so"

# project: a SQLite project at head, with its model, in a git repository.
project() {
	d=sqlite
	new_db lazy
	write_ini "models = %(here)s/migrations/models"
	mkdir -p migrations/versions migrations/models
	echo "CREATE TABLE t (id integer);" >migrations/models/t.sql
	write_rev a1 "" one "CREATE TABLE t (id integer);" "DROP TABLE t;"
	git init -q -b main .
	git add -A
	git commit -q -m init
	run_migrate 0 upgrade head
}

test_expect_success 'SQLite and offline commands run without either library' '
	project
	export LD_LIBRARY_PATH=$libs/gone
	run_migrate 0 --help
	run_migrate 0 current
	expect_text "a1 (head)" out
	run_migrate 0 heads
	run_migrate 0 --url postgresql://u@localhost/nodb upgrade --sql head
	expect_grep "CREATE TABLE t" out
'

for kind in gone empty; do
	export kind
	test_expect_success "$kind: PostgreSQL: one line naming libpq, exit 2" '
		project
		url=$(pg_newdb t0071_lazy)
		LD_LIBRARY_PATH=$libs/$kind run_migrate 2 --url "$url" current
		test ! -s out
		one_line
		case $kind in
		gone)	expect_grep "migrate: cannot load libpq.so.5: libmigrate-nowhere.so.9: cannot open shared object file" err ;;
		empty)	expect_grep "migrate: cannot load libpq.so.5: $libs/empty/libpq.so.5: undefined symbol: PQ" err ;;
		esac
		run_migrate 0 --url "$url" current
	'

	test_expect_success "$kind: git: one line naming libgit2, exit 2" '
		project
		LD_LIBRARY_PATH=$libs/$kind run_migrate 2 check --base main
		one_line
		expect_grep "migrate: cannot load libgit2.so.1.5: " err
		run_migrate 0 check --base main
		# the author of a revision comes from the environment alone
		LD_LIBRARY_PATH=$libs/$kind run_migrate 0 revision -m two
		grep -h "Author: T <t@example.com>" migrations/versions/*two*.sql
	'
done

test_done
