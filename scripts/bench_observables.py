"""The observables scenarios of scripts/bench, on a workspace of their own:
100,000 cases (--observable-cases) with 10 observables each (IPv4
addresses, domains and SHA-256 digests; every value in five cases), and
the first 1,000 cases with 40 more domains each, shared among them: an
incident wave of 50 facts per case. 1,040,000 observables in all.

Measured: the exact lookup of a value across the workspace (`GET
/v1/workspaces/{ws}/observables?type=...&value=...`, p50 under 5 ms),
the related cases of a case with 50 observables (p50 under 20 ms), both
at 16 connections; and adding 1,000 observables to a case in one batch
(under 500 ms), one batch at a time, twelve times, the first two unmeasured."""

import json
import random
import statistics
import time
import urllib.request

import bench_mysql
from bench_fixtures import http, lua, lua_list, run, settle
from bench_tools import log

SHARING = 5  # cases holding each base value
WAVE = 1_000  # cases with 50 observables
BATCH = 1_000


def _kind(j):
    return "ipv4" if j < 4 else "domain" if j < 7 or j >= 10 else "sha256"


def _value(kind, v):
    if kind == "ipv4":
        return f"10.{v // 65536 % 256}.{v // 256 % 256}.{v % 256}"
    return f"host-{v}.bench.example" if kind == "domain" else f"{v:064x}"


def _sql(backend, ws, admin, cases):
    """The seeding statements: the cases, then their observables, written as
    the service writes them (canonical value, value_key = value)."""
    text = "CHAR" if backend == "mysql" else "TEXT"
    cat = (lambda *p: "CONCAT(" + ", ".join(p) + ")") if backend == "mysql" else (lambda *p: " || ".join(p))
    div = " DIV " if backend == "mysql" else " / "
    octet = lambda shift: f"CAST(v{div}{shift} % 256 AS {text})"
    hex64 = {"postgres": "lpad(to_hex(v), 64, '0')", "sqlite": "printf('%064x', v)",
             "mysql": "LPAD(LOWER(HEX(v)), 64, '0')"}[backend]
    blob = {"postgres": "decode('{}', 'hex')", "sqlite": "x'{}'", "mysql": "UNHEX('{}')"}[backend]
    new_id = {"postgres": "uuid_send(gen_random_uuid())", "sqlite": "randomblob(16)",
              "mysql": "UNHEX(REPLACE(UUID(), '-', ''))"}[backend]
    digits = ", ".join(f"bench_digits {t}" for t in "abcdef")
    numbers = "a.d + b.d * 10 + c.d * 100 + d.d * 1000 + e.d * 10000 + f.d * 100000 + 1"
    stamp = {"postgres": "(now() at time zone 'utc') - s.n * interval '1 second'",
             "sqlite": "strftime('%Y-%m-%d %H:%M:%f', 'now', '-' || s.n || ' seconds')",
             "mysql": "UTC_TIMESTAMP(6) - INTERVAL s.n SECOND"}[backend]
    value = f"""CASE WHEN j < 4 THEN {cat("'10.'", octet(65536), "'.'", octet(256), "'.'", octet(1))}
                     WHEN j < 7 OR j >= 10 THEN {cat("'host-'", f"CAST(v AS {text})", "'.bench.example'")}
                     ELSE {hex64} END"""
    return [
        "CREATE TABLE bench_digits (d INT NOT NULL)",
        "INSERT INTO bench_digits VALUES " + ", ".join(f"({d})" for d in range(10)),
        f"""INSERT INTO cases (id, workspace_id, number, summary, description, status, priority, severity,
                               tags, created_by, created_at, updated_at)
            SELECT {new_id}, {blob.format(ws)}, s.n, {cat("'Observed case '", f"CAST(s.n AS {text})")},
                   '', 'new', 2, 2, '[]', {blob.format(admin)}, {stamp}, {stamp}
            FROM (SELECT {numbers} AS n FROM {digits}) s WHERE s.n <= {cases}""",
        f"UPDATE workspaces SET case_seq = {cases} WHERE id = {blob.format(ws)}",
        f"""INSERT INTO observables (id, workspace_id, case_id, kind, value, value_key, description, tlp, is_ioc,
                                     sighted, tags, source, first_seen_at, last_seen_at, version, created_by,
                                     created_by_kind, created_at, updated_at)
            SELECT {new_id}, workspace_id, case_id,
                   CASE WHEN j < 4 THEN 'ipv4' WHEN j < 7 OR j >= 10 THEN 'domain' ELSE 'sha256' END,
                   {value}, {value}, '', 'amber', FALSE, FALSE, '[]', 'manual',
                   created_at, created_at, 1, created_by, 'person', created_at, created_at
            FROM (SELECT c.workspace_id, c.id AS case_id, c.created_by, c.created_at, js.j AS j,
                         CASE WHEN js.j >= 10 THEN 200000 + (c.number + js.j) % {WAVE}
                              ELSE (c.number % {cases // SHARING}) * 10 + js.j END AS v
                  FROM cases c CROSS JOIN (SELECT a.d + b.d * 10 AS j FROM bench_digits a, bench_digits b) js
                  WHERE c.workspace_id = {blob.format(ws)}
                    AND (js.j < 10 OR (js.j < 50 AND c.number <= {WAVE}))) o""",
        "DROP TABLE bench_digits",
    ]


