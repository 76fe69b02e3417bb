#!/bin/sh
# Issue 3, points 1, 2 and 5: the commands that write revision scripts
# (revision with -m, --rev-id, --head, --splice, --branch-label,
# --depends-on, --version-path; merge; edit), the project's own template,
# file_template and truncate_slug_length, and what show, heads, branches
# and history print, compared with Alembic's formats.
. "$(dirname "$0")/lib.sh"

unset VISUAL EDITOR
V=migrations/versions
q="'"
hex12='^[0-9a-f]\{12\}$'

# proj: a project made by migrate init in the current folder.
proj() {
	"$MIGRATE" -q init .
}

# ini "KEY = VALUE"...: set KEYs in the [migrate] section of migrate.ini.
ini() {
	for l in "$@"; do
		sed -i "/^${l%% =*} *=/d" migrate.ini
		echo "$l" >>migrate.ini
	done
}

# hdr FILE KEY: the value of header line "-- KEY: value" in FILE.
hdr() {
	sed -n "s/^-- $2: *//p" "$1" | sed 's/ *$//'
}

# rev ID [OPTION...]: migrate revision -m "step ID" --rev-id ID, exit 0.
rev() {
	_id=$1
	shift
	run_migrate 0 revision -m "step $_id" --rev-id "$_id" "$@"
}

# sums [DIR...]: checksums of every file (dot files too) under versions/
# and DIRs.
sums() {
	find $V "$@" -type f | LC_ALL=C sort | xargs cksum
}

# The branched graph the format tests share:
#   a1 -> b2 (label net) -> c3 \
#   a1 -> d4 (splice) --------- merge m5 of c3 and d4 -> e6
graph() {
	proj
	rev a1
	rev b2 --branch-label net
	rev c3
	rev d4 --head a1 --splice
	run_migrate 0 -q merge -m merge --rev-id m5 c3 d4
	rev e6
}

# doc ID: the header of ID's script as Alembic shows a docstring: each
# comment line indented by four, "--" alone as an empty line.
doc() {
	sed -n "1,/^\$/p" $V/$1_*.sql | sed "/^\$/d; s/^-- /    /; s/^--\$/    /"
}

# entry ID LINE...: Alembic's log entry for ID: "Rev: " and LINEs, the
# path, the header, and the empty line print() adds.
entry() {
	_id=$1
	shift
	printf "Rev: %s\n" "$1"
	shift
	for l in "$@"; do
		printf "%s\n" "$l"
	done
	printf "Path: %s\n\n" "$(pwd -P)/$(ls $V/${_id}_*.sql)"
	doc $_id
	echo
}

test_expect_success 'revision -m in a project made by init writes one script' '
	proj
	run_migrate 0 revision -m "add users"
	test ! -s out
	f=$(ls $V)
	test "$(ls -A $V | wc -l)" -eq 1
	id=${f%_add_users.sql}
	is "$f" "${id}_add_users.sql"
	echo "$id" | grep -q "$hex12"
	expect_text "  Generating $(pwd -P)/$V/$f ... done" err
	is "$(head -n 1 $V/$f)" "-- add users"
	is "$(hdr $V/$f "Revision ID")" "$id"
	is "$(hdr $V/$f Revises)" ""
	hdr $V/$f "Create Date" | grep -q \
	    "^[0-9]\{4\}-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9]\{6\}+00:00$"
	grep -qx -- "-- migrate:upgrade" $V/$f
	grep -qx -- "-- migrate:downgrade" $V/$f
	test "$(stat -c %a $V/$f)" = 644
	run_migrate 0 heads
	expect_text "$id (head)" out
	run_migrate 0 history
	expect_text "<base> -> $id (head), add users" out
'

test_expect_success 'a second revision revises the first and is the new head' '
	proj
	run_migrate 0 -q revision -m "add users"
	a=$(ls $V | cut -c1-12)
	run_migrate 0 -q revision -m "Add posts, and: comments!"
	test ! -s err
	b=$(ls $V | grep -v "^$a" | cut -c1-12)
	test -f $V/${b}_add_posts_and_comments.sql
	is "$(hdr $V/${b}_add_posts_and_comments.sql Revises)" "$a"
	is "$(head -n 1 $V/${b}_add_posts_and_comments.sql)" "-- Add posts, and: comments!"
	test "$a" != "$b"
	run_migrate 0 heads
	expect_text "$b (head)" out
	run_migrate 0 history
	expect_text "$a -> $b (head), Add posts, and: comments!
<base> -> $a, add users" out
'

test_expect_success 'revision never connects to the database' '
	proj
	ini "url = postgresql://nobody@127.0.0.1:1/nowhere"
	run_migrate 0 -q revision -m one --rev-id one
	run_migrate 0 -q --url postgresql://nobody@127.0.0.1:1/x revision \
		-m two --rev-id two
	is "$(hdr $V/two_two.sql Revises)" one
'

