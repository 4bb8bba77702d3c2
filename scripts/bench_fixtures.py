"""Fixtures of scripts/bench: the seeded workspace and its cases, and the
wrk Lua scripts of each scenario."""

import json
import urllib.request
import uuid
from pathlib import Path

from bench_tools import run

PASSWORD = "bench password 1"


def http(method, url, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read() or b"null")


def lua(directory, name, body):
    path = Path(directory) / f"{name}.lua"
    path.write_text(body)
    return str(path)


def lua_list(values):
    return "{" + ",".join(f'"{v}"' for v in values) + "}"


THREAD_IDS = """
local counter = 0
local threads = {}
local next_id = 0
function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
end
function init(args)
  math.randomseed(os.time() + tid)
end
"""


def scripts(directory, fixture, cores):
    """The wrk scripts of every scenario (`cores`: wrk threads)."""
    auth = f'["Authorization"] = "Bearer {fixture["token"]}"'
    ws = fixture["workspace"]
    key_auth = f'["Authorization"] = "Bearer {fixture["api_key"]}"'
    ids = lua_list(fixture["case_ids"])
    return {
        "read_case": lua(directory, "read_case", THREAD_IDS + f"""
local ids = {ids}
function request()
  return wrk.format("GET", "/v1/workspaces/{ws}/cases/" .. ids[math.random(#ids)], {{{auth}}})
end
"""),
        "read_case_key": lua(directory, "read_case_key", THREAD_IDS + f"""
local ids = {ids}
function request()
  return wrk.format("GET", "/v1/workspaces/{ws}/cases/" .. ids[math.random(#ids)], {{{key_auth}}})
end
"""),
        "session": lua(directory, "session", f"""
wrk.headers["Authorization"] = "Bearer {fixture["token"]}"
wrk.path = "/v1/sessions/current"
"""),
        "list": lua(directory, "list", f"""
wrk.headers["Authorization"] = "Bearer {fixture["token"]}"
wrk.path = "{fixture["list_path"]}"
"""),
        "post_case": lua(directory, "post_case", THREAD_IDS + f"""
function request()
  counter = counter + 1
  local headers = {{{auth}, ["Content-Type"] = "application/json",
                   ["Idempotency-Key"] = "bench-{uuid.uuid4().hex[:8]}-" .. tid .. "-" .. counter}}
  return wrk.format("POST", "/v1/workspaces/{ws}/cases", headers,
    '{{"summary": "Bench case ' .. counter .. '", "priority": "high", "tags": ["bench"]}}')
end
"""),
        "patch_case": lua(directory, "patch_case", THREAD_IDS + f"""
local ids = {lua_list(fixture["patch_ids"])}
function request()
  -- Each thread walks its own slice, so every case is patched once, at version 1.
  counter = counter + 1
  local id = ids[(tid + (counter - 1) * {cores}) % #ids + 1]
  return wrk.format("PATCH", "/v1/workspaces/{ws}/cases/" .. id,
    {{{auth}, ["Content-Type"] = "application/json"}}, '{{"version": 1, "status": "in_progress"}}')
end
"""),
        "feed": lua(directory, "feed", f"""
wrk.headers["Authorization"] = "Bearer {fixture["token"]}"
wrk.path = "/v1/workspaces/{ws}/events?limit=50"
"""),
        "sign_in": lua(directory, "sign_in", f"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{{"email": "{fixture["email"]}", "password": "{PASSWORD}"}}'
wrk.path = "/v1/sessions"
"""),
    }


def seed(backend, database, fixture, cases):
    """Adds `cases` cases to the fixture's workspace straight in the database
    (through the API it would take minutes), and returns their wire ids."""
    ws, admin = fixture["workspace_hex"], fixture["admin_hex"]
    if backend == "postgres":
        sql = f"""
            INSERT INTO cases (id, workspace_id, number, summary, description, status, priority, severity,
                               tags, created_by, created_at, updated_at)
            SELECT uuid_send(gen_random_uuid()), decode('{ws}', 'hex'), n, 'Seeded case ' || n, '',
                   (ARRAY['new','in_progress','on_hold','resolved','closed'])[1 + n % 5], 1 + n % 4, 1 + n % 5,
                   '[]', decode('{admin}', 'hex'),
                   (now() at time zone 'utc') - n * interval '1 second',
                   (now() at time zone 'utc') - n * interval '1 second'
            FROM generate_series(1, {cases}) AS n;
            UPDATE workspaces SET case_seq = {cases} WHERE id = decode('{ws}', 'hex');"""
        run(["psql", database, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql])
        settle("postgres", database)
        ids = run(["psql", database, "-Atc", "SELECT encode(id, 'hex') FROM cases ORDER BY random() LIMIT 70000"])
    else:
        import sqlite3

        connection = sqlite3.connect(database, timeout=60)
        connection.execute(f"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {cases})
            INSERT INTO cases (id, workspace_id, number, summary, description, status, priority, severity,
                               tags, created_by, created_at, updated_at)
            SELECT randomblob(16), x'{ws}', i, 'Seeded case ' || i, '',
                   CASE i % 5 WHEN 0 THEN 'new' WHEN 1 THEN 'in_progress' WHEN 2 THEN 'on_hold'
                              WHEN 3 THEN 'resolved' ELSE 'closed' END, 1 + i % 4, 1 + i % 5,
                   '[]', x'{admin}',
                   strftime('%Y-%m-%d %H:%M:%f', 'now', '-' || i || ' seconds'),
                   strftime('%Y-%m-%d %H:%M:%f', 'now', '-' || i || ' seconds')
            FROM n""")
        connection.execute(f"UPDATE workspaces SET case_seq = {cases} WHERE id = x'{ws}'")
        connection.commit()
        settle("sqlite", database)
        ids = "\n".join(row[0].lower() for row in connection.execute(
            "SELECT hex(id) FROM cases ORDER BY random() LIMIT 70000"))
        connection.close()
    return [f"case_{h}" for h in ids.split()]


def settle(backend, database):
    """Leaves the database as a running one would be after bulk writes, so
    that no scenario shares the machine with their aftermath: statistics
    gathered and, on PostgreSQL, the new rows vacuumed (else autovacuum
    starts on them mid-scenario, as `pgbench -i` avoids by vacuuming too)
    and their dirty pages written out by a checkpoint; on SQLite, the
    write-ahead log folded into the database file."""
    if backend == "postgres":
        for statement in ("VACUUM (ANALYZE)", "CHECKPOINT"):
            run(["psql", database, "-q", "-v", "ON_ERROR_STOP=1", "-c", statement])
    else:
        import sqlite3

        connection = sqlite3.connect(database, timeout=60)
        connection.execute("ANALYZE")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()


def fixture_for(server):
    """An admin, two members, a workspace and an editor service account; the
    admin's token and the service account's API key."""
    tag = uuid.uuid4().hex[:8]
    email = f"admin-{tag}@example.com"
    admin = http("POST", server.url + "/v1/accounts", {"email": email, "password": PASSWORD, "display_name": "Admin"})
    for role in ("editor", "viewer"):
        http("POST", server.url + "/v1/accounts",
             {"email": f"{role}-{tag}@example.com", "password": PASSWORD, "display_name": role})
    token = http("POST", server.url + "/v1/sessions", {"email": email, "password": PASSWORD})["token"]
    workspace = http("POST", server.url + "/v1/workspaces", {"name": "Bench team"}, token)
    for role in ("editor", "viewer"):
        http("POST", server.url + f"/v1/workspaces/{workspace['id']}/members",
             {"email": f"{role}-{tag}@example.com", "role": role}, token)
    bot = http("POST", server.url + f"/v1/workspaces/{workspace['id']}/service-accounts",
               {"name": "Bench bot", "role": "editor"}, token)
    issued = http("POST", server.url + f"/v1/workspaces/{workspace['id']}/service-accounts/{bot['id']}/keys",
                  {"name": "bench"}, token)
    return {
        "email": email, "token": token, "workspace": workspace["id"], "api_key": issued["secret"],
        "workspace_hex": workspace["id"].removeprefix("ws_"), "admin_hex": admin["id"].removeprefix("acct_"),
    }


def deep_list_path(server, fixture, pages):
    """A filtered, sorted page `pages` pages deep (status + priority, 50 per page)."""
    base = f"/v1/workspaces/{fixture['workspace']}/cases?status=new&status=in_progress&priority=high&priority=critical&sort=created_at&limit=50"
    path = base
    for _ in range(pages):
        page = http("GET", server.url + path, token=fixture["token"])
        if not page["next_cursor"]:
            break
        path = f"{base}&cursor={page['next_cursor']}"
    return path


def create_case_script(directory, fixture):
    """The statements a case create runs, in one transaction, for pgbench."""
    ws, admin = fixture["workspace_hex"], fixture["admin_hex"]
    path = Path(directory) / "create_case.sql"
    path.write_text(f"""\\set k random(1, 2000000000)
BEGIN;
SELECT role FROM memberships WHERE workspace_id = decode('{ws}', 'hex') AND account_id = decode('{admin}', 'hex');
SELECT 1 FROM idempotency_keys WHERE account_id = decode('{admin}', 'hex') AND key = 'pgbench-' || :k || '-' || :client_id FOR UPDATE;
UPDATE workspaces SET case_seq = case_seq + 1 WHERE id = decode('{ws}', 'hex') RETURNING case_seq AS num \\gset
INSERT INTO cases (id, workspace_id, number, summary, description, status, priority, severity, tags, created_by, created_at, updated_at)
  VALUES (uuid_send(gen_random_uuid()), decode('{ws}', 'hex'), :num, 'pgbench case', '', 'new', 3, 3, '["bench"]', decode('{admin}', 'hex'), now(), now());
INSERT INTO case_tags (case_id, workspace_id, tag)
  SELECT id, workspace_id, 'bench' FROM cases WHERE workspace_id = decode('{ws}', 'hex') AND number = :num;
INSERT INTO case_events (id, case_id, actor_id, kind, data, created_at)
  SELECT uuid_send(gen_random_uuid()), id, decode('{admin}', 'hex'), 'case_created', '{{}}', now() FROM cases WHERE workspace_id = decode('{ws}', 'hex') AND number = :num;
INSERT INTO idempotency_keys (account_id, key, fingerprint, snapshot, created_at)
  VALUES (decode('{admin}', 'hex'), 'pgbench-' || :k || '-' || :client_id, '\\x00', '{{}}', now()) ON CONFLICT DO NOTHING;
COMMIT;
""")
    return str(path)
