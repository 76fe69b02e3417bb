#!/bin/sh
# Lint of risky changes (issue 5 point 5): each rule fires on a minimal
# script, names the script's file and line, and is silenced by its
# "-- migrate:lint-ignore rule" comment; check --lint lists, --strict
# fails; autogenerate lints the revision it writes.
. "$(dirname "$0")/lib.sh"

sq="'"

# base: a project on $url whose first revision makes table t (with rows
# in mind: t exists before the revision linted).
base() {
	mkdir -p migrations/models migrations/versions
	write_ini
	write_rev a0000000000a "" "base" \
	    "CREATE TABLE t (id integer PRIMARY KEY, a text, b text);
CREATE TABLE u (id integer PRIMARY KEY);" "DROP TABLE u; DROP TABLE t;"
}

# risky RULE SQL: revision b0000000000b holding SQL (after a line of its
# own), check --lint finds RULE at the SQL's line; with the ignore
# comment on the line before, it finds nothing.
risky() {
	write_rev b0000000000b a0000000000a "risky" "SELECT 1;
$2" "SELECT 1;"
	f=$(ls migrations/versions/b0000000000b_*.sql)
	line=$(grep -n -F -- "$(printf '%s\n' "$2" | head -1)" "$f" | head -1 | cut -d: -f1)
	# b is pending (one problem); its lint is a warning, or with
	# --strict a second problem
	run_migrate 1 check --lint
	expect_grep "lint: $PWD/$f:$line: [$1] " out
	expect_grep "check failed: 1 problem " err
	run_migrate 1 check --lint --strict
	expect_grep "lint: $PWD/$f:$line: [$1] " out
	expect_grep "check failed: 2 problems " err
	# silenced by its comment
	write_rev b0000000000b a0000000000a "risky" "SELECT 1;
-- migrate:lint-ignore $1
$2" "SELECT 1;"
	run_migrate 1 check --lint --strict
	! grep -q "\[$1\]" out || false
	expect_grep "check failed: 1 problem " err
}

for d in sqlite pg; do
	export d

	test_expect_success "$d: drop-table, drop-column, rename, add-not-null" '
		new_db lt_common
		base
		run_migrate 0 upgrade a0000000000a
		risky drop-table "DROP TABLE u;"
		risky drop-column "ALTER TABLE t DROP COLUMN b;"
		risky rename "ALTER TABLE t RENAME COLUMN b TO c;"
		risky rename "ALTER TABLE u RENAME TO v;"
		risky add-not-null "ALTER TABLE t ADD COLUMN n text NOT NULL;"
	'

	test_expect_success "$d: what is not risky is not flagged" '
		new_db lt_quiet
		base
		run_migrate 0 upgrade a0000000000a
		write_rev b0000000000b a0000000000a "fine" "CREATE TABLE w (id integer PRIMARY KEY, n text NOT NULL);
