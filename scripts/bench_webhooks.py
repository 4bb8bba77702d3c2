"""The webhook scenarios of scripts/bench, on the main workspace, against
a receiver on loopback (examples/webhook_receiver.rs) answering 200:

- POST case with 3 active subscriptions to the receiver, against POST case
  with them turned off (at most 15% slower: >= 0.87x), measured in
  half-time slices, without-with-with-without, so the machine's drift over
  the run (+-15% between back-to-back runs of the same scenario seen here)
  hits both alike;
- commit-to-receipt latency while cases are created at a fixed rate the
  queue keeps up with (100 cases/s, 300 deliveries/s; p99 under 250 ms);
- sustained delivery: the receiver holds deliveries while cases are
  created for 8 seconds (under the 10-second delivery timeout), then lets
  them through; the backlog drains at >= 2,000 deliveries/s.

The subscriptions are deleted at the end, so later scenarios send nothing."""

import json
import threading
import time
import urllib.request

from bench_fixtures import http, scripts
from bench_tools import log, merged, wrk

SUBSCRIPTIONS = 3
RATE = 100  # cases per second in the latency scenario
BACKLOG_SECONDS = 8


def _stats(receiver):
    with urllib.request.urlopen(receiver + "/stats", timeout=10) as response:
        return json.loads(response.read())


def _receiver(receiver, action):
    urllib.request.urlopen(urllib.request.Request(receiver + action, data=b"", method="POST"), timeout=10).read()


def _drained(receiver, expected, quiet=3.0, limit=300.0):
    """Waits until `expected` deliveries arrived, or none came for `quiet` seconds."""
    deadline, last, since = time.time() + limit, -1, time.time()
    while time.time() < deadline:
        count = _stats(receiver)["count"]
        if count >= expected:
            break
        if count != last:
            last, since = count, time.time()
        elif time.time() - since > quiet:
            break
        time.sleep(0.2)
    return _stats(receiver)


def _at_fixed_rate(server, fixture, rate, seconds):
    """Creates `rate` cases a second for `seconds` from a few threads; returns how many."""
    path = f"{server.url}/v1/workspaces/{fixture['workspace']}/cases"
    made, lock, start = [0], threading.Lock(), time.time()
    total = rate * seconds

    def worker(offset, step):
        for n in range(offset, total, step):
            delay = start + n / rate - time.time()
            if delay > 0:
                time.sleep(delay)
            http("POST", path, {"summary": f"Rate case {n}", "tags": ["bench"]}, fixture["token"])
            with lock:
                made[0] += 1

    threads = [threading.Thread(target=worker, args=(i, 4)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return made[0]


def measure(server, backend, fixture, receiver, work, record, rows, cores, connections, duration):
    """Runs the three scenarios on `server`, recording a row each."""
    ws, token = fixture["workspace"], fixture["token"]
    hooks = f"{server.url}/v1/workspaces/{ws}/webhooks"
    log(f"{backend}: webhooks: POST case with {SUBSCRIPTIONS} subscriptions turned off and on, in slices")
    made = [http("POST", hooks, {"url": receiver + "/hook", "events": ["*"], "description": f"bench {n}"}, token)
            for n in range(SUBSCRIPTIONS)]
    made = [hook["webhook"] for hook in made]
    slices, peak, sent = {False: [], True: []}, 0.0, 0
    for active in (False, True, True, False):
        made = [http("PATCH", f"{hooks}/{hook['id']}", {"active": active, "version": hook["version"]}, token)
                for hook in made]
        if active:
            time.sleep(1)  # the workers learn of them
        post_case = scripts(work, fixture, cores)["post_case"]  # fresh idempotency keys
        before = _stats(receiver)["count"]
        figures, rss = server.sample_during(lambda: wrk(server.url, post_case, connections, max(1, duration // 2)))
        if active:
            sent += _stats(receiver)["count"] - before
        slices[active].append(figures)
        peak = max(peak, rss)
    base, figures = merged(slices[False]), merged(slices[True])
    record(backend, "POST case, no subscriptions", connections, base, peak)
    record(backend, f"POST case, {SUBSCRIPTIONS} subscriptions", connections, figures, peak, None, ">= 0.87x without (<= 15% slower)")
    rows[-1]["ratio"] = round(figures["rps"] / base["rps"], 3) if base["rps"] else None
    rows[-1]["ceiling"] = f"POST case without subscriptions ({base['rps']:.0f}/s beside it)"
    # What the workers delivered meanwhile (the rest waits in the queue).
    with_time = 2 * max(1, duration // 2)
    owed = int(figures["rps"] * with_time) * SUBSCRIPTIONS
    record(backend, f"  delivered meanwhile (of {owed:,} owed)", SUBSCRIPTIONS,
           {"rps": sent / with_time, "p50_ms": 0, "p99_ms": 0, "errors": 0}, peak)
    made = [http("PATCH", f"{hooks}/{hook['id']}", {"active": True, "version": hook["version"]}, token) for hook in made]
    _drained(receiver, float("inf"), quiet=2.0)

    log(f"{backend}: webhooks: commit-to-receipt latency at {RATE} cases/s")
    _receiver(receiver, "/reset")
    cases = _at_fixed_rate(server, fixture, RATE, duration)
    latency = _drained(receiver, cases * SUBSCRIPTIONS)
    figures = {"rps": latency["per_second"], "p50_ms": latency["p50_ms"] or 0, "p99_ms": latency["p99_ms"] or 0,
               "errors": cases * SUBSCRIPTIONS - latency["count"]}
    record(backend, f"webhooks: commit to receipt, {RATE * SUBSCRIPTIONS}/s", SUBSCRIPTIONS, figures, server.rss_kib() / 1024,
           None, "p99 < 250 ms, none missing")

    log(f"{backend}: webhooks: a backlog built for {BACKLOG_SECONDS} s, then drained")
    _receiver(receiver, "/gate/close")
    backlog, _ = server.sample_during(lambda: wrk(server.url, scripts(work, fixture, cores)["post_case"], connections, BACKLOG_SECONDS))
    _receiver(receiver, "/reset")
    _receiver(receiver, "/gate/open")
    expected = int(backlog["rps"] * BACKLOG_SECONDS) * SUBSCRIPTIONS
    drain = _drained(receiver, expected * 0.98)
    figures = {"rps": drain["per_second"], "p50_ms": drain["p50_ms"] or 0, "p99_ms": drain["p99_ms"] or 0,
               "errors": max(0, int(expected * 0.98) - drain["count"])}
    record(backend, f"webhooks: draining {drain['count']} deliveries", SUBSCRIPTIONS, figures, server.rss_kib() / 1024,
           None, ">= 2,000 deliveries/s")
    for hook in made:
        http("DELETE", f"{hooks}/{hook['id']}", None, token)