test_expect_success 'revision without -m: an empty slug, "empty message" as Alembic' '
	proj
	run_migrate 0 -q revision --rev-id abc
	test -f $V/abc_.sql
	is "$(head -n 1 $V/abc_.sql)" "-- empty message"
	run_migrate 0 history
	expect_text "<base> -> abc (head), empty message" out
'

test_expect_success 'a newline in -m stays on the message line' '
	proj
	run_migrate 0 -q revision --rev-id nl -m "first
second"
	is "$(head -n 1 $V/nl_first_second.sql)" "-- first second"
	is "$(hdr $V/nl_first_second.sql "Revision ID")" nl
	run_migrate 0 heads
	expect_text "nl (head)" out
'

test_expect_success '-q silences Generating' '
	proj
	run_migrate 0 -q revision -m quiet
	test ! -s err
	test ! -s out
	test "$(ls $V | wc -l)" -eq 1
'

test_expect_success '--rev-id sets the id, file name and header' '
	proj
	run_migrate 0 revision -m "add users" --rev-id users_1
	expect_text "  Generating $(pwd -P)/$V/users_1_add_users.sql ... done" err
	is "$(ls $V)" users_1_add_users.sql
	is "$(hdr $V/users_1_add_users.sql "Revision ID")" users_1
	run_migrate 0 revision -m "add posts" --rev-id=0123456789abcdef0123456789abcdef
	is "$(hdr $V/0123456789abcdef0123456789abcdef_add_posts.sql Revises)" users_1
	run_migrate 0 heads
	expect_text "0123456789abcdef0123456789abcdef (head)" out
'

test_expect_success 'an invalid --rev-id is exit 2, one clear line, no file' '
	proj
	rev a1
	sums >before
	for bad in bad-id "a@b" "a+1" "a b" "a,b" "" \
	    0123456789abcdef0123456789abcdef0; do
		run_migrate 2 revision -m x --rev-id "$bad"
		expect_text "migrate: --rev-id $q$bad$q is not a valid revision id (letters, digits and ${q}_$q, at most 32)" err
		test ! -s out
	done
	sums >after
	cmp before after
'

test_expect_success 'a --rev-id that exists is exit 2 and writes nothing' '
	proj
	rev a1
	rev b2
	sums >before
	run_migrate 2 revision -m again --rev-id a1
	expect_text "migrate: revision ${q}a1$q already exists (${q}$PWD/$V/a1_step_a1.sql$q)" err
	run_migrate 2 merge -m again --rev-id b2 a1 b2
	sums >after
	cmp before after
	test ! -e $V/a1_again.sql
'

test_expect_success 'a second head without --head fails as Alembic, no file' '
	proj
	rev a1
	rev b2
	rev c3 --head a1 --splice
	sums >before
	run_migrate 2 revision -m more
	expect_text "migrate: Multiple heads are present; please specify the head revision on which the new revision should be based, or perform a merge." err
	test ! -s out
	sums >after
	cmp before after
'

test_expect_success '--head on a revision that is not a head needs --splice' '
	proj
	rev a1
	rev b2
	sums >before
	run_migrate 2 revision -m x --head a1
	expect_text "migrate: Revision a1 is not a head revision; please specify --splice to create a new branch from this revision" err
	sums >after
	cmp before after
	rev c3 --head a1 --splice
	is "$(hdr $V/c3_step_c3.sql Revises)" a1
	run_migrate 0 heads
	LC_ALL=C sort out >heads
	expect_text "b2 (head)
c3 (head)" heads
'