def _seed(backend, database, ws, admin, cases):
    statements = _sql(backend, ws, admin, cases)
    if backend == "postgres":
        run(["psql", database, "-q", "-v", "ON_ERROR_STOP=1", "-c", ";\n".join(statements)])
    elif backend == "sqlite":
        import sqlite3

        connection = sqlite3.connect(database, timeout=60)
        for statement in statements:
            connection.execute(statement)
        connection.commit()
        connection.close()
    else:
        bench_mysql.sql(";\n".join(statements + ["ANALYZE TABLE cases, observables"]), database)
    if backend != "mysql":
        settle(backend, database)


def _case_ids(backend, database, ws, numbers):
    """The wire ids of the workspace's cases numbered `numbers` (a range)."""
    where = f"number BETWEEN {numbers.start} AND {numbers.stop - 1}"
    if backend == "postgres":
        found = run(["psql", database, "-Atc",
                     f"SELECT encode(id, 'hex') FROM cases WHERE workspace_id = decode('{ws}', 'hex') AND {where}"])
    elif backend == "sqlite":
        import sqlite3

        connection = sqlite3.connect(database, timeout=60)
        found = "\n".join(r[0].lower() for r in connection.execute(
            f"SELECT hex(id) FROM cases WHERE workspace_id = x'{ws}' AND {where}"))
        connection.close()
    else:
        found = bench_mysql.sql(f"SELECT LOWER(HEX(id)) FROM cases WHERE workspace_id = UNHEX('{ws}') AND {where}",
                                database)
    return [f"case_{h}" for h in found.split()]


def _timed_batches(server, token, ws, runs):
    """Adds 1,000 observables (900 new domains, 100 IPv4 addresses other
    cases hold) to a new case, `runs` times; the seconds each took."""
    took = []
    for n in range(runs):
        case = http("POST", server.url + f"/v1/workspaces/{ws}/cases", {"summary": f"Batch {n}"}, token)
        items = [{"type": "domain", "value": f"batch-{n}-{i}.bench.example", "is_ioc": True} for i in range(900)]
        items += [{"type": "ipv4", "value": _value("ipv4", i * 10)} for i in range(100)]
        request = urllib.request.Request(
            server.url + f"/v1/workspaces/{ws}/cases/{case['id']}/observable-batches",
            data=json.dumps({"items": items}).encode(), method="POST",
            headers={"content-type": "application/json", "authorization": f"Bearer {token}"})
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.loads(response.read())
        took.append(time.perf_counter() - started)
        if answer["created"] != BATCH:
            raise SystemExit(f"the batch was not all created: {json.dumps(answer)[:300]}")
    return took


def measure(server, backend, database, cases, work, record, warmed_wrk, fixture):
    """Seeds the workspace, then records the three scenarios."""
    log(f"{backend}: {cases:,} cases with 10 observables each, {WAVE:,} of them with 50")
    token = fixture["token"]
    workspace = http("POST", server.url + "/v1/workspaces", {"name": "Observables bench"}, token)
    ws = workspace["id"]
    _seed(backend, database, ws.removeprefix("ws_"), fixture["admin_hex"], cases)

    rng = random.Random(1)
    lookups = []
    for _ in range(2_000):
        j = rng.randrange(10)
        v = rng.randrange(cases // SHARING) * 10 + j
        lookups.append(f"/v1/workspaces/{ws}/observables?type={_kind(j)}&value={_value(_kind(j), v)}")
    found = http("GET", server.url + lookups[0], token=token)
    if len(found["items"]) != SHARING or any(o["other_cases"] != SHARING - 1 for o in found["items"]):
        raise SystemExit(f"the lookup is wrong: {json.dumps(found)[:300]}")
    wave = _case_ids(backend, database, ws.removeprefix("ws_"), range(1, WAVE + 1))
    related = http("GET", server.url + f"/v1/workspaces/{ws}/cases/{wave[0]}/related", token=token)
    if not related["items"] or related["items"][0]["shared_observables"] < 2:
        raise SystemExit(f"the related cases are wrong: {json.dumps(related)[:300]}")

    auth = f'{{["Authorization"] = "Bearer {token}"}}'
    for name, paths, scenario, target in (
        ("observable_lookup", lookups, f"observable lookup ({cases * 10 + WAVE * 40:,} obs.)", "p50 < 5 ms"),
        ("related_cases", [f"/v1/workspaces/{ws}/cases/{c}/related" for c in wave],
         "related cases (50 observables)", "p50 < 20 ms"),
    ):
        script = lua(work, f"{name}_{backend}", f"""
local paths = {lua_list(paths)}
function request()
  return wrk.format("GET", paths[math.random(#paths)], {auth})
end
""")
        figures, rss = warmed_wrk(script, 16)
        record(backend, scenario, 16, figures, rss, None, target)

    took = _timed_batches(server, token, ws, 12)[2:]
    millis = sorted(t * 1000 for t in took)
    figures = {"rps": len(took) / sum(took), "p50_ms": statistics.median(millis), "p99_ms": millis[-1], "errors": 0}
    record(backend, f"batch of {BATCH:,} observables", 1, figures, server.rss_kib() / 1024, None, "< 500 ms (p99 = max)")
