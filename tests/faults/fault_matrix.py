#!/usr/bin/env python3
"""Bad input, faults and load through the real programs (tst_faults).

Each case runs the installed-shape `nbaops` on a copy of a small database and checks three
things: a non-zero exit, a message that names what happened and what to do, and nothing lost
(the file's bytes, or every data table's checksum, before and after). The cases:

  database   not SQLite, truncated, from a newer nbaops, read-only, locked by another writer
  data       a missing or unreadable box-score file, a database folder nbaops cannot write
  disk full  a tmpfs with a size limit fills mid-run: the run fails cleanly, the date stays as it
             was, and the run after space returns succeeds and equals an uninterrupted run
  power      kill -9 at random points, 20 times: PRAGMA integrity_check passes every time and a
             rerun converges to the checksums of an uninterrupted run
  input      an unknown date, a range backwards or 50 years long, a 100 MB payload, a payload
             nested a million deep (served on 127.0.0.1), invalid UTF-8 in a player's name, a
             CSV with a BOM, CRLF lines and extra columns

  fault_matrix.py --cli PATH/nbaops [--only NAME]...

Root is not needed. As root, permissions are made to bite by running the program without the
capabilities that override them (setpriv), and the disk-full case mounts its tmpfs in a private
mount namespace (unshare); without either tool, the cases that need it say so and are skipped.
Every wait is bounded.
"""
import argparse
import hashlib
import json
import http.server
import os
import random
import re
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import threading
import time
import traceback

# The pipeline's data: what a failed command must leave exactly as it was. The bookkeeping
# tables (runs, audit, alerts, their notifications) record the failure itself and are not here.
BOOKKEEPING = {
    "schema_migrations", "processor_runs", "run_daily_summary", "table_freshness", "processor_latest",
    "processor_last_success", "circuit_breakers", "circuit_events", "imports", "audit_log", "alerts",
    "alert_events", "alert_silences", "alert_notifications", "run_day_stats", "run_duration_hist",
    "run_hour_failures", "processor_timeouts", "run_day_phase_stats", "run_duration_phase_hist", "backfills",
    "backfill_dates", "backfill_items", "backups", "drills", "drill_steps", "cloud_sync", "sqlite_sequence",
    "sqlite_stat1", "sqlite_stat4",
}
# Columns that differ between two runs of the same dates (when, by which run, surrogate row ids),
# left out of the comparison of an interrupted run with an uninterrupted one.
VOLATILE = ("_at", "run_id", "payload_id", "duration", "seconds", "elapsed", "attempt")


def volatile(column):
    return column == "id" or any(v in column for v in VOLATILE)

FIRST = "2024-01-09"  # the base database holds FIRST..BASE_TO; the cases run the days after
BASE_TO = "2024-01-10"
NEXT = "2024-01-11"
RANGE_TO = "2024-01-14"


class Failure(Exception):
    pass


class Skip(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


class Env:
    def __init__(self, cli, work):
        self.cli = cli
        self.work = work
        self.root = os.geteuid() == 0
        self.setpriv = shutil.which("setpriv")
        self.env = dict(os.environ)
        self.env.pop("NBAOPS_NBA_STATS_URL", None)
        self.env.update({"XDG_DATA_HOME": os.path.join(work, "home"), "XDG_CONFIG_HOME": os.path.join(work, "config"),
                         "NBAOPS_LOG": "error", "NBAOPS_ODDS_API_KEY": "k", "NBAOPS_BDL_API_KEY": "k"})

    def run(self, args, db=None, timeout=300, env=None, unprivileged=False):
        cmd = [self.cli] + (["--db", db] if db else []) + list(args)
        if unprivileged and self.root:
            if not self.setpriv:
                raise Skip("running as root without setpriv (util-linux): permissions cannot bite")
            cmd = [self.setpriv, "--inh-caps=-all", "--bounding-set=-all", "--"] + cmd
        e = dict(self.env)
        e.update(env or {})
        p = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=timeout, env=e)
        return p.returncode, p.stdout, p.stderr

    def start(self, args, db):
        return subprocess.Popen([self.cli, "--db", db] + list(args), stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, env=self.env)

    def copy(self, src, name, parent=None):
        """A copy of a database's folder (the database checkpointed first, so it is one file; its
        raw payloads and published documents with it)."""
        folder = os.path.join(parent or self.work, name)
        con = sqlite3.connect(src)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
        shutil.copytree(os.path.dirname(src), folder)
        return os.path.join(folder, "nbaops.db")


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def connect(db, immutable=False):
    uri = "file:" + db + ("?immutable=1" if immutable else "?mode=ro")
    return sqlite3.connect(uri, uri=True, timeout=10)


