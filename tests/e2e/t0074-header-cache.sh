#!/bin/sh
# The header cache (issue 6): heads, history, current ... read each
# script's header from one file under model_cache's folder instead of the
# script, while the script's name, inode, size, mtime and ctime are those
# it was read with. Every change to a script is seen at once; a damaged
# cache is passed by; model_cache = off writes none; a link is not
# followed; a script's body is still read, and its errors reported, by
# the commands that run it.
. "$(dirname "$0")/lib.sh"

V=migrations/versions
umask 022

# rev ID PARENTS [DIR]: a revision script creating table t_ID, in
# DIR/$V/ID_step.sql.
rev() {
	mkdir -p "${3:-.}/$V"
	{
		printf -- '-- step %s\n--\n-- Revision ID: %s\n' "$1" "$1"
		printf -- '-- Revises: %s\n' "$2"
		printf -- '-- Create Date: 2026-11-25 10:00:00.000000+00:00\n'
		printf '\n-- migrate:upgrade\nCREATE TABLE t_%s (id INTEGER);\n' "$1"
		printf '\n-- migrate:downgrade\nDROP TABLE t_%s;\n' "$1"
	} >"${3:-.}/$V/$1_step.sql"
}

# A project whose scripts are older than the cache's two seconds of
# doubt (a file changed nearer than that to the cache's making is read
# again, whatever its stat): made here for each test, then one sleep.
# aa <- bb <- cc, and dd on aa: two heads.
for p in same edit change damage off link owner body pg; do
	P=$TRASH/seasoned-$p
	mkdir -p "$P"
	printf '[migrate]\nscript_location = %%(here)s/migrations\nurl = sqlite:///%%(here)s/app.db\n' \
	    >"$P/migrate.ini"
	rev aa "" "$P"
	rev bb aa "$P"
	rev cc bb "$P"
	rev dd aa "$P"
done
sleep 2.5

# project NAME: into the seasoned project NAME, the cache in ./xdg.
project() {
	cd "$TRASH/seasoned-$1"
	XDG_CACHE_HOME=$PWD/xdg
	export XDG_CACHE_HOME
}

# The cache file's inode and contents: the same when it was not written
# again (a write is a new file renamed over it; a read touches its mtime).
cache_id() {
	set -- xdg/migrate/headers-*
	test $# = 1 && test -f "$1"
	echo "$(stat -c %i "$1") $(cksum <"$1")"
}

# heads_are "ID..." : out lists exactly these heads, in any order.
heads_are() {
	sed "s/ (head)\$//" out | LC_ALL=C sort | paste -sd" " - >heads.txt
	is "$(cat heads.txt)" "$1"
}

# cold CMD...: the output of a run that reads every script (no cache),
# into cold.out.
cold() {
	run_migrate 0 -c cold.ini "$@"
	mv out cold.out
}

# cold.ini: the same project without the cache.
cold_ini() {
	sed "s,^url = .*,&\nmodel_cache = off," migrate.ini >cold.ini
}

test_expect_success 'a cache hit gives what reading the scripts gives' '
	project same
	cold_ini
	run_migrate 0 heads
	cache_id >id1
	# every script from the cache: the file is not written again
	for cmd in heads history "history -v" "history --format json" \
	    "heads -v" branches "show cc" "upgrade --sql heads"; do
		# shellcheck disable=SC2086
		run_migrate 0 $cmd
		mv out warm.out
		# shellcheck disable=SC2086
		cold $cmd
		cmp cold.out warm.out
	done
	expect_grep "CREATE TABLE t_cc (id INTEGER);" warm.out
	cache_id >id2
	cmp id1 id2
	# and no script is opened for heads and history (LeakSanitizer
	# cannot run under strace)
	if command -v strace >/dev/null 2>&1 && [ -z "${VALGRIND:-}" ]; then
		for cmd in heads history; do
			ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
			    strace -f -e trace=open,openat -o trace.txt \
			    "$MIGRATE" $cmd >/dev/null
			! grep "\\.sql\"" trace.txt || false
		done
	fi
'