CREATE INDEX ix_w_n ON w (n);
ALTER TABLE t ADD COLUMN c text NOT NULL DEFAULT ${sq}x${sq};
ALTER TABLE t ADD COLUMN e text;
CREATE TABLE \"DROP TABLE t\" (id integer);" "SELECT 1;"
		run_migrate 1 check --lint --strict
		! grep -q "lint:" out || false
		expect_grep "check failed: 1 problem " err
	'

	test_expect_success "$d: applied revisions are not linted, --replay lints them all" '
		new_db lt_applied
		base
		write_rev b0000000000b a0000000000a "drop" "DROP TABLE u;" "CREATE TABLE u (id integer PRIMARY KEY);"
		printf "CREATE TABLE t (id integer PRIMARY KEY, a text, b text);\n" \
		    >migrations/models/1.sql
		run_migrate 0 upgrade head
		run_migrate 0 check --lint --strict
		! grep -q "lint:" out || false
		run_migrate 1 check --replay --lint --strict
		expect_grep "[drop-table]" out
		test "$(wc -l <out)" = 1
		run_migrate 2 check --strict
		expect_text "migrate: --strict goes with --lint" err
	'

	test_expect_success "$d: autogenerate lints the revision it writes" '
		new_db lt_autogen
		mkdir -p migrations/models migrations/versions
		write_ini
		printf "CREATE TABLE t (id integer PRIMARY KEY, a varchar(20), b text);\n" >migrations/models/1.sql
		run_migrate 0 revision --autogenerate -m one
		! grep -q "lint:" err || false
		run_migrate 0 upgrade head
		printf "CREATE TABLE t (id integer PRIMARY KEY, a varchar(10));\n" >migrations/models/1.sql
		run_migrate 0 revision --autogenerate -m two
		f=$(ls migrations/versions/*_two.sql)
		expect_grep "lint: $PWD/migrations/versions/" err
		expect_grep "[drop-column]" err
		expect_grep "[narrow-type]" err
		case $d in
		pg)	expect_grep "[table-rewrite]" err ;;
		sqlite)	expect_grep "[table-rewrite] rebuilds the table" err ;;
		esac
		test -f "$f"
		! grep -q "\[drop-table\]\|\[rename\]" err || false
		# and check --lint reads the same in the file
		run_migrate 1 check --lint
		expect_grep "[narrow-type]" out
	'

	test_expect_success "$d: ignore comments: stacked, indented, at the end of the line; only for their statement" '
		new_db lt_ignore
		base
		run_migrate 0 upgrade a0000000000a
		write_rev b0000000000b a0000000000a "drops" "SELECT 1;
-- migrate:lint-ignore rename
    -- migrate:lint-ignore drop-table

DROP TABLE u;
ALTER TABLE t DROP COLUMN a; -- migrate:lint-ignore drop-column
ALTER TABLE t DROP COLUMN b;
DROP TABLE t;" "SELECT 1;"
		f=$(ls migrations/versions/b0000000000b_*.sql)
		run_migrate 1 check --lint
		line=$(grep -n "DROP COLUMN b" "$f" | cut -d: -f1)
		expect_text "pending: b0000000000b (drops) is not applied (the database is at a0000000000a)
lint: $PWD/$f:$line: [drop-column] drops a column and its values, and breaks code that still reads it; fix: stop reading it first, drop it in a later revision
lint: $PWD/$f:$((line + 1)): [drop-table] drops a table and its rows; fix: drop it in a later revision, once no code reads it, and keep a backup" out
	'

	test_expect_success "$d: a script lint cannot split: its file and line" '
		new_db lt_split
		base
		run_migrate 0 upgrade a0000000000a
		write_rev b0000000000b a0000000000a "bad" "SELECT 1;


SELECT ${sq}never closed;" "SELECT 1;"
		f=$(ls migrations/versions/b0000000000b_*.sql)
		line=$(grep -n "never closed" "$f" | cut -d: -f1)
		run_migrate 1 check --lint
		one_line
		expect_text "$PWD/$f:$line: unterminated string literal" err
	'

	test_expect_success "$d: JSON: lint lines are warnings, or problems with --strict" '
		new_db lt_json
		base
		run_migrate 0 upgrade a0000000000a
		write_rev b0000000000b a0000000000a "drop" "DROP TABLE u;" "SELECT 1;"
		run_migrate 1 check --lint --format json
		/usr/bin/python3 -c "
import json, sys
d = json.load(open(\"out\"))
assert list(d) == [\"ok\", \"problems\", \"warnings\"], list(d)
assert [p[\"kind\"] for p in d[\"problems\"]] == [\"pending\"], d
assert [w[\"kind\"] for w in d[\"warnings\"]] == [\"lint\"], d
assert \"[drop-table]\" in d[\"warnings\"][0][\"message\"]
"
		run_migrate 1 check --lint --strict --format json
		/usr/bin/python3 -c "
import json
d = json.load(open(\"out\"))
assert [p[\"kind\"] for p in d[\"problems\"]] == [\"pending\", \"lint\"], d
assert d[\"warnings\"] == []
"
	'
done

test_expect_success "pg: index-concurrently, constraint-not-valid, table-rewrite" '
	d=pg
	new_db lt_pg
	base
	run_migrate 0 upgrade a0000000000a
	risky index-concurrently "CREATE INDEX ix_t_a ON t (a);"
	risky index-concurrently "CREATE UNIQUE INDEX ix_t_b ON public.t (b);"
	risky constraint-not-valid "ALTER TABLE t ADD CONSTRAINT fk_t FOREIGN KEY (id) REFERENCES u (id);"
	risky constraint-not-valid "ALTER TABLE t ADD CONSTRAINT ck_t CHECK (id > 0);"
	risky table-rewrite "ALTER TABLE t ALTER COLUMN a TYPE varchar(5);"
	risky add-not-null "ALTER TABLE t ADD COLUMN IF NOT EXISTS n text NOT NULL;"
	# the safe forms
	write_rev b0000000000b a0000000000a "safe" "SELECT 1;
ALTER TABLE t ADD CONSTRAINT fk_t FOREIGN KEY (id) REFERENCES u (id) NOT VALID;
ALTER TABLE t VALIDATE CONSTRAINT fk_t;
CREATE TABLE w (id integer PRIMARY KEY);
CREATE INDEX ix_w ON w (id);
ALTER TABLE w ADD CONSTRAINT ck_w CHECK (id > 0);" "SELECT 1;"
	run_migrate 1 check --lint --strict
	! grep -q "lint:" out || false
	expect_grep "check failed: 1 problem " err
'

test_done
