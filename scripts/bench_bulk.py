"""Bulk changes in scripts/bench: a workspace of its own with 1,000 cases,
opened through the API, all changed by one `updateCases` request at a
time (status back and forth, so every request changes every case, with
its audit events and its 1,000 `case.updated` events). One connection.
Target: p50 under 1 s."""

import json
from concurrent.futures import ThreadPoolExecutor

from bench_fixtures import fixture_for, http, lua
from bench_tools import log

CASES = 1_000


def prepare(server, backend, work):
    """Opens the cases; returns the wrk script of the bulk update."""
    fixture = fixture_for(server)
    ws, token = fixture["workspace"], fixture["token"]

    def open_case(n):
        return http("POST", server.url + f"/v1/workspaces/{ws}/cases", {"summary": f"Bulk case {n}"}, token)["id"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(open_case, range(CASES)))
    bodies = [json.dumps({"items": [{"case_id": i} for i in ids], "changes": {"status": status}})
              for status in ("in_progress", "on_hold")]
    answer = http("POST", server.url + f"/v1/workspaces/{ws}/case-updates", json.loads(bodies[1]), token)
    if answer["succeeded"] != CASES:
        raise SystemExit(f"the bulk update did not change every case: {json.dumps(answer)[:300]}")
    quoted = [json.dumps(body) for body in bodies]
    return lua(work, f"bulk_update_{backend}", f"""
local bodies = {{{quoted[0]}, {quoted[1]}}}
local turn = 0
function request()
  turn = turn + 1
  return wrk.format("POST", "/v1/workspaces/{ws}/case-updates",
    {{["Authorization"] = "Bearer {token}", ["Content-Type"] = "application/json"}}, bodies[turn % 2 + 1])
end
""")


def measure(server, backend, work, record, warmed_wrk):
    """Opens the cases, then records the bulk update at one connection."""
    log(f"{backend}: one request changing {CASES:,} cases")
    script = prepare(server, backend, work)
    figures, rss = warmed_wrk(script, 1)
    record(backend, f"bulk update of {CASES:,} cases", 1, figures, rss, None, "p50 < 1 s")