test_expect_success '--head builds on one branch: by id, prefix, label@head, heads' '
	proj
	rev a1
	rev b2 --branch-label net
	rev c3 --head a1 --splice --branch-label shop
	rev d4 --head b2
	is "$(hdr $V/d4_step_d4.sql Revises)" b2
	rev e5 --head c
	is "$(hdr $V/e5_step_e5.sql Revises)" c3
	rev f6 --head net@head
	is "$(hdr $V/f6_step_f6.sql Revises)" d4
	rev g7 --head shop@head
	is "$(hdr $V/g7_step_g7.sql Revises)" e5
	run_migrate 2 revision -m x --head heads
	expect_text "migrate: ${q}heads$q names several revisions; a new revision builds on one head" err
	run_migrate 1 revision -m x --head zzz
	expect_text "migrate: Can${q}t locate revision identified by ${q}zzz$q" err
	test ! -e $V/*_x.sql
	run_migrate 0 heads
	LC_ALL=C sort out >heads
	expect_text "f6 (net) (head)
g7 (shop) (head)" heads
'

test_expect_success '--head base starts a new base (a second root)' '
	proj
	rev a1
	rev r1 --head base --branch-label other
	is "$(hdr $V/r1_step_r1.sql Revises)" ""
	run_migrate 0 history
	LC_ALL=C sort out >hist
	expect_text "<base> -> a1 (head), step a1
<base> -> r1 (other) (head), step r1" hist
'

test_expect_success '--branch-label writes the header; bad or used labels are exit 2' '
	proj
	rev a1 --branch-label core
	is "$(hdr $V/a1_step_a1.sql "Branch Labels")" core
	rev b2
	run_migrate 0 heads
	expect_text "b2 (core) (head)" out
	sums >before
	run_migrate 2 revision -m x --branch-label core
	expect_text "migrate: branch label ${q}core$q is already used" err
	run_migrate 2 revision -m x --branch-label bad-label
	expect_text "migrate: branch label ${q}bad-label$q is not valid (letters, digits and ${q}_$q)" err
	sums >after
	cmp before after
	rev c3 --branch-label "two, labels"
	is "$(hdr $V/c3_step_c3.sql "Branch Labels")" "two, labels"
	run_migrate 0 heads
	expect_text "c3 (core, two, labels) (head)" out
'

test_expect_success '--depends-on by id, by prefix and by label' '
	proj
	rev a1
	rev n1 --head base --branch-label net
	rev s1 --head a1 --depends-on n1
	is "$(hdr $V/s1_step_s1.sql "Depends On")" n1
	rev s2 --head s1 --depends-on net
	is "$(hdr $V/s2_step_s2.sql "Depends On")" net
	rev n2 --head net@head --branch-label net2
	rev s3 --head s2 --depends-on n2 --depends-on a
	is "$(hdr $V/s3_step_s3.sql "Depends On")" "n2, a1"
	run_migrate 0 history -r s1:s1
	expect_text "a1 (n1) -> s1, step s1" out
	run_migrate 1 revision -m x --head s3 --depends-on zzz
	expect_text "migrate: Can${q}t locate revision identified by ${q}zzz$q" err
	test ! -e $V/*_x.sql
'

test_expect_success 'a head that another depends on is an effective head' '
	proj
	rev n1 --branch-label net
	rev s1 --head base --branch-label shop --depends-on n1
	run_migrate 0 heads
	LC_ALL=C sort out >heads
	expect_text "n1 (net) (effective head)
s1 (shop) (head)" heads
	run_migrate 0 heads --resolve-dependencies
	expect_text "s1 (shop) (head)" out
	run_migrate 0 history -r s1:s1
	expect_text "<base> (n1) -> s1 (shop) (head), step s1" out
'

test_expect_success '--version-path writes into another version location' '
	proj
	mkdir more elsewhere
	ini "version_locations = %(here)s/$V, %(here)s/more"
	rev a1 --version-path $V
	test -f $V/a1_step_a1.sql
	run_migrate 0 revision -m "step b1" --rev-id b1 --head base \
		--branch-label other --version-path more
	test -f more/b1_step_b1.sql
	expect_text "  Generating $(pwd -P)/more/b1_step_b1.sql ... done" err
	rev b2 --head other@head
	test -f more/b2_step_b2.sql
	rev a2 --head a1
	test -f $V/a2_step_a2.sql
	rev a3 --head a2 --version-path "$(pwd)/more"
	test -f more/a3_step_a3.sql
	is "$(hdr more/a3_step_a3.sql Revises)" a2
	run_migrate 0 heads
	LC_ALL=C sort out >heads
	expect_text "a3 (head)
b2 (other) (head)" heads
	sums more elsewhere >before
	run_migrate 2 revision -m x --head a3 --version-path elsewhere
	expect_text "migrate: --version-path ${q}elsewhere$q is not one of the version locations in migrate.ini" err
	run_migrate 2 revision -m x --head a3 --version-path nowhere
	expect_text "migrate: --version-path ${q}nowhere$q: No such file or directory" err
	sums more elsewhere >after
	cmp before after
'

test_expect_success '--version-path must be listed even with one location' '
	proj
	mkdir elsewhere
	run_migrate 2 revision -m x --version-path elsewhere
	expect_text "migrate: --version-path ${q}elsewhere$q is not one of the version locations in migrate.ini" err
	test -z "$(find elsewhere $V -type f)"
	run_migrate 0 -q revision -m x --rev-id x1 --version-path $V
	test -f $V/x1_x.sql
'

test_expect_success 'a new base among several locations needs --version-path, as Alembic' '
	proj
	mkdir more
	ini "version_locations = %(here)s/$V %(here)s/more"
	run_migrate 2 revision -m x --rev-id x1
	expect_text "migrate: Multiple version locations present, please specify --version-path" err
	test -z "$(find more $V -type f)"
'

test_expect_success 'the project template migrations/revision.sql.tmpl is used' '
	proj
	rev a1
	cat >migrations/revision.sql.tmpl <<-\EOF
	-- ${message}
	--
	-- Revision ID: ${rev}
	-- Revises: ${down_revision}
	-- Create Date: ${create_date}
	-- Branch Labels: ${branch_labels}
	-- Depends On: ${depends_on}
	-- Transactional: no

	-- migrate:upgrade
	-- ours: ${rev} on ${down_revision} ${unknown}
	SELECT 1;

	-- migrate:downgrade
	SELECT 2;
	EOF
	run_migrate 0 -q revision -m "add users" --rev-id u1 --branch-label lbl \
		--depends-on a1
	f=$V/u1_add_users.sql
	d=$(hdr $f "Create Date")
	expect_text "-- add users
--
-- Revision ID: u1
-- Revises: a1
-- Create Date: $d
-- Branch Labels: lbl
-- Depends On: a1
-- Transactional: no

-- migrate:upgrade
-- ours: u1 on a1 \${unknown}
SELECT 1;

-- migrate:downgrade
SELECT 2;" $f
	run_migrate 0 heads
	expect_text "u1 (lbl) (head)" out
'

test_expect_success 'Author: from git as git would record it, or empty' '
	proj
	rev a1
	is "$(hdr $V/a1_step_a1.sql Author)" ""
	# the global configuration, then the one of the repository
	printf "[user]\n\tname = Global Person\n\temail = g@example.com\n" >"$HOME/.gitconfig"
	rev a2
	is "$(hdr $V/a2_step_a2.sql Author)" "Global Person <g@example.com>"
	git init -q .
	git config user.name "Repo Person"
	git config user.email r@example.com
	rev a3
	is "$(hdr $V/a3_step_a3.sql Author)" "Repo Person <r@example.com>"
	GIT_AUTHOR_NAME="Env Person" GIT_AUTHOR_EMAIL=e@example.com rev a4
	is "$(hdr $V/a4_step_a4.sql Author)" "Env Person <e@example.com>"
	run_migrate 0 show a4
	expect_grep "Author: Env Person <e@example.com>" out
	rm "$HOME/.gitconfig"
'

test_expect_success 'without a project template the built-in one is used' '
	proj
	rm migrations/revision.sql.tmpl
	rev a1
	run_migrate 0 -q revision -m "add users" --rev-id u1
	f=$V/u1_add_users.sql
	d=$(hdr $f "Create Date")
	sed -e "s/\${message}/add users/; s/\${up_revision}/u1/" \
	    -e "s/\${down_revision}/a1/; s/\${create_date}/$d/" \
	    -e "s/\${branch_labels}//; s/\${depends_on}//; s/\${author}//" \
	    -e "s/\${upgrades}//; s/\${downgrades}//" \
	    "$top/templates/revision.sql.tmpl" >expect.sql
	cmp expect.sql $f
	# the copy init made renders the same
	cp "$top/templates/revision.sql.tmpl" migrations/
	run_migrate 0 -q revision -m "add users" --rev-id u2 --head a1 --splice
	sed "s/u1/u2/" $f >expect2.sql
	sed "s/^-- Create Date: .*/-- Create Date: $d/" $V/u2_add_users.sql >got2.sql
	cmp expect2.sql got2.sql
