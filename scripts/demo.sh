#!/bin/sh
# make demo: the main job on the repository's own migrate.ini and
# migrations/, against the embedded SQLite file demo.db: look at the
# revision graph, upgrade to head, step down and up again, show what the
# database says, and compare it with the model (migrations/models/): the
# scripts and the model agree when diff finds nothing.
set -eu
cd "$(dirname "$0")/.."
M=./migrate

step() { printf '\n$ %s\n' "$*"; "$@"; }

rm -f demo.db
step $M --version
step $M heads
step $M history
step $M upgrade head
step $M current
step $M downgrade -1
step $M history -i -r -1:current
step $M upgrade head
printf '\n$ sqlite3 demo.db .tables\n'
sqlite3 demo.db .tables
printf '\n$ sqlite3 demo.db "SELECT id, revision, direction, statements FROM migrate_history"\n'
sqlite3 demo.db "SELECT id, revision, direction, statements FROM migrate_history"
step $M diff
step $M upgrade head --sql >/dev/null
echo
echo "demo: ok"
