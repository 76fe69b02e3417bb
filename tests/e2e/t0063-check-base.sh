#!/bin/sh
# check --base REF (issue 5 point 4): the revisions at a git ref are read
# with libgit2 from the repository that holds the project; a revision
# there that was edited or deleted, or a new one that does not build on
# the ref's head, fails the check. The repositories are made by the test
# with git; migrate itself never runs git.
. "$(dirname "$0")/lib.sh"

export GIT_AUTHOR_NAME=T GIT_AUTHOR_EMAIL=t@example.com \
    GIT_COMMITTER_NAME=T GIT_COMMITTER_EMAIL=t@example.com
sq="'"
head=e29d6f4a0c18

# repo: a git repository holding the example project, committed on main;
# the project's url is $url (check --replay never touches it).
repo() {
	git init -q -b main .
	mkdir -p migrations/models migrations/versions
	cp "$top/migrations/models/"*.sql migrations/models/
	cp "$top/migrations/versions/"*.sql migrations/versions/
	write_ini
	git add -A
	git commit -q -m init
	git checkout -q -b feature
}

for d in sqlite pg; do
	export d
	case $d in
	sqlite)	url="sqlite:///$PWD/never.db" ;;
	pg)	url=$(echo "$MIGRATE_TEST_PG_URL" | sed "s,/migrate_test\$,/t63_never,") ;;
	esac
	export url

	test_expect_success "$d: nothing changed since the ref: exit 0" '
		repo
		run_migrate 0 check --replay --base main
		test ! -s out
		# a new revision on the head, committed or not, is fine
		run_migrate 0 revision -m "more" --rev-id f00000000001
		printf "CREATE TABLE more (id integer PRIMARY KEY);\n" >>migrations/versions/f00000000001_more.sql
		sed -i "s/^-- migrate:downgrade\$/-- migrate:downgrade\nDROP TABLE more;/" migrations/versions/f00000000001_more.sql
		sed -i "0,/^-- migrate:downgrade/s//CREATE TABLE more (id integer PRIMARY KEY);\n-- migrate:downgrade/" migrations/versions/f00000000001_more.sql
		printf "CREATE TABLE more (id integer PRIMARY KEY);\n" >migrations/models/003_more.sql
		run_migrate 0 check --replay --base main
		git add -A
		git commit -q -m more
		run_migrate 0 check --replay --base main
		run_migrate 0 check --replay --base HEAD~1
	'

	test_expect_success "$d: an edited and a deleted revision of the ref" '
		repo
		f=migrations/versions/8c41d07e2b95_create_posts.sql
		printf "%s\n" "-- a comment added" >>"$f"
		git rm -q migrations/versions/${head}_add_comments.sql
		rm -f migrations/models/*comments* 2>/dev/null || true
		run_migrate 1 check --replay --base main
		expect_grep "base: $PWD/$f: revision 8c41d07e2b95 was edited since main, where a database may have run it; write a new revision instead" out
		expect_grep "base: revision $head ($PWD/migrations/versions/${head}_add_comments.sql) is at main but was deleted" out
		# committed, the same
		git commit -q -a -m edits
		run_migrate 1 check --replay --base main
		expect_grep "revision 8c41d07e2b95 was edited since main" out
	'

	test_expect_success "$d: a new revision that does not build on the head of the ref" '
		repo
		run_migrate 0 revision -m "side" --rev-id f00000000002 --head b7e05a3d91c2 --splice
		run_migrate 1 check --replay --base main --heads f00000000002,$head
		expect_text "base: revision f00000000002 ($PWD/migrations/versions/f00000000002_side.sql) does not build on $head, the head at main: rebase it (migrate revision --rebase f00000000002)" out
		# rebased onto the head: one head, and the check passes
		run_migrate 0 revision --rebase f00000000002
		expect_text "Rebased f00000000002 onto $head ($PWD/migrations/versions/f00000000002_side.sql)" err
		expect_grep "-- Revises: $head" migrations/versions/f00000000002_side.sql
		run_migrate 0 heads
		expect_text "f00000000002 (head)" out
		run_migrate 0 check --replay --base main
		# again: nothing to do
		run_migrate 0 revision --rebase f00000000002
		expect_text "f00000000002 already builds on $head: nothing to rebase" err
		run_migrate 1 revision --rebase nosuch
		expect_text "migrate: Can${sq}t locate revision identified by ${sq}nosuch${sq}" err
	'

	test_expect_success "$d: a chain of new work: only its start is named, and rebase keeps the chain" '
		repo
		run_migrate 0 revision -m "one" --rev-id f00000000011 --head b7e05a3d91c2 --splice
		run_migrate 0 revision -m "two" --rev-id f00000000012 --head f00000000011
		run_migrate 0 revision -m "own base" --rev-id f00000000013 --head base --branch-label other
		run_migrate 1 check --replay --base main --heads f00000000012,f00000000013,$head
		expect_text "base: revision f00000000011 ($PWD/migrations/versions/f00000000011_one.sql) does not build on $head, the head at main: rebase it (migrate revision --rebase f00000000011)" out
		# the header field as a user may write it; the mode is kept
		f=migrations/versions/f00000000011_one.sql
		sed -i "s/^-- Revises: b7e05a3d91c2\$/--   revises:   b7e05a3d91c2  /" "$f"
		printf "%s\n" "-- Revises: not-this-one" >>"$f"
		chmod 600 "$f"
		run_migrate 0 revision --rebase f00000000011
		expect_text "Rebased f00000000011 onto $head ($PWD/$f)" err
		grep -qx -- "--   revises:   $head  " "$f"
		grep -qx -- "-- Revises: not-this-one" "$f"
		test "$(stat -c %a "$f")" = 600
		test -z "$(ls -A migrations/versions | grep tmp)"
		grep -qx -- "-- Revises: f00000000011" migrations/versions/f00000000012_two.sql
		run_migrate 0 heads
		expect_text "f00000000013 (other) (head)
f00000000012 (head)" out
		run_migrate 0 check --replay --base main --heads f00000000012,f00000000013
		test ! -s out
		# two heads above the parent: --head picks one, never the base
		run_migrate 0 revision -m "three" --rev-id f00000000014 --head 8c41d07e2b95 --splice
		run_migrate 0 revision -m "four" --rev-id f00000000015 --head b7e05a3d91c2 --splice
		run_migrate 2 revision --rebase f00000000014
		one_line
		expect_text "migrate: the parent 8c41d07e2b95 has several heads above it (f00000000015, f00000000012): name the one to build on with --head" err
		run_migrate 0 revision --rebase f00000000014 --head f00000000015
		grep -qx -- "-- Revises: f00000000015" migrations/versions/f00000000014_three.sql
	'

	test_expect_success "$d: Depends On is not a branch; a merge onto what it stands on; --head and file errors" '
		repo
		# a labelled branch of its own that depends on the first revision
		write_rev f00000000031 "" "lib one" "SELECT 1;" "SELECT 1;" "Branch Labels: lib"
		write_rev f00000000032 f00000000031 "lib two" "SELECT 1;" "SELECT 1;" "Depends On: $head"
		git add -A
		git commit -q -m lib
		git checkout -q -b work
		run_migrate 0 revision -m "new" --rev-id f00000000033 --head $head
		run_migrate 0 check --replay --base HEAD --heads f00000000033,f00000000032
		test ! -s out
		run_migrate 0 revision --rebase f00000000033
		expect_text "f00000000033 already builds on $head: nothing to rebase" err
		# a merge of the head with a revision below it is on the head
		write_rev f00000000034 "$head, b7e05a3d91c2" "merge" "SELECT 1;" "SELECT 1;"
		rm migrations/versions/f00000000033_new.sql
		run_migrate 0 check --replay --base HEAD --heads f00000000034,f00000000032
		test ! -s out
		rm migrations/versions/f00000000034_rev.sql
		# --head that names nothing built on a parent, or several
		run_migrate 0 revision -m "side" --rev-id f00000000035 --head 8c41d07e2b95 --splice
		run_migrate 2 revision --rebase f00000000035 --head f00000000032
		expect_text "migrate: --head f00000000032 is not a head built on a parent of f00000000035" err
		run_migrate 2 revision --rebase f00000000035 --head heads
		expect_text "migrate: --head ${sq}heads${sq} must name one revision" err
		# a script that is a symbolic link is not replaced by a file
		f=migrations/versions/f00000000035_side.sql
		mv "$f" side.sql
		ln -s ../../side.sql "$f"
		run_migrate 2 revision --rebase f00000000035
		expect_grep "is not a regular file (a symbolic link?)" err
		test -L "$f"
		rm "$f"
		# an empty Revises gets its value after a blank
		write_rev f00000000036 "" "own" "SELECT 1;" "SELECT 1;" "Branch Labels: own"
		sed -i "s/^-- Revises: \$/-- Revises:/" migrations/versions/f00000000036_rev.sql
		run_migrate 0 revision --rebase f00000000036 --head f00000000032
		grep -qx -- "-- Revises: f00000000032" migrations/versions/f00000000036_rev.sql
	'

	test_expect_success "$d: errors: a ref that names nothing, no repository" '
		repo
		run_migrate 2 check --replay --base nosuch
		one_line
		expect_grep "cannot resolve git ref nosuch" err
		# a script at the ref that cannot be read: named, at the ref
		git checkout -q main
		printf "%s\n" "-- broken" "-- Revision ID: f00000000020" "-- Revises: $head" "-- Revises: $head" >migrations/versions/f00000000020_broken.sql
		git add -A
		git commit -q -m broken
		git checkout -q feature
		run_migrate 2 check --replay --base main
		one_line
		expect_text "$PWD/migrations/versions/f00000000020_broken.sql:4: at main: ${sq}Revises${sq} given twice (first on line 3)" err
		rm -rf .git
		run_migrate 2 check --replay --base main
		one_line
		expect_grep "no git repository holds" err
	'
done

test_done