def tables(con):
    return [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]


def data_sums(db, stable_only=False, immutable=False):
    """Per data table: its row count and a SHA-256 over its rows, sorted (all columns, or with
    stable_only the columns that do not say when or by which run)."""
    con = connect(db, immutable)
    out = {}
    for t in tables(con):
        if t in BOOKKEEPING:
            continue
        cols = [r[1] for r in con.execute(f'PRAGMA table_info("{t}")')]
        if stable_only:
            cols = [c for c in cols if not volatile(c)]
        if not cols:
            continue
        rows = sorted(repr(r) for r in con.execute("SELECT " + ",".join(f'"{c}"' for c in cols) + f' FROM "{t}"'))
        h = hashlib.sha256()
        for r in rows:
            h.update(r.encode("utf-8", "surrogateescape"))
            h.update(b"\n")
        out[t] = (len(rows), h.hexdigest()[:16])
    con.close()
    return out


def diff(a, b):
    keys = sorted(set(a) | set(b))
    return ", ".join(f"{k}: {a.get(k)} -> {b.get(k)}" for k in keys if a.get(k) != b.get(k))


def integrity(db):
    con = sqlite3.connect(db, timeout=10)
    r = con.execute("PRAGMA integrity_check").fetchall()
    con.close()
    return r


def expect_refusal(rc, err, *needles, code=None):
    check(rc != 0, f"exit 0 where a refusal was due; stderr: {err.strip()[:300]}")
    if code is not None:
        check(rc == code, f"exit {rc}, not {code}; stderr: {err.strip()[:300]}")
    check("unexpected error" not in err, f"an unexpected error: {err.strip()[:300]}")
    for n in needles:
        check(n.lower() in err.lower(), f"the message does not say '{n}': {err.strip()[:400]}")


# --- the cases -----------------------------------------------------------------------------------

def case_not_sqlite(e, base):
    db = os.path.join(e.work, "notes.db")
    with open(db, "w") as f:
        f.write("game_date,player\n2024-01-09,someone\n" * 200)
    before = sha256(db)
    for args in (["status"], ["run", "--date", NEXT]):
        rc, _, err = e.run(args, db)
        expect_refusal(rc, err, "not an nbaops database", "restore it from a backup", code=3)
    check(sha256(db) == before, "the file changed")
    check(not os.path.exists(db + "-wal"), "a WAL file was created beside it")


