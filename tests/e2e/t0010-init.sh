#!/bin/sh
# migrate init: the project it lays out, and that it never overwrites.
. "$(dirname "$0")/lib.sh"

umask 022

# Permissions do not stop root: run as nobody there (relative paths only,
# since the trash folder above the test's own is root's 0700).
if [ "$(id -u)" -ne 0 ]; then
	as_user=
elif command -v setpriv >/dev/null 2>&1; then
	as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
else
	as_user=none
fi

# Checksums of every file under the given paths, in one stable listing.
sums() {
	find "$@" -type f | LC_ALL=C sort | xargs cksum
}

test_expect_success 'init DIR lays out the project with parents' '
	run_migrate 0 init a/b/proj
	test ! -s out
	expect_text "  Creating directory '"'"'a'"'"' ... done
  Creating directory '"'"'a/b'"'"' ... done
  Creating directory '"'"'a/b/proj'"'"' ... done
  Creating directory '"'"'a/b/proj/migrations'"'"' ... done
  Creating directory '"'"'a/b/proj/migrations/versions'"'"' ... done
  Creating directory '"'"'a/b/proj/migrations/models'"'"' ... done
  Generating '"'"'a/b/proj/migrate.ini'"'"' ... done
  Generating '"'"'a/b/proj/migrations/README'"'"' ... done
  Generating '"'"'a/b/proj/migrations/revision.sql.tmpl'"'"' ... done
Please edit the url in '"'"'a/b/proj/migrate.ini'"'"' before proceeding." err
	for d in a a/b a/b/proj a/b/proj/migrations \
	    a/b/proj/migrations/versions a/b/proj/migrations/models; do
		test -d $d && test ! -L $d
		test "$(stat -c %a $d)" = 755
	done
	for f in migrate.ini migrations/README migrations/revision.sql.tmpl; do
		test -f a/b/proj/$f && test ! -L a/b/proj/$f
		test "$(stat -c %a a/b/proj/$f)" = 644
	done
	test -z "$(ls -A a/b/proj/migrations/versions)"
	test -z "$(ls -A a/b/proj/migrations/models)"
	test "$(ls -A a/b/proj | LC_ALL=C sort | tr "\n" " ")" = "migrate.ini migrations "
	test "$(ls -A a/b/proj/migrations | LC_ALL=C sort | tr "\n" " ")" = "README models revision.sql.tmpl versions "
'

test_expect_success 'the files are the templates, byte for byte' '
	run_migrate 0 init proj
	cmp "$top/templates/init/migrate.ini" proj/migrate.ini
	cmp "$top/templates/init/README" proj/migrations/README
	cmp "$top/templates/revision.sql.tmpl" proj/migrations/revision.sql.tmpl
'

test_expect_success 'the binary carries its templates wherever it is copied' '
	cp "$MIGRATE" ./migrate-copy
	(cd / && "$OLDPWD/migrate-copy" -q init "$OLDPWD/proj")
	cmp "$top/templates/init/migrate.ini" proj/migrate.ini
'

test_expect_success 'the generated migrate.ini loads without a warning' '
	run_migrate 0 -q init proj
	here=$(cd proj && pwd -P)
	run_migrate 0 -c proj/migrate.ini config
	test ! -s err
	expect_grep "script_location = $here/migrations" out
	expect_grep "models = $here/migrations/models" out
	expect_grep "url = sqlite:///$here/app.db" out
	run_migrate 0 -c proj/migrate.ini config url
	expect_text "sqlite:///$here/app.db" out
	test ! -s err
'

test_expect_success 'every key of the generated migrate.ini is known' '
	run_migrate 0 -q init proj
	sed -n "s/^# *\([a-z_]*\) =.*/\1/p; s/^\([a-z_]*\) =.*/\1/p" \
		proj/migrate.ini >keys
	test "$(LC_ALL=C sort -u keys | wc -l)" -ge 21
	while read -r key; do
		# exit 1 is a known key without a value, 2 an unknown key
		rc=0
		"$MIGRATE" -c proj/migrate.ini config "$key" >/dev/null 2>&1 ||
			rc=$?
		test "$rc" -le 1 || { echo "unknown key $key"; exit 1; }
	done <keys
'

test_expect_success 'init twice fails, names each file, changes nothing' '
	run_migrate 0 -q init proj
	sums proj >before
	run_migrate 2 init proj
	expect_text "migrate: init: '"'"'proj/migrate.ini'"'"', '"'"'proj/migrations/README'"'"' and '"'"'proj/migrations/revision.sql.tmpl'"'"' already exist; not overwriting" err
	test ! -s out
	sums proj >after
	cmp before after
'

test_expect_success 'one file in the way: nothing at all is written' '
	mkdir proj
	echo "[migrate]" >proj/migrate.ini
	run_migrate 2 init proj
	expect_text "migrate: init: '"'"'proj/migrate.ini'"'"' already exists; not overwriting" err
	test "$(cat proj/migrate.ini)" = "[migrate]"
	test ! -e proj/migrations
'