'

test_expect_success 'a template that gives no valid script: exit 2, says so, no file' '
	proj
	rev a1
	sums >before
	printf "hello \${message}\n" >migrations/revision.sql.tmpl
	run_migrate 2 revision -m x
	one_line
	expect_grep "$(pwd -P)/migrations/revision.sql.tmpl: the template does not give a valid revision script: " err
	printf -- "-- \${message}\n--\n-- Revision ID: \${rev}\n-- Revises: \${down_revision}\n\n-- migrate:downgrade\n" \
		>migrations/revision.sql.tmpl
	run_migrate 2 revision -m x
	one_line
	expect_grep "the template does not give a valid revision script: " err
	sums >after
	cmp before after
'

test_expect_success 'a template that fixes the id or parents: exit 2, no file' '
	proj
	rev a1
	sums >before
	printf -- "-- \${message}\n--\n-- Revision ID: fixed\n-- Revises: \${down_revision}\n\n-- migrate:upgrade\n" \
		>migrations/revision.sql.tmpl
	run_migrate 2 revision -m x
	expect_text "$(pwd -P)/migrations/revision.sql.tmpl: the template must write ${q}Revision ID: \${up_revision}$q and ${q}Revises: \${down_revision}$q" err
	printf -- "-- \${message}\n--\n-- Revision ID: \${rev}\n-- Revises:\n\n-- migrate:upgrade\n" \
		>migrations/revision.sql.tmpl
	run_migrate 2 revision -m x
	expect_grep "the template must write" err
	sums >after
	cmp before after
'

test_expect_success 'an unreadable template or a missing version folder: an error, no file' '
	proj
	rev a1
	rm migrations/revision.sql.tmpl
	mkdir migrations/revision.sql.tmpl
	sums >before
	run_migrate 1 revision -m x
	expect_text "migrate: cannot read ${q}$(pwd -P)/migrations/revision.sql.tmpl$q: Is a directory" err
	sums >after
	cmp before after
	rmdir migrations/revision.sql.tmpl
	mkdir more
	ini "version_locations = %(here)s/$V %(here)s/more"
	rmdir more
	run_migrate 2 revision -m x --head base --version-path $V
	expect_text "migrate: cannot open the version folder ${q}$(pwd -P)/more$q: No such file or directory" err
	sums >after
	cmp before after
	test -z "$(find migrations -name ".*")"