def case_truncated(e, base):
    db = e.copy(base, "truncated")
    size = os.path.getsize(db)
    with open(db, "r+b") as f:
        f.truncate(size // 3)
    before = sha256(db)
    for args in (["status"], ["run", "--date", NEXT]):
        rc, _, err = e.run(args, db)
        expect_refusal(rc, err, "damaged", "restore it from a backup", code=3)
    check(sha256(db) == before, "the file changed")


def case_newer(e, base):
    db = e.copy(base, "newer")
    con = sqlite3.connect(db)
    con.execute("INSERT INTO schema_migrations VALUES (999, 'from the future', '2030-01-01T00:00:00Z')")
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    before = sha256(db)
    for args in (["status"], ["run", "--date", NEXT]):
        rc, _, err = e.run(args, db)
        expect_refusal(rc, err, "newer nbaops", "nothing was changed", "upgrade nbaops", code=3)
        check(err.count("newer nbaops") == 1, "said more than once: " + err)
    check(sha256(db) == before, "the file changed")


def case_read_only(e, base):
    db = e.copy(base, "readonly")
    folder = os.path.dirname(db)
    before = sha256(db)
    os.chmod(db, 0o444)
    os.chmod(folder, 0o555)
    try:
        rc, out, err = e.run(["run", "--date", NEXT], db, unprivileged=True)
        expect_refusal(rc, err, db, "read-only", "make both writable", "pass --db", code=3)
        # Reading needs no write: the health check answers from a read-only database.
        rc, out, err = e.run(["status", "--date", FIRST], db, unprivileged=True)
        check(rc in (0, 1, 2), f"status on a read-only database: exit {rc}: {err.strip()[:300]}")
        check(FIRST in out, f"status does not report {FIRST}: {out[:300]}")
    finally:
        os.chmod(folder, 0o755)
        os.chmod(db, 0o644)
    check(sha256(db) == before, "the file changed")


def case_locked(e, base):
    db = e.copy(base, "locked")
    before = data_sums(db)
    holder = sqlite3.connect(db, timeout=1, isolation_level=None)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("BEGIN IMMEDIATE")  # another writer, holding the write lock
    try:
        t0 = time.monotonic()
        rc, _, err = e.run(["run", "--date", NEXT], db, timeout=120)
        took = time.monotonic() - t0
        expect_refusal(rc, err, "another", "wait for it or stop it")
        check(took < 60, f"waited {took:.0f} s for the lock")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    check(data_sums(db) == before, "data changed: " + diff(before, data_sums(db)))
    rc, _, err = e.run(["run", "--date", NEXT], db)
    check(rc in (0, 1), f"the run after the lock was released: exit {rc}: {err.strip()[:300]}")


def case_missing_data(e, base):
    db = e.copy(base, "missingdata")
    before = sha256(db)
    rc, _, err = e.run(["import", "boxscores", os.path.join(e.work, "no-such-folder", "box.csv")], db)
    expect_refusal(rc, err, "no-such-folder", "no such file: check the path", code=3)
    check(sha256(db) == before, "the database changed")


def case_unreadable_data(e, base):
    db = e.copy(base, "unreadable")
    csv = os.path.join(e.work, "unreadable.csv")
    shutil.copyfile(os.path.join(e.work, "box.csv"), csv)
    os.chmod(csv, 0)
    before = data_sums(db)
    try:
        rc, _, err = e.run(["import", "boxscores", csv], db, unprivileged=True)
        expect_refusal(rc, err, "unreadable.csv", "permission", "check its permissions")
    finally:
        os.chmod(csv, 0o644)
    check(data_sums(db) == before, "data changed: " + diff(before, data_sums(db)))


def case_folder_not_writable(e, base):
    """The data folder, where the raw payloads go, cannot be written."""
    db = e.copy(base, "folderro")
    folder = os.path.join(os.path.dirname(db), "raw")
    before = data_sums(db)
    dirs = [d for d, _, _ in os.walk(folder)]
    for d in dirs:
        os.chmod(d, 0o555)
    try:
        # The database can be written, the folders of the raw payloads cannot be made: every
        # scraper fails saying so, and what depends on them waits.
        rc, out, err = e.run(["run", "--date", NEXT, "--no-alerts"], db, unprivileged=True)
        expect_refusal(rc, err, code=1)
        check(out.count("Check the permissions of the data folder") >= 4 and folder in out,
              "the scrapers do not name the folder and what to do: " + out[:600])
    finally:
        for d in dirs:
            os.chmod(d, 0o755)
    check(data_sums(db) == before, "data changed: " + diff(before, data_sums(db)))


def case_disk_full(e, base):
    if not e.mount_ok:
        raise Skip(e.mount_ok_why)
    mnt = os.path.join(e.work, "tmpfs")
    os.makedirs(mnt)
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(os.path.dirname(base)) for f in fs)
    limit = 2 * size + (24 << 20)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={limit}", "nbaops-faults", mnt], capture_output=True, text=True)
    if r.returncode != 0:
        raise Skip("cannot mount a tmpfs: " + r.stderr.strip())
    try:
        db = e.copy(base, "db", parent=mnt)
        before = data_sums(db)
        # Leave 160 KiB free: enough to open and start, not enough for a night's raw payloads and rows.
        free = os.statvfs(mnt)
        filler = os.path.join(mnt, "filler")  # beside the database's folder, so it can go
        with open(filler, "wb") as f:
            f.write(b"\0" * (free.f_bavail * free.f_frsize - (160 << 10)))
        rc, out, err = e.run(["run", "--date", NEXT, "--no-alerts"], db, timeout=300)
        expect_refusal(rc, err, "disk is full", "free some space", code=3)
        check("rollback failed" not in err, "noise about a rollback SQLite had done itself: " + err[:300])
        check(integrity(db) == [("ok",)], "integrity_check after the disk filled: " + str(integrity(db)))
        # The run stopped at the first write the disk refused. What a processor finished before
        # that is kept whole (as after kill -9); nothing else of the date changed.
        after = data_sums(db)
        allowed = outputs_of(e, db, finished_in(db, out))
        changed = {t for t in set(before) | set(after) if before.get(t) != after.get(t)}
        check(changed <= allowed, "tables changed that no finished processor writes: " +
              diff({t: before.get(t) for t in changed - allowed}, {t: after.get(t) for t in changed - allowed}))
        print(f"   stopped after {len(finished_in(db, out))} finished processor(s); "
              f"changed: {', '.join(sorted(changed)) or 'nothing'}", flush=True)
        os.remove(filler)
        rc, out, err = e.run(["run", "--date", NEXT, "--no-alerts"], db, timeout=300)
        check(rc in (0, 1), f"the run after space returned: exit {rc}: {err.strip()[:300]}")
        check(data_sums(db, True) == e.clean_next, "the rerun differs from an uninterrupted run: " +
              diff(e.clean_next, data_sums(db, True)))
    finally:
        subprocess.run(["umount", "-l", mnt], capture_output=True)


