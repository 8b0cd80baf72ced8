#!/usr/bin/env python3
"""Side-by-side benchmark of issue 13 (run through bench/run.sh).

Starts a throwaway PostgreSQL 15 (with pg_stat_statements), loads the ten-year data set
(`teilhabe demo --size large`), starts the release server and measures the web app's pages at 1
and 64 connections with wrk: requests/s, server CPU µs and PostgreSQL CPU µs per request (from
/proc: utime+stime of the server process and of every backend of the cluster, the figure that
stays stable on a shared machine), statements per request (the server's own counter and
pg_stat_statements), and round trips per statement (a counting relay in front of PostgreSQL).
Beside them: PostGraphile 4 on the same database with the edition page's query, the raw-SQL
floor (the edition page's statements replayed with pgbench), castVote with 200 voters over 200 and
over 20 connections and with 200 voters who pause between votes, the mail bench (benches/mail.rs) and the issue's targets. Prints one table. `--smoke`: the small demo, short runs, no PostGraphile.
"""

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
TICK = os.sysconf("SC_CLK_TCK")
ADMIN = ("bench-admin@example.org", "bench-admin-passwort-2026")
DEMO_PASSWORD = "demo-passwort-2026"
# A voter's mean pause between two votes in the paced castVote run.
THINK_MS = 80


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def is_root():
    return os.geteuid() == 0