'

test_expect_success 'file_template shapes the name from the Create Date' '
	proj
	ini "file_template = %%(year)d_%%(month).2d_%%(day)02d_%%(hour).2d%%(minute).2d-%%(second).2d_%%(rev)s_%%(slug)s"
	run_migrate 0 -q revision -m "Add users" --rev-id a1
	f=$(ls $V)
	d=$(hdr $V/$f "Create Date")
	want=$(echo "$d" | sed "s/^\([0-9]*\)-\([0-9]*\)-\([0-9]*\) \([0-9]*\):\([0-9]*\):\([0-9]*\)\..*/\1_\2_\3_\4\5-\6/")
	is "$f" "${want}_a1_add_users.sql"
	ini "file_template = %%(epoch)s-%%(rev)s"
	before=$(date +%s)
	run_migrate 0 -q revision -m "Add posts" --rev-id b2
	after=$(date +%s)
	f=$(ls $V | grep "b2\.sql\$")
	epoch=${f%-b2.sql}
	test "$epoch" -ge "$before" && test "$epoch" -le "$after"
	d=$(hdr $V/$f "Create Date")
	is "$(date -u -d "${d%.*}" +%s)" "$epoch"
	ini "file_template = %%(rev)s"
	rev c3
	test -f $V/c3.sql
	run_migrate 0 history
	expect_text "b2 -> c3 (head), step c3
a1 -> b2, Add posts
<base> -> a1, Add users" out
'

test_expect_success 'a bad file_template is exit 2 naming migrate.ini, no file' '
	proj
	rev a1
	sums >before
	for t in "%%(rev)x" "%%(rev)s/%%(slug)s" "%%(nope)d_%%(rev)s"; do
		ini "file_template = $t"
		line=$(grep -n "^file_template" migrate.ini | cut -d: -f1)
		run_migrate 2 revision -m x
		one_line
		expect_grep "migrate.ini:$line: " err
		sums >after
		cmp before after
	done
'

test_expect_success 'truncate_slug_length cuts the slug at a word, as Alembic' '
	proj
	run_migrate 0 -q revision --rev-id a1 \
		-m "This is a very long message that will surely be truncated somewhere"
	test -f $V/a1_this_is_a_very_long_message_that_will_.sql
	ini "truncate_slug_length = 7"
	run_migrate 0 -q revision --rev-id b2 -m "add users and posts"
	test -f $V/b2_add_.sql
	ini "truncate_slug_length = 5"
	run_migrate 0 -q revision --rev-id c3 -m abcdefghijkl
	test -f $V/c3_abcde_.sql
	ini "truncate_slug_length = 8"
	run_migrate 0 -q revision --rev-id d4 -m "Café crème brûlée"
	test -f $V/d4_café_.sql
	run_migrate 0 -q revision --rev-id e5 -m "a b"
	test -f $V/e5_a_b.sql
	ini "truncate_slug_length = many"
	run_migrate 2 revision -m x
	expect_grep "truncate_slug_length" err
	test "$(ls $V | wc -l)" -eq 5
'

test_expect_success 'Create Date follows timezone; an unknown zone is exit 2' '
	test -e /usr/share/zoneinfo/Asia/Tokyo || exit 0
	proj
	ini "timezone = Asia/Tokyo"
	rev a1
	hdr $V/a1_step_a1.sql "Create Date" | grep -q "\.[0-9]\{6\}+09:00\$"
	ini "timezone = UTC"
	rev b2
	hdr $V/b2_step_b2.sql "Create Date" | grep -q "\.[0-9]\{6\}+00:00\$"
	ini "timezone = Mars/Olympus"
	line=$(grep -n "^timezone" migrate.ini | cut -d: -f1)
	run_migrate 2 revision -m x
	expect_text "migrate.ini:$line: unknown timezone ${q}Mars/Olympus$q" err
	test "$(ls $V | wc -l)" -eq 2
'

test_expect_success 'merge heads: one revision revising both heads, then one head' '
	proj
	rev a1
	rev b2
	rev c3 --head a1 --splice
	run_migrate 0 merge -m "merge" heads
	test ! -s out
	f=$(ls $V | grep "_merge\.sql\$")
	id=${f%_merge.sql}
	echo "$id" | grep -q "$hex12"
	expect_text "  Generating $(pwd -P)/$V/$f ... done" err
	is "$(hdr $V/$f Revises | tr -d " " | tr , "\n" | LC_ALL=C sort | tr "\n" ,)" "b2,c3,"
	is "$(head -n 1 $V/$f)" "-- merge"
	run_migrate 0 heads
	expect_text "$id (head)" out
	run_migrate 0 history -r $id:
	parents=$(hdr $V/$f Revises)
	expect_text "$parents -> $id (head) (mergepoint), merge" out
	rev d5
	is "$(hdr $V/d5_step_d5.sql Revises)" "$id"
	run_migrate 0 heads
	expect_text "d5 (head)" out