def finished_in(db, out):
    """The processors the run whose output is `out` finished (success or no data)."""
    m = re.search(r"^run (run-\S+) ", out, re.M)
    if not m:
        raise Failure("the run did not print its id: " + out[:200])
    con = connect(db)
    done = [r[0] for r in con.execute("SELECT processor FROM processor_runs WHERE run_id = ? AND status IN "
                                      "('success', 'no_data')", (m.group(1),))]
    con.close()
    return done


def outputs_of(e, db, processors):
    """The tables the named processors write, from the registry (a folder of files is recorded in
    raw_payloads or published_documents)."""
    rc, out, err = e.run(["registry", "list", "--json"], db)
    check(rc == 0, "registry list: " + err[:200])
    tables = set()
    for p in json.loads(out):
        if p["name"] in processors:
            o = p["output"]
            tables.add("raw_payloads" if o.startswith("raw/") else "published_documents" if o.startswith("publish/")
                       else o)
            tables |= {"ml_feature_store": {"feature_quality"}, "game_schedule": {"player_id_map"}}.get(o, set())
    return tables


def run_count(db):
    try:
        con = connect(db)
        n = con.execute("SELECT count(*) FROM processor_runs").fetchone()[0]
        con.close()
        return n
    except sqlite3.Error:
        return 0


