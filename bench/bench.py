#!/usr/bin/python3
# bench/bench.py: the workloads of `make bench`, each timed for migrate and
# for Alembic on the same generated projects, printed as one table.
# bench/run.sh calls it (it installs Alembic, copies the binary and starts
# PostgreSQL first); see bench/README.md for the workloads and the knobs.
#
# Each figure is the median wall-clock time of BENCH_RUNS (default 5) runs
# after one warm-up; the warm-up runs under GNU time, whose %M is the peak
# resident set reported (of the client: migrate or Python, never the
# server's). Before each run, untimed, the workload's setup (a database
# emptied, a revision removed). A run that exits otherwise than expected
# makes the row FAILED (its stderr is printed), never a figure.
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.environ["BENCH_ROOT"]
WORK = os.environ["BENCH_WORK"]
M = os.environ["BENCH_M"]
PY = "/usr/bin/python3"
A = [PY, "-m", "alembic"]
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
PARTS = os.environ.get("BENCH_PARTS", "a b c d e f").split()
CHAIN_SIZES = [int(n) for n in
               os.environ.get("BENCH_CHAIN_SIZES", "1000 3000 10000").split()]
UPGRADE_N = int(os.environ.get("BENCH_UPGRADE_N", "1000"))
AG_SIZES = [int(n) for n in
            os.environ.get("BENCH_AG_SIZES", "100 300 1000").split()]
REPLAY_N = int(os.environ.get("BENCH_REPLAY_N", "1000"))
DIALECTS = os.environ.get("BENCH_DIALECTS", "sqlite pg").split()
ALEMBIC = os.environ.get("BENCH_ALEMBIC", "1") != "0"
MD = os.environ.get("BENCH_MD")
PG_URL = os.environ["MIGRATE_TEST_PG_URL"]
PG_BASE = PG_URL.rsplit("/", 1)[0]
BENCH = os.path.join(ROOT, "bench")
DEVNULL = subprocess.DEVNULL
# migrate's model cache, in the work folder (not the user's)
os.environ["XDG_CACHE_HOME"] = os.path.join(WORK, "cache")


def pg_url(db):
    return PG_BASE + "/" + db


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def sh(cmd, cwd=None):
    """run a shell command of the setup; its failure stops the bench"""
    subprocess.run(cmd, shell=True, check=True, cwd=cwd, stdout=DEVNULL)


def pg_fresh(*dbs):
    """drop and create the databases again, empty, owned by migrate (a new
    database: DROP SCHEMA of a thousand tables needs more locks than the
    server gives, and a new database has no dead catalog rows)"""
    args = []
    for db in dbs:
        args += ["-c", "DROP DATABASE IF EXISTS %s WITH (FORCE)" % db,
                 "-c", "CREATE DATABASE %s OWNER migrate" % db]
    subprocess.run(["psql", "-q", "-X", "-v", "ON_ERROR_STOP=1", "-d",
                    "postgres"] + args, check=True, stdout=DEVNULL)


class Failed(Exception):
    pass


def measure(cmd, cwd, setup=None, codes=(0,)):
    """(median ms, peak RSS MiB) of cmd in cwd; setup() before each run"""
    err = os.path.join(WORK, "stderr")
    rss = os.path.join(WORK, "rss")
    if setup:
        setup()
    with open(err, "wb") as e:
        rc = subprocess.call(["/usr/bin/time", "-f", "%M", "-o", rss] + cmd,
                             cwd=cwd, stdout=DEVNULL, stderr=e)
    if rc not in codes:
        with open(err, errors="replace") as e:
            tail = e.read().splitlines()[-15:]
        raise Failed("%s: exit %d\n  %s" % (" ".join(cmd), rc,
                                           "\n  ".join(tail)))
    with open(rss) as f:
        peak = int(f.read().split()[-1]) / 1024
    times = []
    for _ in range(RUNS):
        if setup:
            setup()
        t0 = time.perf_counter_ns()
        rc = subprocess.call(cmd, cwd=cwd, stdout=DEVNULL, stderr=DEVNULL)
        t1 = time.perf_counter_ns()
        if rc not in codes:
            raise Failed("%s: exit %d in a timed run" % (" ".join(cmd), rc))
        times.append((t1 - t0) / 1e6)
    return statistics.median(times), peak