test_expect_success 'an edit of the same size is seen at once, even with the mtime put back' '
	project edit
	run_migrate 0 heads
	run_migrate 0 heads
	heads_are "cc dd"
	# dd revises bb instead of aa: the same file (inode), the same
	# size, the mtime as it was: only its ctime tells
	f=$V/dd_step.sql
	touch -r "$f" ref
	ls -i "$f" >ino1
	sed "s/^-- Revises: aa$/-- Revises: bb/" "$f" >new
	cat new >"$f"
	touch -r ref "$f"
	ls -i "$f" >ino2
	cmp ino1 ino2
	run_migrate 0 heads
	heads_are "cc dd"
	run_migrate 0 history
	expect_grep "bb -> cc (head), step cc" out
	expect_grep "bb -> dd (head), step dd" out
	expect_grep "aa -> bb (branchpoint), step bb" out
	# and within the same second as the cache was made
	run_migrate 0 heads
	sed "s/^-- Revises: bb$/-- Revises: cc/" "$f" >new
	cat new >"$f"
	touch -r ref "$f"
	run_migrate 0 heads
	heads_are dd
'

test_expect_success 'a script added, removed or renamed is seen at once' '
	project change
	run_migrate 0 heads
	run_migrate 0 heads
	rev ee cc
	run_migrate 0 heads
	heads_are "dd ee"
	rm $V/ee_step.sql
	run_migrate 0 heads
	heads_are "cc dd"
	mv $V/dd_step.sql $V/dd_step.sql.off
	run_migrate 0 heads
	heads_are cc
	mv $V/dd_step.sql.off $V/dd_step.sql
	# two files swap names: each revision has the path it is in now
	mv $V/cc_step.sql x && mv $V/dd_step.sql $V/cc_step.sql &&
	    mv x $V/dd_step.sql
	run_migrate 0 show cc
	expect_grep "Path: $PWD/$V/dd_step.sql" out
	run_migrate 0 show dd
	expect_grep "Path: $PWD/$V/cc_step.sql" out
'

test_expect_success 'a damaged or cut cache file is passed by, and made again' '
	project damage
	cold_ini
	cold history
	run_migrate 0 history
	run_migrate 0 history
	cache_id >id1
	set -- xdg/migrate/headers-*
	cp "$1" good
	# another id where one was: the checksum tells
	sed "s/bb/zz/g" good >"$1"
	run_migrate 0 history
	cmp cold.out out
	cache_id >id2
	! cmp -s id1 id2 || false
	# and it was made whole again: the next run leaves it
	run_migrate 0 history
	cache_id >id3
	cmp id2 id3
	for n in 0 1 20 100 300; do
		head -c $n good >"$1"
		run_migrate 0 history
		cmp cold.out out
	done
	echo garbage >"$1"
	run_migrate 0 history
	cmp cold.out out
'

test_expect_success 'model_cache = off writes no cache; model_cache = DIR writes there' '
	project off
	cold_ini
	cold heads
	cold history
	run_migrate 0 -c cold.ini upgrade heads
	test ! -e xdg
	test -z "$(find "$PWD" "$HOME" -name "headers-*")"
	echo "model_cache = %(here)s/mine" >>migrate.ini
	run_migrate 0 heads
	test ! -e xdg
	set -- mine/headers-*
	test -f "$1"
'

test_expect_success 'the cache file is 0600 in folders made 0700, and a link in its place is not followed' '
	project link
	run_migrate 0 heads
	set -- xdg/migrate/headers-*
	is "$(stat -c %a "$1")" 600
	is "$(stat -c %a xdg) $(stat -c %a xdg/migrate)" "700 700"
	echo precious >target
	rm "$1"
	ln -s "$PWD/target" "$1"
	run_migrate 0 heads
	heads_are "cc dd"
	is "$(cat target)" precious
	test -f "$1" && test ! -L "$1"
	# a link to a good cache is not read either
	run_migrate 0 heads
	mv "$1" real
	cp real real.copy
	ln -s "$PWD/real" "$1"
	run_migrate 0 heads
	test ! -L "$1"
	cmp real real.copy
'

test_expect_success 'a cache file of another user is not read, and ours replaces it' '
	project owner
	run_migrate 0 heads
	set -- xdg/migrate/headers-*
	# root may give it away; anyone else has no other user to give to
	if [ "$(id -u)" = 0 ]; then
		chown nobody "$1"
		run_migrate 0 heads
		heads_are "cc dd"
		# read, it would not have been written again
		is "$(stat -c %U "$1")" "$(id -un)"
	fi