def case_kill9(e, base):
    db = e.copy(base, "killed")
    rng = random.Random(20241202)
    kills = 0
    # --force: every run does the whole range again. Each is killed once it has recorded a random
    # share of the runs a whole range records (not after a time: the machine's load varies), so
    # every kill lands in the middle of work.
    for i in range(20):
        start = run_count(db)
        target = start + rng.randint(1, max(1, int(0.9 * e.range_runs)))
        p = e.start(["run", "--date", NEXT, "--to", RANGE_TO, "--no-alerts", "--workers", "2", "--force"], db)
        deadline = time.monotonic() + 60
        while p.poll() is None and run_count(db) < target and time.monotonic() < deadline:
            time.sleep(0.01)
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            kills += 1
        p.wait(timeout=60)
        r = integrity(db)
        check(r == [("ok",)], f"integrity_check after kill {i + 1}: {r}")
    check(kills >= 18, f"only {kills} of 20 runs were still going when killed")
    rc, _, err = e.run(["run", "--date", NEXT, "--to", RANGE_TO, "--no-alerts"], db, timeout=600)
    check(rc in (0, 1), f"the rerun: exit {rc}: {err.strip()[:300]}")
    check(integrity(db) == [("ok",)], "integrity_check after the rerun")
    got = data_sums(db, True)
    check(got == e.clean_range, "the rerun differs from an uninterrupted run: " + diff(e.clean_range, got))
    print(f"   {kills} kills in runs of {e.range_runs} processor runs ({e.range_seconds:.1f} s), integrity ok "
          "after each, converged", flush=True)


def case_bad_dates(e, base):
    db = e.copy(base, "dates")
    before = sha256(db)
    for args, needle in ((["run", "--date", "2024-13-45"], "not a valid date"),
                         (["run", "--date", "9 Jan 2024"], "not a valid date"),
                         (["run", "--date", "2024-01-12", "--to", "2024-01-10"], "give the range in order"),
                         (["run", "--date", "1990-01-01", "--to", "2040-01-01"], "split it"),
                         (["backfill", "plan", "--from", "1990-01-01", "--to", "2040-01-01"], "split it"),
                         (["status", "--date", "2024-02-30"], "not a valid date")):
        rc, _, err = e.run(args, db)
        expect_refusal(rc, err, needle, code=64)
    check(sha256(db) == before, "the database changed")


class PayloadServer:
    """A loopback stand-in for stats.nba.com, ESPN, balldontlie and The Odds API: every answer is
    the payload under test (or a 404 for the paths it does not take)."""

    def __init__(self, body, paths=("scoreboard",)):
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.requests += 1
                if not any(p in self.path for p in paths):
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    for i in range(0, len(body), 1 << 20):
                        self.wfile.write(body[i:i + (1 << 20)])
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *a):
                pass

        self.requests = 0
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def env(self):
        return {"NBAOPS_NBA_STATS_URL": self.url + "/stats", "NBAOPS_ESPN_URL": self.url + "/espn",
                "NBAOPS_BDL_URL": self.url + "/bdl", "NBAOPS_ODDS_API_URL": self.url + "/odds"}

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def payload_case(e, base, name, body, needles):
    db = e.copy(base, name)
    before = data_sums(db)
    server = PayloadServer(body)
    try:
        t0 = time.monotonic()
        rc, out, err = e.run(["run", "--date", NEXT, "--no-alerts", "--json"], db, timeout=300, env=server.env())
        took = time.monotonic() - t0
    finally:
        server.close()
    check(rc == 1, f"exit {rc}, not 1 (real failures); stderr: {err.strip()[:300]}")
    check("unexpected error" not in err, err[:300])
    runs = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    hit = [r for r in runs if r["processor"] in ("nbac_schedule_scraper", "espn_scoreboard_scraper")]
    check(len(hit) == 2, f"the scoreboard scrapers did not run: {out[:600]}")
    for r in hit:
        check(r["category"] in ("validation_failed", "error"), f"{r['processor']}: {r['category']}")
        for n in needles:
            check(n.lower() in r["error"].lower(), f"{r['processor']}'s error does not say '{n}': {r['error'][:300]}")
    # The payloads a scraper rejected are kept, marked so, for a person to look at; nothing else.
    after = data_sums(db)
    changed = {t for t in set(before) | set(after) if before.get(t) != after.get(t)}
    check(changed <= {"raw_payloads"}, "data changed: " + diff(before, after))
    con = connect(db)
    kept = con.execute("SELECT count(*), coalesce(sum(status = 'rejected'), 0) FROM raw_payloads WHERE game_date = ?",
                       (NEXT,)).fetchone()
    con.close()
    check(kept[0] == kept[1], f"payloads of {NEXT} kept as if good: {kept}")
    print(f"   {len(body) / 1e6:.1f} MB payload refused in {took:.1f} s; {kept[1]} kept as rejected", flush=True)