# the table: one row a workload, in the order of the parts
ROWS = []


def row(part, name, alembic=None, migrate=None, floor=None, target=None,
        note=""):
    """alembic / migrate: (ms, MiB) or a Failed; floor: ms; target: "100x"
    (migrate against Alembic) or "1.3f" (migrate against the floor)"""
    r = dict(part=part, name=name, a=alembic, m=migrate, f=floor,
             target=target, note=note)
    ROWS.append(r)
    log("  " + fmt_row(r))


def run_tool(fn):
    """fn() -> (ms, MiB), or the Failed it raised (printed)"""
    try:
        return fn()
    except Failed as e:
        log("bench: FAILED " + str(e))
        return e
    except subprocess.CalledProcessError as e:
        log("bench: FAILED in setup: %s" % e)
        return Failed(str(e))


def ms(x):
    if x is None:
        return "-"
    if isinstance(x, Exception):
        return "FAILED"
    if x[0] >= 100:
        return "%.0f" % x[0]
    return "%.1f" % x[0]


def mib(x):
    if x is None or isinstance(x, Exception):
        return "-"
    return "%.1f" % x[1]


def ok(x):
    return x is not None and not isinstance(x, Exception)


def verdict(r):
    out = []
    t = r["target"]
    if t == "100x" and ok(r["a"]) and ok(r["m"]):
        out.append("ok" if r["a"][0] / r["m"][0] >= 100 else "MISSED 100x")
    if t == "1.3f" and ok(r["m"]) and r["f"]:
        out.append("ok" if r["m"][0] / r["f"] <= 1.3 else "MISSED 1.3x")
    if ok(r["m"]) and r["m"][1] >= 64:
        out.append("MISSED 64 MiB")
    return ", ".join(out)


COLS = ["workload", "Alembic ms", "migrate ms", "Alembic/migrate",
        "floor ms", "migrate/floor", "Alembic MiB", "migrate MiB", "target"]


def cells(r):
    ratio = "-"
    if ok(r["a"]) and ok(r["m"]):
        ratio = "%.1fx" % (r["a"][0] / r["m"][0])
    fl = fr = "-"
    if r["f"]:
        fl = "%.0f" % r["f"] if r["f"] >= 100 else "%.1f" % r["f"]
        if ok(r["m"]):
            fr = "%.2f" % (r["m"][0] / r["f"])
    name = r["name"] + (" " + r["note"] if r["note"] else "")
    return ["(%s) %s" % (r["part"], name), ms(r["a"]), ms(r["m"]), ratio,
            fl, fr, mib(r["a"]), mib(r["m"]), verdict(r)]


FMT = "%-*s %8s %8s %7s %7s %7s %7s %7s  %s"


def fmt_row(r, width=52):
    return FMT % tuple([width] + cells(r))


def print_table():
    parts = "abcdef"
    rows = sorted(ROWS, key=lambda r: parts.index(r["part"]))
    w = max([len(cells(r)[0]) for r in rows] + [8])
    print()
    print(FMT % (w, "workload", "Alembic", "migrate", "A/m", "floor",
                 "m/floor", "A peak", "m peak", "target"))
    print(FMT % (w, "", "ms", "ms", "", "ms", "", "MiB", "MiB", ""))
    for r in rows:
        print(fmt_row(r, w))
    if MD:
        with open(MD, "w") as f:
            f.write("| " + " | ".join(COLS) + " |\n")
            f.write("|---" + "|---:" * (len(COLS) - 2) + "|---|\n")
            for r in rows:
                f.write("| " + " | ".join(cells(r)) + " |\n")