test_expect_success 'existing empty folders are fine' '
	mkdir -p proj/migrations/versions proj/migrations/models
	run_migrate 0 init proj
	expect_text "  Generating '"'"'proj/migrate.ini'"'"' ... done
  Generating '"'"'proj/migrations/README'"'"' ... done
  Generating '"'"'proj/migrations/revision.sql.tmpl'"'"' ... done
Please edit the url in '"'"'proj/migrate.ini'"'"' before proceeding." err
'

test_expect_success 'a symlink at migrate.ini is in the way; its target is untouched' '
	mkdir proj
	echo "keep me" >outside.txt
	ln -s ../outside.txt proj/migrate.ini
	run_migrate 2 init proj
	expect_text "migrate: init: '"'"'proj/migrate.ini'"'"' already exists; not overwriting" err
	test "$(cat outside.txt)" = "keep me"
	test -L proj/migrate.ini
	test ! -e proj/migrations
'

test_expect_success 'a dangling symlink is in the way too, and stays dangling' '
	mkdir proj
	ln -s ../nowhere.ini proj/migrate.ini
	run_migrate 2 init proj
	expect_grep "'"'"'proj/migrate.ini'"'"' already exists" err
	test ! -e nowhere.ini
	test ! -e proj/migrations
'

test_expect_success 'a symlink or a file where a folder goes is in the way' '
	mkdir proj elsewhere
	ln -s ../elsewhere proj/migrations
	run_migrate 2 init proj
	expect_text "migrate: init: '"'"'proj/migrations'"'"' already exists; not overwriting" err
	test -z "$(ls -A elsewhere)"
	test ! -e proj/migrate.ini
	rm proj/migrations
	mkdir proj/migrations
	: >proj/migrations/versions
	run_migrate 2 init proj
	expect_text "migrate: init: '"'"'proj/migrations/versions'"'"' already exists; not overwriting" err
'

test_expect_success 'DIR that is a file is a usage error' '
	: >file
	run_migrate 2 init file
	expect_text "migrate: init: '"'"'file'"'"' is not a directory" err
'

test_expect_success 'a read-only parent fails with one line, exit 1' '
	test "$as_user" != none || exit 0
	mkdir ro
	chmod 555 ro
	VALGRIND="$as_user ${VALGRIND:-}" run_migrate 1 init ro/proj
	chmod 755 ro
	expect_text "migrate: cannot create directory '"'"'ro/proj'"'"': Permission denied" err
	test -z "$(ls -A ro)"
'

test_expect_success 'a failure half way takes back what init made' '
	test "$as_user" != none || exit 0
	mkdir -p proj/migrations/versions proj/migrations/models
	chmod 777 proj
	chmod 555 proj/migrations
	VALGRIND="$as_user ${VALGRIND:-}" run_migrate 1 init proj
	chmod 755 proj/migrations
	expect_text "  Generating '"'"'proj/migrate.ini'"'"' ... done
  Removing '"'"'proj/migrate.ini'"'"' ... done
migrate: cannot write '"'"'proj/migrations/README'"'"': Permission denied" err
	test "$(find proj | LC_ALL=C sort | tr "\n" " ")" = "proj proj/migrations proj/migrations/models proj/migrations/versions "
'

test_expect_success 'init with no DIR lays out the working directory' '
	mkdir empty
	cd empty
	run_migrate 0 init
	expect_grep "  Generating '"'"'migrate.ini'"'"' ... done" err
	expect_grep "Please edit the url in '"'"'migrate.ini'"'"'" err
	test -f migrate.ini && test -f migrations/README
	test -d migrations/versions && test -d migrations/models
	run_migrate 0 config url
	expect_text "sqlite:///$(pwd -P)/app.db" out
	test ! -s err
	run_migrate 0 -q init sub/
	test -f sub/migrate.ini
	test ! -s err
'

test_expect_success 'init . names the files without a ./' '
	run_migrate 0 init .
	expect_grep "  Generating '"'"'migrations/README'"'"' ... done" err
	run_migrate 2 init .
	expect_grep "migrate: init: '"'"'migrate.ini'"'"', " err
'

test_expect_success 'a broken migrate.ini here, -c or MIGRATE_CONFIG do not matter' '
	printf "this is not ini\n" >migrate.ini
	MIGRATE_CONFIG=missing.ini run_migrate 0 -c nope.ini init proj
	test -f proj/migrate.ini
	! grep -q warning err || false
	test "$(cat migrate.ini)" = "this is not ini"
'

test_expect_success '-q prints nothing' '
	run_migrate 0 -q init proj
	test ! -s out
	test ! -s err
	test -f proj/migrate.ini
'

test_expect_success 'init --help and help init show the usage' '
	run_migrate 0 init --help
	expect_grep "usage: migrate init [dir]" out
	test ! -s err
	test ! -e migrate.ini && test ! -e migrations
	run_migrate 0 help init
	expect_grep "usage: migrate init [dir]" out
	run_migrate 0 help
	expect_grep "  init " out
'

test_expect_success 'too many arguments or an unknown option are usage errors' '
	run_migrate 2 init a b
	expect_grep "init: too many arguments" err
	run_migrate 2 init --template generic a
	expect_grep "init: unknown option '"'"'--template'"'"'" err
	run_migrate 2 init ""
	expect_text "migrate: init: the folder name is empty" err
	test ! -e a && test ! -e b
'

test_done