def cpu_ticks(pid):
    """utime + stime of one process, in clock ticks."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (FileNotFoundError, ProcessLookupError):
        return 0


def children(pid):
    out = []
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open(f"/proc/{p}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        out.append(int(p))
            except (FileNotFoundError, ProcessLookupError, IndexError):
                pass
    return out


class Cluster:
    """A PostgreSQL cluster in a temporary directory, stopped at exit."""

    def __init__(self, base):
        self.bindir = subprocess.check_output(["pg_config", "--bindir"], text=True).strip()
        self.base = base
        self.data = os.path.join(base, "pgdata")
        self.port = free_port()
        self.root = is_root()
        if self.root:
            subprocess.check_call(["chown", "-R", "postgres:postgres", base])
        self.tool("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C")
        opts = (
            f"-p {self.port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=400 -c shared_buffers=256MB "
            "-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all "
            "-c log_line_prefix='' -c log_min_messages=warning"
        )
        self.log = os.path.join(base, "postgres.log")
        self.tool("pg_ctl", "-D", self.data, "-o", opts, "-l", self.log, "-w", "-t", "60", "start")
        with open(os.path.join(self.data, "postmaster.pid")) as f:
            self.pid = int(f.readline())
        self.psql("postgres", "CREATE DATABASE teilhabe")
        self.psql("teilhabe", "CREATE EXTENSION pg_stat_statements")

    def tool(self, name, *args, capture=False):
        cmd = [os.path.join(self.bindir, name), *args]
        if self.root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        if capture:
            return subprocess.check_output(cmd, text=True, stderr=subprocess.STDOUT)
        subprocess.check_call(cmd, stdout=subprocess.DEVNULL)

    def url(self, port=None, db="teilhabe"):
        return f"postgres://postgres@127.0.0.1:{port or self.port}/{db}"

    def psql(self, db, sql):
        return subprocess.check_output(
            [os.path.join(self.bindir, "psql"), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", self.url(db=db), "-c", sql],
            text=True,
        ).strip()

    def cpu(self):
        """CPU ticks of every process of the cluster: the postmaster, its live children (backends,
        background workers) and, through its cutime/cstime, the children that exited (pgbench's
        backends end with the run)."""
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        reaped = int(fields[13]) + int(fields[14])
        return sum(cpu_ticks(p) for p in children(self.pid)) + cpu_ticks(self.pid) + reaped

    def stop(self):
        try:
            self.tool("pg_ctl", "-D", self.data, "-m", "immediate", "stop")
        except subprocess.CalledProcessError:
            pass


class WireCounter:
    """A TCP relay that counts the client's round trips to PostgreSQL: every Sync (extended
    protocol) and Query (simple protocol) message waits for one ReadyForQuery."""

    def __init__(self, upstream):
        self.upstream = upstream
        self.port = free_port()
        self.round_trips = 0
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()
        threading.Thread(target=self._run, args=(ready,), daemon=True).start()
        ready.wait()

    def _run(self, ready):
        asyncio.set_event_loop(self.loop)

        async def main():
            await asyncio.start_server(self._client, "127.0.0.1", self.port)
            ready.set()
            await asyncio.Event().wait()

        self.loop.run_until_complete(main())

    async def _client(self, cr, cw):
        sr, sw = await asyncio.open_connection("127.0.0.1", self.upstream)

        async def down():
            while data := await sr.read(65536):
                cw.write(data)
                await cw.drain()
            cw.close()

        asyncio.ensure_future(down())
        untyped = True
        try:
            while True:
                if untyped:
                    head = await cr.readexactly(4)
                    n = int.from_bytes(head, "big")
                    body = await cr.readexactly(n - 4)
                    code = int.from_bytes(body[:4], "big") if len(body) >= 4 else 0
                    untyped = code in (80877103, 80877104)
                else:
                    head = await cr.readexactly(5)
                    n = int.from_bytes(head[1:5], "big")
                    body = await cr.readexactly(n - 4)
                    if head[:1] in (b"S", b"Q"):
                        self.round_trips += 1
                sw.write(head + body)
                await sw.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            sw.close()


class Server:
    """The release server against `url`, its own statement counter read from /metrics."""

    def __init__(self, binary, url, base, name, extra_env=None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ)
        env.update(
            {
                "TEILHABE_DATABASE_URL": url,
                "TEILHABE_BIND": f"127.0.0.1:{self.port}",
                "TEILHABE_PUBLIC_URL": self.base,
                "TEILHABE_ADMIN_EMAIL": ADMIN[0],
                "TEILHABE_ADMIN_PASSWORD": ADMIN[1],
                "TEILHABE_MAIL_DIR": os.path.join(base, f"mail-{name}"),
                "TEILHABE_SCHEDULER_INTERVAL_SECS": "3600",
                "TEILHABE_WRITE_RATE_PER_MINUTE": "1000000",
                # 64 ten-year reports at once on 2 cores take longer than the default allows.
                "TEILHABE_REQUEST_TIMEOUT_SECS": "600",
                "RUST_LOG": "warn",
            }
        )
        env.update(extra_env or {})
        self.proc = subprocess.Popen(
            [binary, "serve"],
            env=env,
            stdout=open(os.path.join(base, f"server-{name}.log"), "w"),
            stderr=subprocess.STDOUT,
        )
        for _ in range(600):
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=1)
                return
            except OSError:
                if self.proc.poll() is not None:
                    raise SystemExit(f"server exited; see {base}/server-{name}.log")
                time.sleep(0.1)
        raise SystemExit("server did not answer /healthz")

    def gql(self, query, variables=None, token=None):
        req = urllib.request.Request(
            self.base + "/graphql",
            data=json.dumps({"query": query, "variables": variables or {}}).encode(),
            headers={"content-type": "application/json", **({"authorization": f"Bearer {token}"} if token else {})},
        )
        body = json.load(urllib.request.urlopen(req, timeout=120))
        if body.get("errors"):
            raise SystemExit(f"GraphQL error: {json.dumps(body['errors'])[:500]} for {query[:80]}")
        return body["data"]

    def statements(self):
        text = urllib.request.urlopen(self.base + "/metrics", timeout=10).read().decode()
        m = re.search(r"^teilhabe_db_statements_total (\d+)", text, re.M)
        return int(m.group(1)) if m else 0

    def cpu(self):
        return cpu_ticks(self.proc.pid)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def web_app_documents():
    """The operations and fragments the web app sends, by name (as tests/api/limits.rs reads them)."""
    docs = {}
    for area in ["leitbild", "participation", "indicators", "report", "glossary"]:
        with open(os.path.join(ROOT, "frontend/src/pages", area, "operations.ts")) as f:
            text = f.read()
        for block in text.split("graphql(`")[1:]:
            doc = block.split("`")[0].strip()
            words = [w for w in re.split(r"[^A-Za-z0-9_]+", doc) if w]
            docs[words[1]] = doc
    return docs


def web_app_operation(docs, name):
    out, added = docs[name], [name]
    while True:
        used = [re.split(r"[^A-Za-z0-9_]", r)[0] for r in out.split("...")[1:]]
        used = [u for u in used if u and u != "on" and u not in added]
        if not used:
            return out
        for u in dict.fromkeys(used):
            out += "\n" + docs[u]
            added.append(u)


def wrk(url, body_file, connections, seconds, token=None, tokens_file=None, think_ms=None):
    env = dict(os.environ, BENCH_BODY=body_file)
    if think_ms:
        env["BENCH_THINK_MS"] = str(think_ms)
    if token:
        env["BENCH_TOKEN"] = token
    if tokens_file:
        env["BENCH_TOKENS"] = tokens_file
    threads = 1 if connections == 1 else 2
    out = subprocess.check_output(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "60s",
         "-s", os.path.join(BENCH, "post.lua"), url],
        env=env, text=True,
    )
    m = re.search(r"BENCH requests=(\d+) errors=(\d+) p50_us=(\d+) p99_us=(\d+)", out)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return {"requests": int(m.group(1)), "errors": int(m.group(2)), "p50_ms": int(m.group(3)) / 1000,
            "p99_ms": int(m.group(4)) / 1000, "rps": rps}


def measure(server_cpu, cluster, url, body, connections, seconds, base, statements=None, token=None,
            tokens_file=None, think_ms=None):
    """One wrk run: rps, latency, CPU µs per request of the server and of PostgreSQL, statements."""
    body_file = os.path.join(base, "body.json")
    with open(body_file, "w") as f:
        f.write(body)
    cluster.psql("teilhabe", "SELECT pg_stat_statements_reset()")
    s0, p0 = server_cpu(), cluster.cpu()
    n0 = statements() if statements else 0
    r = wrk(url, body_file, connections, seconds, token, tokens_file, think_ms)
    s1, p1 = server_cpu(), cluster.cpu()
    n1 = statements() if statements else 0
    calls = int(cluster.psql(
        "teilhabe",
        "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE query NOT ILIKE '%pg_stat_statements%'",
    ) or 0)
    req = max(r["requests"], 1)
    r.update({
        "server_us": (s1 - s0) * 1e6 / TICK / req,
        "pg_us": (p1 - p0) * 1e6 / TICK / req,
        "statements": (n1 - n0) / req if statements else None,
        "pg_calls": calls / req,
    })
    return r


def statements_at(server, page, connections, rounds=2):
    """Statements per request when `connections` requests are sent at once, `rounds` times: an
    exact count (every request completes), unlike wrk's timed runs, whose last requests are cut.
    Answers (statements per request, requests that failed, e.g. a pool wait over its timeout)."""
    from concurrent.futures import ThreadPoolExecutor

    def one(_):
        try:
            server.gql(page["query"], page["variables"], page["token"])
            return 0
        except (SystemExit, OSError) as e:
            log(f"{page['name']}: {str(e)[:200]}")
            return 1

    before, failed = server.statements(), 0
    with ThreadPoolExecutor(max_workers=connections) as pool:
        for _ in range(rounds):
            failed += sum(pool.map(one, range(connections)))
    return (server.statements() - before) / (connections * rounds), failed


def floor_script(cluster, server, page, base):
    """The page's statements as PostgreSQL logged them for one request, parameters filled in, as a
    pgbench script: (its path, how many statements)."""
    log_size = os.path.getsize(cluster.log)
    cluster.psql("postgres", "ALTER SYSTEM SET log_statement = 'all'")
    cluster.psql("postgres", "SELECT pg_reload_conf()")
    time.sleep(0.5)
    server.gql(page["query"], page["variables"], page["token"])
    time.sleep(0.3)
    cluster.psql("postgres", "ALTER SYSTEM RESET log_statement")
    cluster.psql("postgres", "SELECT pg_reload_conf()")
    with open(cluster.log) as f:
        f.seek(log_size)
        lines = f.read().splitlines()
    statements, pending = [], None
    for line in lines:
        m = re.match(r"LOG:\s+execute [^:]*: (.*)$", line) or re.match(r"LOG:\s+statement: (.*)$", line)
        if m:
            if pending:
                statements.append(pending)
            pending = m.group(1)
            continue
        m = re.match(r"DETAIL:\s+parameters: (.*)$", line)
        if m and pending:
            params = dict(
                (int(k), v) for k, v in re.findall(r"\$(\d+) = ('(?:[^']|'')*'|NULL)", m.group(1))
            )
            for k in sorted(params, reverse=True):
                pending = pending.replace(f"${k}", params[k])
            statements.append(pending)
            pending = None
    if pending:
        statements.append(pending)
    statements = [s for s in statements if "pg_stat_statements" not in s and "pg_reload_conf" not in s
                  and not s.startswith("ALTER SYSTEM")]
    script = os.path.join(base, "floor.sql")
    with open(script, "w") as f:
        f.write("".join(s.rstrip(";") + ";\n" for s in statements))
    if cluster.root:
        os.chmod(base, 0o755)
        os.chmod(script, 0o644)
    return script, len(statements)


def run_floor(cluster, script, seconds):
    """The script replayed by pgbench (prepared, one connection) for `seconds`: (PostgreSQL CPU
    ticks, pages replayed). No application takes part."""
    p0 = cluster.cpu()
    out = subprocess.check_output(
        [os.path.join(cluster.bindir, "pgbench"), "-n", "-M", "prepared", "-c", "1", "-T", str(seconds),
         "-f", script, cluster.url()],
        text=True, stderr=subprocess.STDOUT,
    )
    # pgbench's backend ends with the run; its CPU reaches the postmaster's cutime only once
    # the postmaster has reaped it.
    time.sleep(1)
    return cluster.cpu() - p0, int(re.search(r"number of transactions actually processed: (\d+)", out).group(1))


def measure_beside_floor(server, cluster, url, body, connections, seconds, base, script, statements, token):
    """The page and its raw-SQL floor in turns of a few seconds each, so that both see the same
    stretch of a shared machine (its speed moves by a quarter within minutes, and a ratio is fair
    only between figures taken at the same time). Answers `measure`'s figures over all turns
    (p99: the worst turn's) with the floor's PostgreSQL µs per page beside them."""
    turns = 4
    turn = max(seconds * 2 // turns, 2)
    runs, floor_ticks, floor_pages = [], 0, 0
    for _ in range(turns):
        runs.append(measure(server.cpu, cluster, url, body, connections, turn, base, statements, token))
        ticks, pages = run_floor(cluster, script, turn)
        floor_ticks, floor_pages = floor_ticks + ticks, floor_pages + pages
    requests = max(sum(r["requests"] for r in runs), 1)
    mean = lambda key: sum(r[key] * r["requests"] for r in runs) / requests
    return {
        "requests": requests,
        "errors": sum(r["errors"] for r in runs),
        "rps": requests / (turns * turn),
        "p50_ms": sorted(r["p50_ms"] for r in runs)[turns // 2],
        "p99_ms": max(r["p99_ms"] for r in runs),
        "server_us": mean("server_us"),
        "pg_us": mean("pg_us"),
        "statements": mean("statements"),
        "pg_calls": mean("pg_calls"),
        "floor_us": floor_ticks * 1e6 / TICK / max(floor_pages, 1),
    }


POSTGRAPHILE_EDITION = """
query EditionView($id: UUID!) {
  leitbild: leitbilderById(id: $id) {
    id title year status adoptedAt resolutionReference
    basedOn: leitbilderByBasedOnId { id title year }
    process: processByLeitbildId { id title status }
    fieldsOfAction: fieldsOfActionsByLeitbildId(condition: {removedAt: null}, orderBy: POSITION_ASC) {
      nodes {
        id position title description
        goals: goalsByFieldOfActionId(condition: {removedAt: null, parentGoalId: null}, orderBy: POSITION_ASC) {
          nodes {
            id title description version
            children: goalsByParentGoalId(condition: {removedAt: null}, orderBy: POSITION_ASC) {
              nodes { id title description version }
            }
          }
        }
      }
    }
  }
}
"""


def postgraphile(cluster, base):
    """PostGraphile 4 from bench/node_modules (installed by run.sh), on the same database."""
    binary = os.path.join(BENCH, "node_modules", ".bin", "postgraphile")
    if not os.path.exists(binary):
        return None
    port = free_port()
    proc = subprocess.Popen(
        [binary, "-c", cluster.url(), "-s", "public", "-n", "127.0.0.1", "-p", str(port), "--disable-query-log",
         "--disable-graphiql", "--max-pool-size", "10"],
        env=dict(os.environ, NODE_ENV="production"),
        stdout=open(os.path.join(base, "postgraphile.log"), "w"), stderr=subprocess.STDOUT,
    )
    for _ in range(300):
        try:
            req = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=b'{"query":"{__typename}"}',
                                         headers={"content-type": "application/json"})
            urllib.request.urlopen(req, timeout=1)
            return proc, port
        except OSError:
            if proc.poll() is not None:
                log(f"PostGraphile exited; see {base}/postgraphile.log")
                return None
            time.sleep(0.2)
    proc.kill()
    return None


def voting_world(server, admin, voters):
    """A process under PERSON eligibility in its VOTING phase with one proposal, and `voters`
    members of four organisations, logged in (as tests/api/bench.rs builds it)."""
    orgs = []
    for name, sector in [("Amt", "ADMINISTRATION"), ("Rat", "POLITICS"), ("Verein", "CIVIL_SOCIETY"),
                         ("Uni", "SCIENCE")]:
        orgs.append(server.gql("mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id } }",
                               {"i": {"name": f"Bench {name}", "sector": sector}}, admin)["createOrganization"]["id"])
    lb = server.gql("mutation($i: CreateLeitbildInput!) { createLeitbild(input: $i) { id } }",
                    {"i": {"title": "Bench-Abstimmung", "year": 2031}}, admin)["createLeitbild"]["id"]
    field = server.gql("mutation($i: AddFieldOfActionInput!) { addFieldOfAction(input: $i) { id } }",
                       {"i": {"leitbildId": lb, "title": "Feld"}}, admin)["addFieldOfAction"]["id"]
    goal = server.gql("mutation($i: AddGoalInput!) { addGoal(input: $i) { id } }",
                      {"i": {"fieldOfActionId": field, "title": "Ziel"}}, admin)["addGoal"]["id"]
    tokens = []
    for i in range(voters):
        email = f"bench-voter-{i}@example.org"
        server.gql(
            "mutation($i: CreateUserInput!) { createUser(input: $i) { id } }",
            {"i": {"email": email, "name": f"Stimme {i}", "role": "MEMBER", "password": "bench-passwort-2026",
                   "organizationIds": [orgs[i % len(orgs)]]}},
            admin,
        )
        tokens.append(server.gql("mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
                                 {"e": email, "p": "bench-passwort-2026"})["login"]["token"])
    now = time.time()

    def ph(kind, a, e):
        iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
        return {"kind": kind, "startsAt": iso(now + a * 86400), "endsAt": iso(now + e * 86400)}

    process = server.gql(
        "mutation($i: StartProcessInput!) { startProcess(input: $i) { id } }",
        {"i": {"leitbildId": lb, "title": "Bench", "phases": [ph("DRAFTING", 0, 7), ph("VOTING", 7, 14),
                                                               ph("RESOLUTION", 14, 21)],
               "votingRule": {"eligibility": "PERSON", "quorum": 0.5, "threshold": 0.5, "sectorMajority": True},
               "participantOrganizationIds": orgs}},
        admin,
    )["startProcess"]["id"]
    proposal = server.gql(
        "mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { id } }",
        {"i": {"processId": process, "kind": "AMEND_GOAL", "goalId": goal, "title": "Neu", "text": "Neuer Text."}},
        tokens[0],
    )["submitProposal"]["id"]
    server.gql("mutation($p: UUID!) { advanceProcess(processId: $p) { id } }", {"p": process}, admin)
    return proposal, tokens


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument("--mail-bench", help="the built `cargo bench --bench mail` executable (run.sh passes it)")
    args = ap.parse_args()
    seconds = 1 if args.smoke else args.seconds
    base = tempfile.mkdtemp(prefix="teilhabe-bench-")
    os.chmod(base, 0o755)
    cleanup = []
    try:
        log(f"PostgreSQL in {base}")
        cluster = Cluster(base)
        cleanup.append(cluster.stop)
        env = dict(os.environ, TEILHABE_DATABASE_URL=cluster.url(), TEILHABE_ADMIN_EMAIL=ADMIN[0],
                   TEILHABE_ADMIN_PASSWORD=ADMIN[1], TEILHABE_MAIL_DIR=os.path.join(base, "mail"))
        started = time.time()
        subprocess.check_call([args.binary, "demo", "--size", "small" if args.smoke else "large"], env=env,
                              stdout=subprocess.DEVNULL)
        seed_s = time.time() - started
        log(f"data set loaded in {seed_s:.1f} s")
        cluster.psql("teilhabe", "VACUUM ANALYZE")
        # The load leaves dirty buffers: written now, they do not count against the first page.
        cluster.psql("teilhabe", "CHECKPOINT")
        server = Server(args.binary, cluster.url(), base, "direct")
        cleanup.append(server.stop)
        admin = server.gql("mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
                           {"e": ADMIN[0], "p": ADMIN[1]})["login"]["token"]
        login = lambda who: server.gql("mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
                                       {"e": f"{who}@demo.teilhabe.example", "p": DEMO_PASSWORD})["login"]["token"]
        member, coordinator = login("caritas"), login("koordination")
        ids = server.gql("{ leitbilder { id status process { id } } indicators { id } terms { id } }", token=admin)
        draft = next(l for l in ids["leitbilder"] if l["status"] == "DRAFT")
        docs = web_app_documents()
        pages = [
            ("edition", member, "EditionView", {"id": draft["id"]}),
            ("process (member)", member, "ProcessView", {"id": draft["process"]["id"]}),
            ("process (coordinator)", coordinator, "ProcessView", {"id": draft["process"]["id"]}),
            ("indicator", coordinator, "IndicatorDetail", {"id": ids["indicators"][-1]["id"]}),
            ("report", coordinator, "MonitoringReport", {"leitbildId": draft["id"]}),
            ("glossary", member, "GlossaryTerms", {}),
        ]
        pages = [{"name": n, "token": t, "query": web_app_operation(docs, op), "variables": v}
                 for n, t, op, v in pages]
        # The report's first load after start: the issue asks for < 1 s on a release server.
        t0 = time.time()
        report_page = next(p for p in pages if p["name"] == "report")
        server.gql(report_page["query"], report_page["variables"], report_page["token"])
        report_first_ms = (time.time() - t0) * 1000
        rows, floor_statements = [], 0
        edition = pages[0]
        for p in pages:
            # Warmed right before it is measured: the pages before it (the ten-year report
            # above all) leave PostgreSQL's backends and the server in another state.
            for _ in range(20):
                server.gql(p["query"], p["variables"], p["token"])
            body = json.dumps({"query": p["query"], "variables": p["variables"]})
            script = None
            if p is edition:
                script, floor_statements = floor_script(cluster, server, edition, base)
            for c in (1, 64):
                log(f"{p['name']} at {c} connection(s)")
                if script:
                    r = measure_beside_floor(server, cluster, server.base + "/graphql", body, c, seconds, base,
                                             script, server.statements, p["token"])
                    log(f"{p['name']} at {c}: raw-SQL floor {r['floor_us']:.0f} µs PostgreSQL per page")
                else:
                    r = measure(server.cpu, cluster, server.base + "/graphql", body, c, seconds, base,
                                server.statements, p["token"])
                r["statements"], r["failed"] = statements_at(server, p, c)
                rows.append((p["name"], c, r))
        # castVote, 200 voters.
        voters = 20 if args.smoke else 200
        proposal, tokens = voting_world(server, admin, voters)
        tokens_file = os.path.join(base, "tokens.txt")
        with open(tokens_file, "w") as f:
            f.write("\n".join(tokens) + "\n")
        cast = json.dumps({"query": "mutation($p: UUID!) { castVote(proposalId: $p, choice: YES) { choice } }",
                           "variables": {"p": proposal}})
        log(f"castVote at {voters} connections")
        vote = measure(server.cpu, cluster, server.base + "/graphql", cast, voters, seconds, base,
                       server.statements, tokens_file=tokens_file)
        top = cluster.psql(
            "teilhabe",
            "SELECT round(total_exec_time::numeric / greatest(calls, 1) * 1000) || ' µs x' || calls || ': ' "
            "|| left(regexp_replace(query, '\\s+', ' ', 'g'), 110) FROM pg_stat_statements "
            "ORDER BY total_exec_time DESC LIMIT 10",
        )
        log("castVote, PostgreSQL time per statement (exec only):\n" + top)
        # The same 200 voters through 20 connections: with 200 requests always in flight a vote
        # waits for the 199 before it (Little's law: 200 / 2,000 per s = 100 ms), so the latency
        # target can only hold where fewer votes are in flight at that rate.
        vote_20 = measure(server.cpu, cluster, server.base + "/graphql", cast, max(voters // 10, 1), seconds, base,
                          server.statements, tokens_file=tokens_file)
        # The 200 voters as people: each waits after an answer before voting again, on average
        # THINK_MS, so that together they offer over 2,000 votes/s (200 / (0.08 s + the answer)) and
        # the latency is what a voter sees at that rate, not a queue of 200 kept full.
        vote_paced = measure(server.cpu, cluster, server.base + "/graphql", cast, voters, seconds, base,
                             server.statements, tokens_file=tokens_file, think_ms=THINK_MS)
        server.stop()
        cleanup.remove(server.stop)
        # Round trips per statement: the same pages through a counting relay.
        wire = WireCounter(cluster.port)
        relayed = Server(args.binary, cluster.url(port=wire.port), base, "relayed")
        cleanup.append(relayed.stop)
        trips = {}
        for p in pages[:3]:
            for _ in range(30):
                relayed.gql(p["query"], p["variables"], p["token"])
            n0, t0_ = relayed.statements(), wire.round_trips
            for _ in range(20):
                relayed.gql(p["query"], p["variables"], p["token"])
            time.sleep(0.2)
            trips[p["name"]] = (wire.round_trips - t0_) / max(relayed.statements() - n0, 1)
        relayed.stop()
        cleanup.remove(relayed.stop)
        # PostGraphile 4 with the edition page's query on the same data.
        # PostGraphile 4 (when run.sh installed it) with the edition page's query on the same data.
        pg_ref = None
        started_pg = postgraphile(cluster, base)
        if started_pg:
            proc, port = started_pg
            cleanup.append(proc.kill)
            pg_url = f"http://127.0.0.1:{port}/graphql"
            body = json.dumps({"query": POSTGRAPHILE_EDITION, "variables": {"id": draft["id"]}})

            def post():
                req = urllib.request.Request(pg_url, data=body.encode(), headers={"content-type": "application/json"})
                return json.load(urllib.request.urlopen(req, timeout=30))

            check = post()
            if check.get("errors"):
                log(f"PostGraphile query: {check['errors']}")
            else:
                goals = sum(len(f["goals"]["nodes"]) + sum(len(g["children"]["nodes"]) for g in f["goals"]["nodes"])
                            for f in check["data"]["leitbild"]["fieldsOfAction"]["nodes"])
                log(f"PostGraphile answers the edition with {goals} goals")
                for _ in range(20):
                    post()
                pg_ref = {c: measure(lambda: cpu_ticks(proc.pid), cluster, pg_url, body, c, seconds, base)
                          for c in (1, 64)}
        mail = mail_bench(cluster, args.mail_bench, 1_000 if args.smoke else 10_000)
        print_table(rows, floor_statements, pg_ref, trips, (vote, vote_20, vote_paced), voters, report_first_ms, seed_s, args.smoke, mail)
    finally:
        for stop in reversed(cleanup):
            try:
                stop()
            except Exception as e:  # noqa: BLE001 - cleanup goes on whatever failed
                log(f"cleanup: {e}")
        if args.keep:
            log(f"kept {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)


def mail_bench(cluster, executable, backlog):
    """The mail bench (benches/mail.rs, release build) on SQLite and on a fresh database of this
    cluster: its lines, one per database, or [] without the executable."""
    if not executable:
        return []
    cluster.psql("postgres", "CREATE DATABASE mailbench")
    log(f"mail: {backlog} mails to a loopback SMTP sink")
    run = subprocess.run([executable, "--bench", str(backlog)],
                         env=dict(os.environ, TEILHABE_BENCH_PG_URL=cluster.url(db="mailbench")),
                         text=True, capture_output=True)
    lines = [line for line in run.stdout.splitlines() if "mails/s" in line]
    if run.returncode != 0:
        # The other figures took minutes: the table is printed all the same, with the failure.
        log(f"mail bench failed:\n{run.stderr[-2000:]}")
        lines.append(f"failed (exit {run.returncode}) | {run.stderr.strip().splitlines()[-1:] or ''}")
    return lines


def print_table(rows, floor_statements, pg_ref, trips, votes, voters, report_first_ms, seed_s, smoke, mail=()):
    print(f"\n# teilhabe bench ({'smoke, demo data' if smoke else 'ten-year data set'}); "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {os.cpu_count()} cores; data loaded in {seed_s:.1f} s")
    print("CPU µs per request = utime+stime of the process (server or all PostgreSQL backends) / requests;"
          " rps and latency are wall clock and move with the machine's load.\n")
    print("| page | conns | rps | p99 ms | server µs/req | PG µs/req | statements/req (exact; pg_stat_statements in the timed run) | reference |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |")
    for name, c, r in rows:
        ref = ""
        if name == "edition":
            parts = []
            if pg_ref:
                g = pg_ref[c]
                parts.append(f"PostGraphile 4: {g['rps']:.0f} rps, {g['server_us']:.0f} + {g['pg_us']:.0f} µs, "
                             f"{g['pg_calls']:.1f} statements")
                total = r["server_us"] + r["pg_us"]
                ref_total = g["server_us"] + g["pg_us"]
                parts.append(f"ratio {total / ref_total:.2f} (target ≤ 0.75)")
            parts.append(f"raw SQL, in turns with the page: {r['floor_us']:.0f} µs PG for {floor_statements} "
                         f"statements; PG ratio {r['pg_us'] / max(r['floor_us'], 1):.2f}, total/floor "
                         f"{(r['server_us'] + r['pg_us']) / max(r['floor_us'], 1):.2f} (target ≤ 3)")
            ref = "; ".join(parts)
        print(f"| {name} | {c} | {r['rps']:.0f} | {r['p99_ms']:.1f} | {r['server_us']:.0f} | {r['pg_us']:.0f} | "
              f"{r['statements']:.2f}, {r['pg_calls']:.2f} | {ref} |")
    steady = {}
    for name, c, r in rows:
        steady.setdefault(name, []).append(r["statements"])
    print("\n| figure | measured | target / reference |")
    print("| --- | --- | --- |")
    for name, counts in steady.items():
        print(f"| statements per {name} at 1 / 64 connections | {' / '.join(f'{n:.2f}' for n in counts)} | equal |")
    for name, t in trips.items():
        print(f"| round trips per statement, {name} | {t:.2f} | 1 (was 3.45, then 2.00 with sqlx's release ping) |")
    shapes = (f"over {voters} connections, always in flight", f"over {max(voters // 10, 1)} connections",
              f"each waiting {THINK_MS} ms on average between votes")
    for vote, shape in zip(votes, shapes):
        print(f"| castVote, {voters} voters {shape} | {vote['rps']:.0f} votes/s, p50 {vote['p50_ms']:.1f} ms, "
              f"p99 {vote['p99_ms']:.1f} ms, {vote['statements']:.2f} statements, server {vote['server_us']:.0f} µs + PG "
              f"{vote['pg_us']:.0f} µs per vote, {vote['errors']} errors | ≥ 2,000/s, p99 < 50 ms (was 653/s, p99 365 ms) |")
    print(f"| report, first load after start | {report_first_ms:.0f} ms | < 1,000 ms |")
    for line in mail:
        what, _, ref = line.partition(" | ")
        print(f"| mail, {what} | {ref} |")
    errors = sum(r["errors"] for _, _, r in rows)
    print(f"| HTTP errors during page runs | {errors} | 0 |")
    failed = [f"{name} at {c}: {r['failed']}" for name, c, r in rows if r.get("failed")]
    print(f"| failed requests while counting statements | {', '.join(failed) or 'none'} | none |")


if __name__ == "__main__":
    main()
