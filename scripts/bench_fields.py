"""The custom field filter of scripts/bench: a workspace of its own holding
1,000,000 cases (by default) with a select field of ten options, each case
carrying one; the list of cases with one option (100,000 of them), newest
first, 50 a page. Target: p50 under 10 ms."""

import json

import bench_mysql
from bench_fixtures import fixture_for, http, lua, run, settle
from bench_tools import log

OPTIONS = [f"unit-{i}" for i in range(10)]
CHOSEN = "unit-3"


def _postgres(database, ws, admin, field, cases):
    run(["psql", database, "-q", "-v", "ON_ERROR_STOP=1", "-c", f"""
        INSERT INTO cases (id, workspace_id, number, summary, description, status, priority, severity,
                           tags, created_by, created_at, updated_at, custom_fields)
        SELECT uuid_send(gen_random_uuid()), decode('{ws}', 'hex'), n, 'Field case ' || n, '',
               (ARRAY['new','in_progress','on_hold','resolved','closed'])[1 + n % 5], 1 + n % 4, 1 + n % 5,
               '[]', decode('{admin}', 'hex'),
               (now() at time zone 'utc') - n * interval '1 second',
               (now() at time zone 'utc') - n * interval '1 second',
               '{{"business_unit":"unit-' || n % 10 || '"}}'
        FROM generate_series(1, {cases}) AS n;
        INSERT INTO case_field_values (case_id, field_id, workspace_id, created_at, value_key)
        SELECT id, decode('{field}', 'hex'), workspace_id, created_at, custom_fields::json->>'business_unit'
        FROM cases WHERE workspace_id = decode('{ws}', 'hex');
        UPDATE workspaces SET case_seq = {cases} WHERE id = decode('{ws}', 'hex');"""])


def _sqlite(database, ws, admin, field, cases):
    import sqlite3

    connection = sqlite3.connect(database, timeout=60)
    connection.execute(f"""
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {cases})
        INSERT INTO cases (id, workspace_id, number, summary, description, status, priority, severity,
                           tags, created_by, created_at, updated_at, custom_fields)
        SELECT randomblob(16), x'{ws}', i, 'Field case ' || i, '',
               CASE i % 5 WHEN 0 THEN 'new' WHEN 1 THEN 'in_progress' WHEN 2 THEN 'on_hold'
                          WHEN 3 THEN 'resolved' ELSE 'closed' END, 1 + i % 4, 1 + i % 5, '[]', x'{admin}',
               strftime('%Y-%m-%d %H:%M:%f', 'now', '-' || i || ' seconds'),
               strftime('%Y-%m-%d %H:%M:%f', 'now', '-' || i || ' seconds'),
               '{{"business_unit":"unit-' || (i % 10) || '"}}'
        FROM n""")
    connection.execute(f"""
        INSERT INTO case_field_values (case_id, field_id, workspace_id, created_at, value_key)
        SELECT id, x'{field}', workspace_id, created_at, json_extract(custom_fields, '$.business_unit')
        FROM cases WHERE workspace_id = x'{ws}'""")
    connection.execute(f"UPDATE workspaces SET case_seq = {cases} WHERE id = x'{ws}'")
    connection.commit()
    connection.close()


def _mysql(database, ws, admin, field, cases):
    digits = " ".join(f"({d})," for d in range(10)).rstrip(",")
    places = len(str(cases))
    numbers = " + ".join(f"d{k}.d * {10 ** k}" for k in range(places))
    sources = ", ".join(f"bench_digits d{k}" for k in range(places))
    bench_mysql.sql(f"""
        CREATE TABLE bench_digits (d INT NOT NULL);
        INSERT INTO bench_digits VALUES {digits};
        INSERT INTO cases (id, workspace_id, number, summary, description, status, priority, severity,
                           tags, created_by, created_at, updated_at, custom_fields)
        SELECT UNHEX(REPLACE(UUID(), '-', '')), UNHEX('{ws}'), n, CONCAT('Field case ', n), '',
               ELT(1 + n % 5, 'new', 'in_progress', 'on_hold', 'resolved', 'closed'), 1 + n % 4, 1 + n % 5,
               '[]', UNHEX('{admin}'),
               UTC_TIMESTAMP(6) - INTERVAL n SECOND, UTC_TIMESTAMP(6) - INTERVAL n SECOND,
               CONCAT('{{"business_unit":"unit-', n % 10, '"}}')
        FROM (SELECT {numbers} AS n FROM {sources}) AS seq
        WHERE n BETWEEN 1 AND {cases};
        DROP TABLE bench_digits;
        INSERT INTO case_field_values (case_id, field_id, workspace_id, created_at, value_key)
        SELECT id, UNHEX('{field}'), workspace_id, created_at,
               JSON_UNQUOTE(JSON_EXTRACT(custom_fields, '$.business_unit'))
        FROM cases WHERE workspace_id = UNHEX('{ws}');
        UPDATE workspaces SET case_seq = {cases} WHERE id = UNHEX('{ws}');
        ANALYZE TABLE cases, case_field_values;""", database)


def prepare(server, backend, database, cases, work):
    """Seeds the workspace; returns the wrk script of the filtered list."""
    fixture = fixture_for(server)
    ws, token = fixture["workspace"], fixture["token"]
    field = http("POST", server.url + f"/v1/workspaces/{ws}/custom-fields",
                 {"key": "business_unit", "label": "Business unit", "type": "select", "options": OPTIONS}, token)
    seeders = {"postgres": _postgres, "sqlite": _sqlite, "mysql": _mysql}
    seeders[backend](database, fixture["workspace_hex"], fixture["admin_hex"], field["id"].removeprefix("fld_"), cases)
    if backend != "mysql":
        settle(backend, database)
    path = f"/v1/workspaces/{ws}/cases?custom_field=business_unit%3D{CHOSEN}&limit=50"
    page = http("GET", server.url + path, token=token)
    chosen = {case["custom_fields"].get("business_unit") for case in page["items"]}
    if len(page["items"]) != 50 or chosen != {CHOSEN}:
        raise SystemExit(f"the filtered list is wrong: {json.dumps(page)[:300]}")
    return lua(work, f"field_filter_{backend}", f"""
wrk.headers["Authorization"] = "Bearer {token}"
wrk.path = "{path}"
""")


def measure(server, backend, database, cases, work, record, warmed_wrk):
    """Seeds, then records the filtered list at 16 connections."""
    log(f"{backend}: a workspace of {cases} cases with a select field, listed filtered by it")
    script = prepare(server, backend, database, cases, work)
    figures, rss = warmed_wrk(script, 16)
    record(backend, f"list by a select field ({cases:,} cases)", 16, figures, rss, None, "p50 < 10 ms")