'

test_expect_success 'merge of named revisions, --rev-id and --branch-label' '
	proj
	rev a1
	rev b2
	rev c3 --head a1 --splice
	rev d4 --head base
	run_migrate 0 -q merge -m "join b and c" --rev-id m1 --branch-label joined b2 c3
	is "$(hdr $V/m1_join_b_and_c.sql Revises)" "b2, c3"
	is "$(hdr $V/m1_join_b_and_c.sql "Branch Labels")" joined
	run_migrate 0 heads
	LC_ALL=C sort out >heads
	expect_text "d4 (head)
m1 (joined) (head)" heads
	run_migrate 0 -q merge -m all --rev-id m2 heads
	is "$(hdr $V/m2_all.sql Revises | tr -d " " | tr , "\n" | LC_ALL=C sort | tr "\n" ,)" "d4,m1,"
	run_migrate 0 heads
	expect_text "m2 (joined) (head)" out
'

test_expect_success 'merge with fewer than two revisions is exit 2, no file' '
	proj
	rev a1
	rev b2
	sums >before
	run_migrate 2 merge -m x heads
	expect_text "migrate: merge needs two or more revisions; heads names 1" err
	run_migrate 2 merge -m x b2 b2
	expect_text "migrate: merge needs two or more revisions; these names 1" err
	run_migrate 2 merge -m x
	run_migrate 1 merge -m x b2 zzz
	expect_text "migrate: Can${q}t locate revision identified by ${q}zzz$q" err
	sums >after
	cmp before after
'

test_expect_success 'edit REV runs $EDITOR on the script path' '
	mkdir "my proj"
	cd "my proj"
	proj
	rev a1
	rev b2 --branch-label net
	: EDITOR is shell text, as git and Alembic take it: quote the path
	ed="$q$(pwd)/ed.sh$q"
	cat >ed.sh <<-\EOF
	#!/bin/sh
	echo "$#" >"$(dirname "$0")/argc"
	echo "-- edited" >>"$1"
	EOF
	chmod +x ed.sh
	EDITOR="$ed" run_migrate 0 edit a1
	test ! -s out
	is "$(cat argc)" 1
	is "$(tail -n 1 $V/a1_step_a1.sql)" "-- edited"
	! grep -q edited $V/b2_step_b2.sql || false
	EDITOR="$ed" run_migrate 0 edit net@head
	is "$(tail -n 1 $V/b2_step_b2.sql)" "-- edited"
	EDITOR="$ed" run_migrate 0 edit head
	EDITOR="$ed" run_migrate 0 edit a
	is "$(grep -c edited $V/b2_step_b2.sql)" 2
	is "$(grep -c edited $V/a1_step_a1.sql)" 2
	: an editor with arguments, as git allows
	EDITOR="sh -c ${q}echo \"-- by sh\" >>\"\$1\"$q sh" run_migrate 0 edit b2
	is "$(tail -n 1 $V/b2_step_b2.sql)" "-- by sh"
	run_migrate 0 heads
	expect_text "b2 (net) (head)" out
'

test_expect_success 'edit: unknown REV, several, or a failing editor are errors' '
	proj
	rev a1
	rev b2
	rev c3 --head a1 --splice
	sums >before
	EDITOR="echo x >>" run_migrate 1 edit zzz
	expect_text "migrate: Can${q}t locate revision identified by ${q}zzz$q" err
	EDITOR="echo x >>" run_migrate 2 edit heads
	expect_text "migrate: ${q}heads$q does not name one revision" err
	EDITOR=false run_migrate 1 edit c3
	expect_text "migrate: the editor ${q}false$q failed" err
	run_migrate 2 edit
	run_migrate 2 edit a1 b2
	sums >after
	cmp before after
'

test_expect_success 'history on a branched, merged graph (Alembic format)' '
	graph
	run_migrate 0 history
	test ! -s err
	is "$(head -n 1 out)" "m5 -> e6 (net) (head), step e6"
	is "$(sed -n 2p out)" "c3, d4 -> m5 (net) (mergepoint), merge"
	is "$(tail -n 1 out)" "<base> -> a1 (branchpoint), step a1"
	LC_ALL=C sort out >sorted
	expect_text "<base> -> a1 (branchpoint), step a1
a1 -> b2 (net), step b2
a1 -> d4, step d4
b2 -> c3 (net), step c3
c3, d4 -> m5 (net) (mergepoint), merge
m5 -> e6 (net) (head), step e6" sorted
	: c3 before b2, as each revision comes before its parents
	test "$(grep -n "^b2 -> c3" out | cut -d: -f1)" -lt \
	    "$(grep -n "^a1 -> b2" out | cut -d: -f1)"
	run_migrate 0 history -r base:heads
	LC_ALL=C sort out >sorted2
	cmp sorted sorted2