def case_huge_payload(e, base):
    body = b'{"resource":"scoreboardV2","parameters":{},"resultSets":[{"name":"GameHeader","headers":["A"],"rowSet":['
    row = b'["' + b"x" * 1000 + b'"],'
    body += row * (100_000_000 // len(row)) + b'["x"]]}]}'
    payload_case(e, base, "huge", body, ["larger than 64 MiB"])


def case_deep_payload(e, base):
    payload_case(e, base, "deep", b"[" * 1_000_000 + b"]" * 1_000_000, ["rejected"])


def write_box_csv(e):
    """A small box-score CSV in the importer's format, from the simulated league's history."""
    path = os.path.join(e.work, "box.csv")
    src = os.path.join(e.work, "history.csv")
    rc, out, err = e.run(["sim", "history", "--from", "2023-11-01", "--to", "2023-11-07", "--out", src])
    if rc != 0:
        raise Failure("cannot write the history CSV: " + err)
    shutil.copyfile(src, path)
    return path


def case_invalid_utf8(e, base):
    db = e.copy(base, "utf8")
    src = open(os.path.join(e.work, "box.csv"), "rb").read().split(b"\n")
    header = src[0].split(b",")
    col = header.index(b"family_name")
    cells = src[1].split(b",")
    name = cells[col]
    bad = name[:2] + b"\xff\xfe" + name[2:] + b"\xc3"
    body = b"\n".join([src[0]] + [line.replace(name, bad) for line in src[1:]])
    csv = os.path.join(e.work, "utf8.csv")
    open(csv, "wb").write(body)
    rc, out, err = e.run(["import", "boxscores", csv], db)
    check(rc == 0, f"import with a name of invalid UTF-8: exit {rc}: {err.strip()[:300]}")
    check("utf-8" in (out + err).lower(), f"the import does not say it replaced invalid UTF-8: {(out + err)[:400]}")
    con = connect(db)
    names = [r[0] for r in con.execute("SELECT DISTINCT player_name FROM player_game_summary")]
    con.close()
    for n in names:
        if isinstance(n, bytes):
            raise Failure(f"a name stored as bytes: {n!r}")
        n.encode("utf-8")  # raises on lone surrogates: the stored text is valid UTF-8
    check(any("\ufffd" in n for n in names), "the bad bytes were not replaced by U+FFFD")
    # What reads the names afterwards (JSON out, the health check) works.
    rc, out, err = e.run(["status", "--json"], db)
    check(rc in (0, 1, 2) and "unexpected" not in err, f"status after: exit {rc}: {err[:300]}")


def case_csv_shapes(e, base):
    plain = open(os.path.join(e.work, "box.csv"), "rb").read()
    lines = plain.rstrip(b"\n").split(b"\n")
    variants = {
        "bom": b"\xef\xbb\xbf" + plain,
        "crlf": b"\r\n".join(lines) + b"\r\n",
        "extra": b"\n".join(line + (b",extra_note" if i == 0 else b",x") for i, line in enumerate(lines)) + b"\n",
        "all three": b"\xef\xbb\xbf" + b"\r\n".join(line + (b",extra_note" if i == 0 else b",x")
                                                    for i, line in enumerate(lines)) + b"\r\n",
    }
    ref = e.copy(base, "csvplain")
    rc, _, err = e.run(["import", "boxscores", os.path.join(e.work, "box.csv")], ref)
    check(rc == 0, f"the plain import: exit {rc}: {err[:300]}")
    want = data_sums(ref, True)
    for name, body in variants.items():
        db = e.copy(base, "csv" + name.replace(" ", ""))
        csv = os.path.join(e.work, name.replace(" ", "") + ".csv")
        open(csv, "wb").write(body)
        rc, _, err = e.run(["import", "boxscores", csv], db)
        check(rc == 0, f"{name}: exit {rc}: {err.strip()[:300]}")
        got = data_sums(db, True)
        check(got == want, f"{name}: differs from the plain file's import: " + diff(want, got))


CASES = [
    ("not_sqlite", case_not_sqlite), ("truncated", case_truncated), ("newer", case_newer),
    ("read_only", case_read_only), ("locked", case_locked), ("missing_data", case_missing_data),
    ("unreadable_data", case_unreadable_data), ("folder_not_writable", case_folder_not_writable),
    ("disk_full", case_disk_full), ("kill9", case_kill9), ("bad_dates", case_bad_dates),
    ("huge_payload", case_huge_payload), ("deep_payload", case_deep_payload),
    ("invalid_utf8", case_invalid_utf8), ("csv_shapes", case_csv_shapes),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--only", action="append", default=[])
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    a = ap.parse_args()

    # As root, the tmpfs of the disk-full case is mounted in a mount namespace of this process's
    # own, so nothing is left mounted whatever happens.
    if (os.geteuid() == 0 and not os.environ.get("NBAOPS_FAULTS_NS") and shutil.which("unshare") and
            subprocess.run(["unshare", "--mount", "true"], capture_output=True).returncode == 0):
        env = dict(os.environ, NBAOPS_FAULTS_NS="1")
        return subprocess.run(["unshare", "--mount", "--propagation", "private", sys.executable] + sys.argv,
                              env=env).returncode

    work = tempfile.mkdtemp(prefix="nbaops-faults-")
    e = Env(os.path.abspath(a.cli), work)
    e.mount_ok = os.environ.get("NBAOPS_FAULTS_NS") == "1"
    e.mount_ok_why = "the disk-full case needs root and unshare (util-linux) to mount a tmpfs"
    failed, skipped = [], []
    try:
        t0 = time.monotonic()
        base = os.path.join(work, "base", "nbaops.db")
        rc, _, err = e.run(["run", "--date", FIRST, "--to", BASE_TO, "--no-alerts"], base, timeout=600)
        if rc not in (0, 1):
            print("FAIL: cannot build the base database: " + err, file=sys.stderr)
            return 1
        clean = e.copy(base, "clean")
        rc, _, err = e.run(["run", "--date", NEXT, "--no-alerts"], clean, timeout=600)
        e.clean_next = data_sums(clean, True)
        t, runs = time.monotonic(), run_count(clean)
        rc, _, err = e.run(["run", "--date", NEXT, "--to", RANGE_TO, "--no-alerts", "--force"], clean, timeout=600)
        e.range_seconds = time.monotonic() - t
        e.range_runs = run_count(clean) - runs
        e.clean_range = data_sums(clean, True)
        write_box_csv(e)
        print(f"== base database {FIRST}..{BASE_TO} and clean runs: {time.monotonic() - t0:.1f} s", flush=True)
        for name, fn in CASES:
            if a.only and name not in a.only:
                continue
            t = time.monotonic()
            try:
                fn(e, base)
                print(f"ok    {name} ({time.monotonic() - t:.1f} s)", flush=True)
            except Skip as s:
                skipped.append(name)
                print(f"SKIP  {name}: {s}", flush=True)
            except (Failure, subprocess.TimeoutExpired) as f:
                failed.append(name)
                print(f"FAIL  {name}: {f}", flush=True)
            except Exception:
                failed.append(name)
                print(f"FAIL  {name}:\n{traceback.format_exc()}", flush=True)
        print(f"== {len(failed)} failed, {len(skipped)} skipped, in {time.monotonic() - t0:.1f} s", flush=True)
    finally:
        if a.keep:
            print("kept " + work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
