#!/bin/sh
# --format json of check, current, heads, history and diff (issue 5 point
# 6), each parsed and held to the shape migrate(1) documents under JSON
# OUTPUT, on both dialects.
. "$(dirname "$0")/lib.sh"

sq="'"
head=e29d6f4a0c18

project() {
	mkdir -p migrations/models migrations/versions
	cp "$top/migrations/models/"*.sql migrations/models/
	cp "$top/migrations/versions/"*.sql migrations/versions/
	write_ini
}

# shape KIND FILE: FILE is JSON of the documented shape for KIND; prints
# a short digest of it for the test to compare.
shape() {
	/usr/bin/python3 - "$1" "$2" <<'EOF'
import json, sys
kind, path = sys.argv[1], sys.argv[2]
d = json.load(open(path))
REV = {"revision": str, "parents": list, "depends_on": list,
       "branch_labels": list, "message": str, "path": str,
       "is_head": bool, "is_base": bool}
def rev(r, current_known):
    assert set(r) == set(REV) | {"is_current"}, sorted(r)
    for k, t in REV.items():
        assert isinstance(r[k], t), (k, r[k])
    for k in ("parents", "depends_on", "branch_labels"):
        assert all(isinstance(x, str) for x in r[k]), r[k]
    if current_known:
        assert isinstance(r["is_current"], bool), r
    else:
        assert r["is_current"] is None, r
    return r["revision"] + ("*" if r["is_current"] else "")
if kind in ("current", "heads", "revisions"):
    assert list(d) == [kind], list(d)
    print(" ".join(rev(r, kind != "heads" and "nodb" not in path)
                   for r in d[kind]))
elif kind == "check":
    assert list(d) == ["ok", "problems", "warnings"], list(d)
    assert isinstance(d["ok"], bool)
    assert d["ok"] == (d["problems"] == [])
    for p in d["problems"] + d["warnings"]:
        assert list(p) == ["kind", "message"], p
        assert p["kind"] in ("heads", "pending", "edited", "drift",
                             "replay", "stairway", "base", "lint"), p
        assert isinstance(p["message"], str) and p["message"], p
    print("ok" if d["ok"] else " ".join(p["kind"] for p in d["problems"]))
elif kind == "diff":
    assert list(d) == ["changes", "sql", "warnings", "hints"], list(d)
    assert isinstance(d["changes"], int) and d["changes"] >= 0
    assert isinstance(d["sql"], str)
    assert (d["changes"] == 0) == (d["sql"] == "")
    for k in ("warnings", "hints"):
        assert all(isinstance(x, str) and "\n" not in x for x in d[k])
    print(d["changes"], len(d["warnings"]), len(d["hints"]))
else:
    sys.exit("unknown kind " + kind)
EOF
}

for d in sqlite pg; do
	export d

	test_expect_success "$d: current, heads and history as JSON" '
		new_db js_revs
		project
		run_migrate 0 current --format json
		cp out current.json
		test "$(shape current current.json)" = ""
		run_migrate 0 upgrade 8c41d07e2b95
		run_migrate 0 current --format json
		cp out current.json
		test "$(shape current current.json)" = "8c41d07e2b95*"
		run_migrate 0 heads --format json
		cp out heads.json
		test "$(shape heads heads.json)" = "$head"
		run_migrate 0 history --format json
		cp out history-nodb.json
		test "$(shape revisions history-nodb.json)" = "$head b7e05a3d91c2 8c41d07e2b95 3f2a9c1b7e4d"
		run_migrate 0 history -i --format json
		cp out history.json
		test "$(shape revisions history.json)" = "$head b7e05a3d91c2 8c41d07e2b95* 3f2a9c1b7e4d"
		run_migrate 0 history -r base:base --format json
		cp out history-nodb-empty.json
		test "$(shape revisions history-nodb-empty.json)" = ""
		run_migrate 2 heads --format yaml
		expect_text "migrate: --format takes text or json, not ${sq}yaml${sq}" err
	'

	test_expect_success "$d: check and diff as JSON" '
		new_db js_check
		project
		run_migrate 1 check --format json
		cp out check.json
		test "$(shape check check.json)" = "pending pending pending pending"
		run_migrate 0 upgrade head
		run_migrate 0 check --format json
		cp out check.json
		test "$(shape check check.json)" = ok
		run_migrate 0 diff --format json
		cp out diff.json
		test "$(shape diff diff.json)" = "0 0 0"
		q "ALTER TABLE users ADD COLUMN \"odd
name\" text"
		run_migrate 1 check --format json
		cp out check.json
		test "$(shape check check.json)" = drift
		run_migrate 0 diff --format json
		cp out diff.json
		test "$(shape diff diff.json)" = "1 1 0"
		run_migrate 0 check --replay --format json
		cp out check.json
		test "$(shape check check.json)" = ok
	'
done

test_done