'

test_expect_success 'history -r ranges hold what lies between the ends' '
	graph
	run_migrate 0 history -r b2:c3
	expect_text "b2 -> c3 (net), step c3
a1 -> b2 (net), step b2" out
	run_migrate 0 history -r :b2
	expect_text "a1 -> b2 (net), step b2
<base> -> a1 (branchpoint), step a1" out
	run_migrate 0 history -r a1:a1
	expect_text "<base> -> a1 (branchpoint), step a1" out
	run_migrate 0 history -r m5:
	expect_text "m5 -> e6 (net) (head), step e6
c3, d4 -> m5 (net) (mergepoint), merge" out
	: only the descendants of d4, as Alembic: not b2 and c3
	run_migrate 0 history -r d4:
	expect_text "m5 -> e6 (net) (head), step e6
c3, d4 -> m5 (net) (mergepoint), merge
a1 -> d4, step d4" out
	run_migrate 0 history -r d4:e6
	expect_text "m5 -> e6 (net) (head), step e6
c3, d4 -> m5 (net) (mergepoint), merge
a1 -> d4, step d4" out
'

test_expect_success 'history -r errors' '
	graph
	run_migrate 2 history -r b2
	expect_text "migrate: History range requires [start]:[end], [start]:, or :[end]" err
	run_migrate 1 history -r zzz:
	expect_text "migrate: Can${q}t locate revision identified by ${q}zzz$q" err
	test ! -s out
'

test_expect_success 'heads and branches (Alembic format)' '
	graph
	run_migrate 0 heads
	expect_text "e6 (net) (head)" out
	run_migrate 0 branches
	expect_text "a1 (branchpoint)
   -> b2 (net)
   -> d4
" out
	rev f7 --head c3 --splice
	run_migrate 0 heads
	LC_ALL=C sort out >heads
	expect_text "e6 (net) (head)
f7 (net) (head)" heads
	run_migrate 0 branches
	: the order of the branches of one point is free, as in Alembic
	sed "2{h;d};3G" out >swapped
	for f in out swapped; do
		expect_text "c3 (net) (branchpoint)
   -> m5 (net) (mergepoint)
   -> f7 (net) (head)

a1 (branchpoint)
   -> b2 (net)
   -> d4
" $f >/dev/null && break
	done
	expect_text "c3 (net) (branchpoint)
   -> m5 (net) (mergepoint)
   -> f7 (net) (head)

a1 (branchpoint)
   -> b2 (net)
   -> d4
" $f
	mkdir linear
	cd linear
	proj
	rev z1
	run_migrate 0 branches
	test ! -s out
	test ! -s err
'

test_expect_success 'show REV prints the log entry (Alembic format)' '
	graph
	run_migrate 0 show m5
	entry m5 "m5 (mergepoint)" "Merges: c3, d4" "Branch names: net" >want
	cmp want out || { diff -u want out; exit 1; }
	run_migrate 0 show a
	entry a1 "a1 (branchpoint)" "Parent: <base>" "Branches into: b2, d4" >want
	cmp want out || { diff -u want out; exit 1; }
	run_migrate 0 show net@head
	entry e6 "e6 (head)" "Parent: m5" "Branch names: net" >want
	cmp want out || { diff -u want out; exit 1; }
	run_migrate 0 show head
	cmp want out
	test ! -s err
	run_migrate 1 show zzz
	expect_text "migrate: Can${q}t locate revision identified by ${q}zzz$q" err
	test ! -s out
	run_migrate 2 show
'

test_expect_success 'show: dependencies are listed' '
	proj
	rev n1 --branch-label net
	rev s1 --head base --depends-on n1
	run_migrate 0 show s1
	entry s1 "s1 (head)" "Parent: <base>" "Also depends on: n1" >want
	cmp want out || { diff -u want out; exit 1; }
	run_migrate 0 show n1
	: the log entry says head for an effective head too, as Alembic
	entry n1 "n1 (head)" "Parent: <base>" "Branch names: net" >want
	cmp want out || { diff -u want out; exit 1; }
'

test_expect_success 'history -v: each log entry, newest first' '
	graph
	run_migrate 0 history -v -r b2:c3
	{
		entry c3 "c3" "Parent: b2" "Branch names: net"
		entry b2 "b2" "Parent: a1" "Branch names: net"
	} >want
	cmp want out || { diff -u want out; exit 1; }
	run_migrate 0 history --verbose
	is "$(grep -c "^Rev: " out)" 6
	is "$(head -n 1 out)" "Rev: e6 (head)"
'

