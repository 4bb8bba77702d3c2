"""Merges in scripts/bench: a case with 1,000 comments and 1,000
observables merged into another that holds 500 of the same values (so 500
observables move and 500 are absorbed), MERGES times, each pair fresh,
one request at a time, each timed whole by the client. Target: p50 under
2 s."""

import time
from concurrent.futures import ThreadPoolExecutor

from bench_fixtures import fixture_for, http
from bench_tools import log

COMMENTS = 1_000
OBSERVABLES = 1_000
MERGES = 5


def _pair(server, ws, token, n):
    """A source case with its comments and observables, and a target with
    half of those values; their ids."""
    cases = server.url + f"/v1/workspaces/{ws}/cases"
    source = http("POST", cases, {"summary": f"Merge source {n}"}, token)["id"]
    target = http("POST", cases, {"summary": f"Merge target {n}"}, token)["id"]

    def comment(i):
        http("POST", f"{cases}/{source}/comments", {"body": f"Comment {i} on merge source {n}"}, token)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(comment, range(COMMENTS)))
    values = [{"type": "domain", "value": f"merge-{n}-{i}.bench.example"} for i in range(OBSERVABLES)]
    for case, items in ((source, values), (target, values[::2])):
        answer = http("POST", f"{cases}/{case}/observable-batches", {"items": items}, token)
        if answer["created"] != len(items):
            raise SystemExit(f"the observables were not all created: {str(answer)[:300]}")
    return source, target


def measure(server, backend, record):
    """Prepares the pairs, then times one merge after another."""
    log(f"{backend}: merging a case with {COMMENTS:,} comments and {OBSERVABLES:,} observables, {MERGES} times")
    fixture = fixture_for(server)
    ws, token = fixture["workspace"], fixture["token"]
    pairs = [_pair(server, ws, token, n) for n in range(MERGES)]
    took = []
    for source, target in pairs:
        url = server.url + f"/v1/workspaces/{ws}/cases/{source}/merge"
        started = time.perf_counter()
        answer = http("POST", url, {"into_case_id": target}, token)
        took.append((time.perf_counter() - started) * 1000)
        moved = answer["moved"]
        if (moved["comments"], moved["observables"], moved["observables_combined"]) != (COMMENTS, 500, 500):
            raise SystemExit(f"the merge did not move what it should: {moved}")
    took.sort()
    figures = {"rps": len(took) / (sum(took) / 1000), "p50_ms": took[len(took) // 2], "p99_ms": took[-1], "errors": 0}
    record(backend, f"merge, {COMMENTS:,} comments + {OBSERVABLES:,} observables", 1, figures,
           server.rss_kib() / 1024, None, "p50 < 2 s")