def migrate_tool(cwd, args, setup=None, codes=(0,)):
    return run_tool(lambda: measure([M] + args, cwd, setup, codes))


def alembic_tool(cwd, args, setup=None, codes=(0,)):
    if not ALEMBIC:
        return None
    return run_tool(lambda: measure(A + args, cwd, setup, codes))


def floor_of(cmd, cwd, setup=None):
    """median ms of the floor's command (a list, run with no shell)"""
    try:
        return measure(cmd, cwd, setup)[0]
    except Failed as e:
        log("bench: FAILED floor " + str(e))
        return None


# Projects ------------------------------------------------------------------

def chain(n, model=False):
    """bench/gen-chain.sh's project of n revisions (made once)"""
    d = os.path.join(WORK, "chain%d%s" % (n, "m" if model else ""))
    if not os.path.exists(d):
        log("bench: generating a chain of %d revisions%s" %
            (n, " and its model" if model else ""))
        args = ["sh", os.path.join(BENCH, "gen-chain.sh"), d, str(n)]
        subprocess.run(args + (["model"] if model else []), check=True)
        # Python's bytecode cache of the revisions, as any project that
        # has run alembic once has it
        subprocess.run([PY, "-m", "compileall", "-q", "alembic"], cwd=d,
                       check=True)
        with open(os.path.join(d, "migrate-1txn.ini"), "w") as f:
            f.write("[migrate]\nscript_location = %(here)s/migrations\n"
                    "url = sqlite:///%(here)s/bench.db\n"
                    "transaction_per_migration = false\n")
        # scripts written in the last 2 s are read again on every run
        # (the header cache's rule against same-second edits, see
        # src/hdrcache.c); a project's scripts are older than that
        time.sleep(2.1)
    return d


def ag_project(n):
    """bench/gen-model.sh's model of n tables, for both tools"""
    d = os.path.join(WORK, "ag%d" % n)
    if os.path.exists(d):
        return d
    log("bench: generating a model of %d tables" % n)
    os.makedirs(os.path.join(d, "migrations", "versions"))
    os.makedirs(os.path.join(d, "alembic", "versions"))
    subprocess.run(["sh", os.path.join(BENCH, "gen-model.sh"), str(n),
                    os.path.join(d, "migrations", "models"),
                    os.path.join(d, "alembic", "models.py")], check=True)
    shutil.copy(os.path.join(BENCH, "alembic", "alembic.ini"), d)
    for f in ("env.py", "script.py.mako"):
        shutil.copy(os.path.join(BENCH, "alembic", f),
                    os.path.join(d, "alembic"))
    subprocess.run([PY, "-m", "compileall", "-q", "alembic"], cwd=d,
                   check=True)
    ini = ("[migrate]\nscript_location = %(here)s/migrations\n"
           "url = sqlite:///%(here)s/bench.db\n")
    with open(os.path.join(d, "migrate.ini"), "w") as f:
        f.write(ini)
    with open(os.path.join(d, "migrate-nocache.ini"), "w") as f:
        f.write(ini + "model_cache = off\n")
    with open(os.path.join(d, "migrate-devurl.ini"), "w") as f:
        f.write(ini + "dev_url = %s\n" % pg_url("migrate_dev").replace(
            "%", "%%"))
    model = os.path.join(d, "model.sql")
    with open(model, "w") as out:
        for f in sorted(os.listdir(os.path.join(d, "migrations", "models"))):
            with open(os.path.join(d, "migrations", "models", f)) as i:
                out.write(i.read())
    with open(os.path.join(d, "floor.pg.sql"), "w") as out:
        out.write("BEGIN; CREATE SCHEMA bench_floor;\n"
                  "SET LOCAL search_path TO bench_floor;\n")
        with open(model) as i:
            out.write(i.read())
        out.write("ROLLBACK;\n")
    return d


def rm_glob(d, pattern):
    import glob
    for f in glob.glob(os.path.join(d, pattern)):
        os.remove(f)


def rm(*paths):
    for p in paths:
        if os.path.exists(p):
            os.remove(p)