test_expect_success 'heads -v: each head'"'"'s log entry' '
	graph
	rev f7 --head c3 --splice
	run_migrate 0 heads -v
	{
		entry e6 "e6 (head)" "Parent: m5" "Branch names: net"
		entry f7 "f7 (head)" "Parent: c3" "Branch names: net"
	} >want1
	{
		entry f7 "f7 (head)" "Parent: c3" "Branch names: net"
		entry e6 "e6 (head)" "Parent: m5" "Branch names: net"
	} >want2
	cmp want1 out || cmp want2 out || { diff -u want1 out; exit 1; }
'

test_expect_success 'branches -v: the branch point in full, the branches with their message' '
	graph
	run_migrate 0 branches -v
	{
		entry a1 "a1 (branchpoint)" "Parent: <base>" "Branches into: b2, d4"
		echo "   -> b2 (net), step b2"
		echo "   -> d4, step d4"
		echo
	} >want
	cmp want out || { diff -u want out; exit 1; }
'

test_expect_success 'every command has --help (exit 0) and refuses unknown options (exit 2)' '
	for c in revision merge edit show heads branches history; do
		run_migrate 0 $c --help
		expect_grep "usage: migrate $c" out
		test ! -s err
		run_migrate 0 help $c
		expect_grep "usage: migrate $c" out
		run_migrate 2 $c --no-such-option
		expect_text "migrate: $c: unknown option ${q}--no-such-option$q" err
	done
	for o in "-m message" --head --splice --branch-label --depends-on \
	    --rev-id --version-path; do
		run_migrate 0 revision --help
		expect_grep "$o" out
	done
	run_migrate 0 heads --help
	expect_grep "--resolve-dependencies" out
	run_migrate 0 history --help
	expect_grep "-r, --rev-range" out
	expect_grep "-i, --indicate-current" out
	test ! -e migrate.ini && test ! -e migrations
'

test_expect_success 'usage errors write nothing' '
	proj
	rev a1
	sums >before
	run_migrate 2 revision -m x extra
	run_migrate 2 revision -m
	run_migrate 2 heads extra
	run_migrate 2 branches extra
	run_migrate 2 history extra
	run_migrate 2 revision -m x --splice --head
	sums >after
	cmp before after
'

# The scripts revision and merge write run: fill in SQL with $EDITOR,
# upgrade, and history -i marks what the database is at.
for d in sqlite pg; do
	if [ $d = pg ] && [ -z "${MIGRATE_TEST_PG_URL:-}" ]; then
		continue
	fi
	export d
	test_expect_success "$d: generated revisions and a merge upgrade; history -i" '
		proj
		case $d in
		sqlite)	ini "url = sqlite:///%(here)s/app.db" ;;
		pg)	ini "url = $(pg_newdb t20_written)" ;;
		esac
		cat >sql.sh <<-\EOF
		#!/bin/sh
		# sql.sh TABLE FILE: put CREATE/DROP TABLE into the two parts
		sed -i -e "/^-- migrate:upgrade\$/a CREATE TABLE $1 (id INTEGER PRIMARY KEY);" \
		    -e "/^-- migrate:downgrade\$/a DROP TABLE $1;" "$2"
		EOF
		chmod +x sql.sh
		rev u1 -m "add users"
		EDITOR="$(pwd)/sql.sh users" run_migrate 0 edit u1
		rev p2 -m "add posts"
		EDITOR="$(pwd)/sql.sh posts" run_migrate 0 edit p2
		rev t3 -m "add tags" --head u1 --splice
		EDITOR="$(pwd)/sql.sh tags" run_migrate 0 edit t3
		run_migrate 0 -q merge -m "merge" --rev-id m4 p2 t3
		run_migrate 0 -q upgrade p2
		run_migrate 0 history -i
		expect_text "p2, t3 -> m4 (head) (mergepoint), merge
u1 -> t3, add tags
u1 -> p2 (current), add posts
<base> -> u1 (branchpoint), add users" out
		run_migrate 0 -q upgrade heads
		run_migrate 0 current
		grep -q "^m4 (head)" out
		run_migrate 0 history -i -r current:
		expect_text "p2, t3 -> m4 (head) (current) (mergepoint), merge" out
		case $d in
		sqlite)	tables=$(sqlite3 app.db "SELECT name FROM sqlite_master WHERE type = '"'table'"' AND name IN ('"'users', 'posts', 'tags'"') ORDER BY name" | tr "\n" " ") ;;
		pg)	tables=$(psql -X -At -d t20_written -c "SELECT tablename FROM pg_tables WHERE schemaname = '"'public'"' AND tablename IN ('"'users', 'posts', 'tags'"') ORDER BY 1" | tr "\n" " ") ;;
		esac
		is "$tables" "posts tags users "
		run_migrate 0 -q downgrade base
		run_migrate 0 history -i -r :u1
		expect_text "<base> -> u1 (branchpoint), add users" out
		run_migrate 0 -q upgrade heads
		: the log entry puts current last, as Alembic
		run_migrate 0 history -v -i -r current:
		is "$(head -n 1 out)" "Rev: m4 (head) (mergepoint) (current)"
	'
done

test_done