'

test_expect_success 'a body error is reported with file and line by upgrade, heads and check' '
	project body
	run_migrate 0 heads
	run_migrate 0 heads
	f=$V/cc_step.sql
	printf "\n-- migrate:upgrade\nSELECT 2;\n" >>"$f"
	run_migrate 2 upgrade head
	one_line
	expect_text "$PWD/$f:13: a second '"'-- migrate:upgrade'"' (first on line 7)" err
	run_migrate 2 upgrade --sql head
	expect_text "$PWD/$f:13: a second '"'-- migrate:upgrade'"' (first on line 7)" err
	run_migrate 2 heads
	expect_text "$PWD/$f:13: a second '"'-- migrate:upgrade'"' (first on line 7)" err
	run_migrate 1 check
	expect_grep "graph: $PWD/$f:13: a second '"'-- migrate:upgrade'"' (first on line 7)" out
'

for d in sqlite pg; do
	test_expect_success "$d: upgrade and downgrade run the scripts of a cached graph" '
		project pg
		new_db hc
		sed -i "s,^url = .*,url = $url," migrate.ini
		run_migrate 0 heads
		run_migrate 0 heads
		cache_id >id1
		run_migrate 0 upgrade heads
		expect_tables "t_aa t_bb t_cc t_dd"
		expect_rows "cc dd"
		run_migrate 0 current
		heads_are "cc dd"
		run_migrate 0 downgrade base
		expect_tables "" "t_aa t_bb t_cc t_dd"
		cache_id >id2
		cmp id1 id2
	'
done

# read() may return less than asked before the end of a file (9p, FUSE,
# network file systems): every script is still read whole
test_expect_success 'short reads: a 15 KB script read 4000 bytes at a time is whole' '
	command -v cc >/dev/null || { echo "# skip: no cc"; return 0; }
	mkdir sr && cd sr &&
	printf "[migrate]\nscript_location = migrations\nurl = sqlite:///x.db\nmodel_cache = off\n" >migrate.ini &&
	mkdir -p migrations/versions &&
	{
		printf -- "-- big\n--\n-- Revision ID: aa\n-- Revises:\n\n"
		i=0
		while [ $i -lt 300 ]; do
			echo "-- padding line $i xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
			i=$((i + 1))
		done
		printf -- "-- migrate:upgrade\nCREATE TABLE t (id INTEGER);\n-- migrate:downgrade\nDROP TABLE t;\n"
	} >migrations/versions/aa.sql &&
	cat >short.c <<-EOF &&
	#define _GNU_SOURCE
	#include <dlfcn.h>
	#include <unistd.h>
	ssize_t read(int fd, void *b, size_t n)
	{
		static ssize_t (*real)(int, void *, size_t);
		if (real == NULL)
			real = (ssize_t (*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
		return real(fd, b, n > 4000 ? 4000 : n);
	}
	EOF
	cc -shared -fPIC -o short.so short.c -ldl &&
	LD_PRELOAD=$PWD/short.so ASAN_OPTIONS=verify_asan_link_order=0 \
	    run_migrate 0 heads &&
	grep "^aa (head)" out &&
	LD_PRELOAD=$PWD/short.so ASAN_OPTIONS=verify_asan_link_order=0 \
	    run_migrate 0 upgrade head &&
	[ "$(sqlite3 x.db "SELECT name FROM sqlite_master WHERE name = \"t\"")" = t ]
'

test_expect_success 'recursive_version_locations: a link back to a folder above is one error, not a walk without end' '
	mkdir loop && cd loop &&
	printf "[migrate]\nscript_location = migrations\nurl = sqlite:///x.db\nrecursive_version_locations = true\n" >migrate.ini &&
	mkdir -p migrations/versions/sub &&
	printf -- "-- a\n--\n-- Revision ID: aa\n-- Revises:\n\n-- migrate:upgrade\nSELECT 1;\n" >migrations/versions/sub/aa.sql &&
	run_migrate 0 heads &&
	ln -s .. migrations/versions/sub/up &&
	run_migrate 2 heads &&
	one_line err &&
	expect_grep "versions/sub/up" err &&
	expect_grep "is a folder above it again (a symbolic link loop)" err
'

test_done