# Workloads -----------------------------------------------------------------

def part_c():
    """upgrade head of UPGRADE_N one-statement revisions, against the floor"""
    n = UPGRADE_N
    d = chain(n)
    with open(os.path.join(d, "all1.sql"), "w") as out:
        out.write("BEGIN;\n")
        with open(os.path.join(d, "all.sql")) as i:
            out.write(i.read())
        out.write("COMMIT;\n")
    db, adb, fdb = (os.path.join(d, f) for f in
                    ("bench.db", "alembic.db", "floor.db"))
    if "sqlite" in DIALECTS:
        for one, label in ((True, "one txn"), (False, "txn each")):
            a = alembic_tool(d, ([] if one else ["-x", "tpm=1"]) +
                             ["upgrade", "head"], lambda: rm(adb))
            m = migrate_tool(d, (["-c", "migrate-1txn.ini"] if one else []) +
                             ["upgrade", "head"], lambda: rm(db))
            f = floor_of(["sqlite3", "floor.db", ".read %s" %
                          ("all1.sql" if one else "all.sql")], d,
                         lambda: rm(fdb))
            row("c", "upgrade head, %d revs, SQLite, %s" % (n, label),
                a, m, f, "1.3f")
    if "pg" in DIALECTS:
        for one, label in ((True, "one txn"), (False, "txn each")):
            a = alembic_tool(d, ["-x", "url=" + pg_url("alembic_test")] +
                             ([] if one else ["-x", "tpm=1"]) +
                             ["upgrade", "head"],
                             lambda: pg_fresh("alembic_test"))
            m = migrate_tool(d, (["-c", "migrate-1txn.ini"] if one else []) +
                             ["--url", PG_URL, "upgrade", "head"],
                             lambda: pg_fresh("migrate_test"))
            f = floor_of(["psql", "-q", "-X", "-v", "ON_ERROR_STOP=1", "-d",
                          pg_url("floor_test")] + (["-1"] if one else []) +
                         ["-f", "all.sql"], d, lambda: pg_fresh("floor_test"))
            row("c", "upgrade head, %d revs, PostgreSQL, %s" %
                (n, label), a, m, f, "1.3f")


def part_a():
    """start-up: --help, and current on a database at head"""
    d = chain(10)
    row("a", "--help", alembic_tool(d, ["--help"]),
        migrate_tool(d, ["--help"]), target="100x")
    for n in sorted({10, UPGRADE_N}):
        d = chain(n)
        sh("rm -f bench.db alembic.db", d)
        sh("'%s' -q upgrade head" % M, d)
        if ALEMBIC:
            sh("%s -m alembic upgrade head 2>/dev/null" % PY, d)
        row("a", "current, %d revs, SQLite, at head" % n,
            alembic_tool(d, ["current"]), migrate_tool(d, ["current"]),
            target="100x")
    if "pg" in DIALECTS:
        d = chain(UPGRADE_N)
        pg_fresh("migrate_test", "alembic_test")
        sh("'%s' -q --url '%s' upgrade head" % (M, PG_URL), d)
        if ALEMBIC:
            sh("%s -m alembic -x 'url=%s' upgrade head 2>/dev/null" %
               (PY, pg_url("alembic_test")), d)
        row("a", "current, %d revs, PostgreSQL, at head" % UPGRADE_N,
            alembic_tool(d, ["-x", "url=" + pg_url("alembic_test"),
                             "current"]),
            migrate_tool(d, ["--url", PG_URL, "current"]), target="100x")


def part_b():
    """heads and history over CHAIN_SIZES revisions"""
    for n in CHAIN_SIZES:
        d = chain(n)
        f = floor_of([os.path.join(WORK, "floor-read"),
                      "migrations/versions"], d)
        for cmd in ("heads", "history"):
            row("b", "%s, %d revs" % (cmd, n), alembic_tool(d, [cmd]),
                migrate_tool(d, [cmd]), f, "100x")


