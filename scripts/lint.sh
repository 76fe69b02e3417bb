#!/bin/sh
# make lint: banned functions (curl's checksrc list) and the command table.
set -u
cd "$(dirname "$0")/.."
rc=0
if grep -nE '\b(strcpy|strcat|sprintf|vsprintf|strtok|atoi|gets)[[:space:]]*\(' \
    src/*.c src/*/*.c; then
	echo "lint: banned function above" >&2
	rc=1
fi
for f in src/cmd-*.c; do
	name=$(basename "$f" .c | sed 's/^cmd-//; s/-/_/g')
	if ! grep -q "&cmd_${name}_entry" src/cmd.c; then
		echo "lint: $f is not in cmd_table[]" >&2
		rc=1
	fi
done
[ $rc -eq 0 ] && echo "lint: ok"
exit $rc
