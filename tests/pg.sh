#!/bin/sh
# A throw-away PostgreSQL server for the tests.
#
#   tests/pg.sh start DIR   initdb into DIR (created), start on 127.0.0.1 and
#                           a free port, write DIR/env (PGHOST, PGPORT, ...,
#                           MIGRATE_TEST_PG_URL) to be sourced
#   tests/pg.sh stop DIR    stop the server and remove DIR
#
# As root, initdb and pg_ctl run as the postgres OS user (the server refuses
# root). The superuser is postgres; the role "migrate" (password below, with
# every character a URL must escape) owns the test databases.
set -eu

PG_TEST_PASSWORD='p@ss:w/rd%25'
PG_TEST_PASSWORD_URL='p%40ss%3Aw%2Frd%2525'
PG_SUPER_PASSWORD='super-secret-pw'

pg_bindir() {
	if [ -n "${PG_BINDIR:-}" ]; then
		echo "$PG_BINDIR"
		return
	fi
	for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
		if [ -x "$d/initdb" ]; then
			echo "$d"
			return
		fi
	done
	echo "pg.sh: no PostgreSQL server binaries (initdb) found" >&2
	exit 1
}

as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

start() {
	dir=$1
	bin=$(pg_bindir)
	mkdir -p "$dir"
	chmod 755 "$dir"
	[ "$(id -u)" -eq 0 ] && chown postgres "$dir"
	printf '%s\n' "$PG_SUPER_PASSWORD" >"$dir/pw"
	[ "$(id -u)" -eq 0 ] && chown postgres "$dir/pw"
	as_pg "$bin/initdb" -D "$dir/data" -U postgres -E UTF8 --no-locale \
		--auth-local=trust --auth-host=scram-sha-256 \
		--pwfile="$dir/pw" >"$dir/initdb.log" 2>&1 || {
		cat "$dir/initdb.log" >&2
		exit 1
	}
	tries=0
	while :; do
		port=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000 ))
		if as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
		    -t 30 -o "-p $port -c listen_addresses=127.0.0.1 \
		    -c unix_socket_directories=$dir -c fsync=off \
		    -c synchronous_commit=off -c full_page_writes=off \
		    -c max_connections=60" start >/dev/null 2>&1; then
			break
		fi
		tries=$((tries + 1))
		if [ $tries -ge 10 ]; then
			echo "pg.sh: cannot start PostgreSQL:" >&2
			tail -n 20 "$dir/server.log" >&2
			exit 1
		fi
	done
	cat >"$dir/env" <<ENV
PGHOST=127.0.0.1
PGPORT=$port
PGUSER=postgres
PGPASSWORD=$PG_SUPER_PASSWORD
PGDATABASE=postgres
MIGRATE_TEST_PG_DIR=$dir
MIGRATE_TEST_PG_BIN=$bin
MIGRATE_TEST_PG_PASSWORD='$PG_TEST_PASSWORD'
MIGRATE_TEST_PG_URL='postgresql://migrate:$PG_TEST_PASSWORD_URL@127.0.0.1:$port/migrate_test'
export PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE MIGRATE_TEST_PG_DIR
export MIGRATE_TEST_PG_BIN MIGRATE_TEST_PG_PASSWORD MIGRATE_TEST_PG_URL
ENV
	PGPASSWORD=$PG_SUPER_PASSWORD psql -X -q -h 127.0.0.1 -p "$port" \
		-U postgres -d postgres -v ON_ERROR_STOP=1 \
		-c "CREATE ROLE migrate LOGIN CREATEDB PASSWORD '$PG_TEST_PASSWORD'" \
		-c "CREATE DATABASE migrate_test OWNER migrate" >/dev/null
}

stop() {
	dir=$1
	[ -d "$dir" ] || return 0
	bin=$(pg_bindir)
	if [ -f "$dir/data/postmaster.pid" ]; then
		as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop \
			>/dev/null 2>&1 || true
	fi
	# the server is down: its files (a GiB after a full run) go in the
	# background, so that the run ends without waiting on the disk
	if mv "$dir" "$dir.gone" 2>/dev/null; then
		(rm -rf "$dir.gone" &) >/dev/null 2>&1
	else
		rm -rf "$dir"
	fi
}

case "${1:-}" in
start)	start "$2" ;;
stop)	stop "$2" ;;
*)	echo "usage: tests/pg.sh start|stop DIR" >&2; exit 2 ;;
esac