def part_f():
    """check --replay over REPLAY_N revisions; Alembic: upgrade head of a
    new database and its check (bench/alembic-check.py)"""
    n = REPLAY_N
    d = chain(n, model=True)
    chk = [PY, os.path.join(BENCH, "alembic-check.py")]
    if "sqlite" in DIALECTS:
        a = None
        if ALEMBIC:
            a = run_tool(lambda: measure(
                chk, d, lambda: rm(os.path.join(d, "alembic.db"))))
        m = migrate_tool(d, ["check", "--replay"],
                         lambda: rm(os.path.join(d, "bench.db")))
        row("f", "check --replay, %d revs, SQLite" % n, a, m,
            note="(A: upgrade+check)")
    if "pg" in DIALECTS:
        a = None
        if ALEMBIC:
            a = run_tool(lambda: measure(
                chk + ["-x", "url=" + pg_url("alembic_test")], d,
                lambda: pg_fresh("alembic_test")))
        m = migrate_tool(d, ["--url", PG_URL, "check", "--replay"],
                         lambda: pg_fresh("migrate_test"))
        row("f", "check --replay, %d revs, PostgreSQL" % n, a, m,
            note="(A: upgrade+check)")


def alembic_changes(d):
    """the op. lines of the newest autogenerated Alembic revision"""
    import glob
    fs = sorted(glob.glob(os.path.join(d, "alembic", "versions", "*.py")),
                key=os.path.getmtime)
    with open(fs[-1]) as f:
        return sum(1 for line in f if line.strip().startswith("op."))


