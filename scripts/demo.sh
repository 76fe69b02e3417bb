#!/bin/sh
# make demo: the main job on the repository's own migrate.ini and
# migrations/, against the embedded SQLite file demo.db. It grows with the
# project: today it shows the configuration and loads the model.
set -eu
cd "$(dirname "$0")/.."
M=./migrate

step() { printf '\n$ %s\n' "$*"; "$@"; }

rm -f demo.db
step $M --version
step $M config --show-origin
step $M exec migrations/models/*.sql
printf '\n$ sqlite3 demo.db .tables\n'
sqlite3 demo.db .tables
