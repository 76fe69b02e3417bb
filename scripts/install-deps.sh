#!/bin/sh
# Install the Debian packages that building and testing migrate need, and
# only those that are missing: on a machine that has them all this prints
# nothing and touches nothing. Extra package names may be given as arguments
# (make check-valgrind adds valgrind). python3 (Debian's, /usr/bin/python3) only
# validates the JSON outputs in the tests, and git makes the repositories
# of the git-aware tests (migrate itself reads git through libgit2).
# FUZZ=1 (make fuzz, make fuzz-regress) adds clang and libFuzzer.
set -eu

PKGS="gcc make pkg-config libsqlite3-dev libpq-dev libgit2-dev libinih-dev
libcmocka-dev postgresql sqlite3 python3 git $*"
if [ "${FUZZ:-0}" = 1 ]; then
	PKGS="$PKGS clang libclang-rt-14-dev libfuzzer-14-dev"
fi

missing=
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
	SUDO=
elif command -v sudo >/dev/null 2>&1; then
	SUDO=sudo
else
	echo "install-deps: missing packages:$missing (run as root)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >&2