def part_de():
    """autogenerate: into an empty database (d, the largest size) and the
    no-op compare against a database equal to the model (e, every size)"""
    big = max(AG_SIZES)
    for n in AG_SIZES:
        if "e" not in PARTS and n != big:
            continue
        d = ag_project(n)
        av = os.path.join(d, "alembic", "versions")
        mv = os.path.join(d, "migrations", "versions")
        for dia in DIALECTS:
            name = "SQLite" if dia == "sqlite" else "PostgreSQL"
            if dia == "sqlite":
                murl, aurl = [], []

                def fresh():
                    rm(os.path.join(d, "bench.db"), os.path.join(d,
                                                                 "alembic.db"))
                floor = ["sqlite3", ":memory:", ".read model.sql"]
            else:
                murl = ["--url", PG_URL]
                aurl = ["-x", "url=" + pg_url("alembic_test")]

                def fresh():
                    pg_fresh("migrate_test", "alembic_test")
                floor = ["psql", "-q", "-X", "-v", "ON_ERROR_STOP=1", "-d",
                         PG_URL, "-f", "floor.pg.sql"]
            rm_glob(av, "*.py")
            rm_glob(mv, "*.sql")
            fl = floor_of(floor, d, fresh if dia == "pg" else None)
            # (d): revision --autogenerate into an empty database
            if n == big and "d" in PARTS:
                def setup_d():
                    fresh()
                    rm_glob(av, "*.py")
                    rm_glob(mv, "*.sql")
                a = alembic_tool(d, aurl + ["revision", "--autogenerate",
                                            "-m", "init"], setup_d)
                m = migrate_tool(d, murl + ["revision", "--autogenerate",
                                            "-m", "init"], setup_d)
                row("d", "autogenerate, %d tables, empty, %s" % (n, name),
                    a, m, fl)
                m = migrate_tool(d, ["-c", "migrate-nocache.ini"] + murl +
                                 ["revision", "--autogenerate", "-m",
                                  "init"], setup_d)
                row("d", "autogenerate, %d tables, empty, %s" % (n, name),
                    a, m, fl, note="(no cache)")
            if "e" not in PARTS:
                continue
            # the database equal to the model: each tool's own revision of
            # the model, applied by the tool (untimed)
            fresh()
            rm_glob(av, "*.py")
            rm_glob(mv, "*.sql")
            sh("'%s' -q %s revision --autogenerate -m init" %
               (M, " ".join("'%s'" % x for x in murl)), d)
            sh("'%s' -q %s upgrade head" %
               (M, " ".join("'%s'" % x for x in murl)), d)
            if ALEMBIC:
                sh("%s -m alembic %s revision --autogenerate -m init "
                   "2>/dev/null" % (PY, " ".join("'%s'" % x for x in aurl)),
                   d)
                subprocess.run([PY, "-m", "compileall", "-q", av],
                               check=True, stdout=DEVNULL)
                sh("%s -m alembic %s upgrade head 2>/dev/null" %
                   (PY, " ".join("'%s'" % x for x in aurl)), d)

            # (e): the no-op compare, the revision it writes removed
            def setup_e():
                rm_glob(av, "*_noop.py")
                rm_glob(mv, "*_noop.sql")
            a = alembic_tool(d, aurl + ["revision", "--autogenerate", "-m",
                                        "noop"], setup_e)
            if ok(a) and alembic_changes(d):
                a = Failed("the no-op autogenerate found changes")
                log("bench: Alembic, %s, %d tables: %s" % (name, n, a))
            setup_e()
            m = migrate_tool(d, murl + ["revision", "--autogenerate", "-m",
                                        "noop"], setup_e)
            if os.listdir(mv) != [f for f in os.listdir(mv)
                                  if not f.endswith("_noop.sql")]:
                m = Failed("the no-op autogenerate wrote a revision")
                log("bench: migrate, %s, %d tables: %s" % (name, n, m))
            row("e", "no-op autogen, %d tables, %s" % (n, name), a, m,
                fl, "100x")
            if n == big:
                # migrate with no model cache: the first run of a CI job that
                # keeps none; PostgreSQL: with dev_url, the recommended set-up
                m = migrate_tool(d, ["-c", "migrate-nocache.ini"] + murl +
                                 ["revision", "--autogenerate", "-m", "noop"],
                                 setup_e)
                row("e", "no-op autogen, %d tables, %s" % (n, name), a,
                    m, fl, "100x", "(no cache)")
                if dia == "pg":
                    pg_fresh("migrate_dev")
                    m = migrate_tool(d, ["-c", "migrate-devurl.ini"] + murl +
                                     ["revision", "--autogenerate", "-m",
                                      "noop"], setup_e)
                    row("e", "no-op autogen, %d tables, %s" % (n, name),
                        a, m, fl, "100x", "(dev_url)")
            setup_e()


def versions():
    """what was measured: the versions of both tools and both databases"""
    import alembic
    import psycopg2
    import sqlalchemy

    def out(cmd):
        return subprocess.run(cmd, capture_output=True, text=True,
                              check=True).stdout.strip()
    pg = out(["psql", "-X", "-At", "-d", "postgres", "-c",
              "SHOW server_version"])
    return ("%s; Alembic %s, SQLAlchemy %s, psycopg2 %s, Python %s; "
            "SQLite %s; PostgreSQL %s" %
            (out([M, "--version"]), alembic.__version__,
             sqlalchemy.__version__, psycopg2.__version__.split()[0],
             sys.version.split()[0], out(["sqlite3", "-version"]).split()[0],
             pg.split()[0]))


def main():
    t0 = time.time()
    load0 = open("/proc/loadavg").read().split()[0]
    what = versions()
    log("bench: " + what)
    for p, fn in (("c", part_c), ("a", part_a), ("b", part_b),
                  ("f", part_f), ("de", part_de)):
        if any(x in PARTS for x in p):
            log("bench: part %s" % p)
            fn()
    print_table()
    print("\n%s\nmedian of %d runs after a warm-up; %.0f s in all; %d CPUs, "
          "load average %s at the start, %s at the end" %
          (what, RUNS, time.time() - t0, os.cpu_count(), load0,
           open("/proc/loadavg").read().split()[0]))
    failed = [r for r in ROWS if isinstance(r["a"], Exception) or
              isinstance(r["m"], Exception)]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
