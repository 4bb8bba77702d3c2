"""The machinery of scripts/bench: servers on loopback whose memory is
sampled, wrk runs and their figures, and actions run in the background."""

import json
import os
import re
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

CORES = os.cpu_count() or 1


def log(message):
    print(f"==> {message}", flush=True)


def run(args, **kwargs):
    """Runs a command; its output, or its error output shown when it fails."""
    done = subprocess.run(args, text=True, capture_output=True, **kwargs)
    if done.returncode != 0:
        raise SystemExit(f"{args[0]} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return done.stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A process on loopback whose resident memory is sampled while it runs.

    It runs in a session of its own, as a server does when a service manager
    or another terminal starts it, not in the session of the bench and its
    load generators. Linux's scheduler (with autogroup on, as here) shares
    the CPU between sessions first and between a session's threads second,
    so a server sharing wrk's session competes with wrk inside one share:
    with Casebook there, reads during a sign-in flood had a p99 3.2-8.9x
    their unflooded value, against 1.3-1.9x in a session of its own
    (interleaved, same binary, 200,000 cases)."""

    def __init__(self, args, env, ready_path, log_path, port):
        self.url = f"http://127.0.0.1:{port}"
        self.log = open(log_path, "w")
        self.process = subprocess.Popen(args, env=dict(os.environ, **env), stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        try:
            self._wait_ready(ready_path, log_path)
        except BaseException:
            # Not yet in the caller's list of servers to stop, and in a
            # session of its own, so Ctrl-C would not reach it either.
            self.stop()
            raise
        self.peak_kib = 0
        self._sampling = False

    def _wait_ready(self, ready_path, log_path):
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(self.url + ready_path, timeout=1)
                return
            except Exception:
                if time.time() > deadline or self.process.poll() is not None:
                    raise SystemExit(f"server did not start; see {log_path}")
                time.sleep(0.1)

    def rss_kib(self):
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+)", status).group(1))

    def reset_peak(self):
        """Resets the kernel's record of the peak RSS (VmHWM); False if the
        kernel refuses (then only the samples count)."""
        try:
            Path(f"/proc/{self.process.pid}/clear_refs").write_text("5")
            return True
        except OSError:
            return False

    def kernel_peak_kib(self):
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+)", status).group(1))

    def sample_during(self, action):
        """Runs `action`, returning (its result, peak RSS in MiB meanwhile):
        the kernel's own high-water mark, reset before the action, and
        samples every 50 ms where the kernel cannot reset it."""
        exact = self.reset_peak()
        peak = [self.rss_kib()]
        done = threading.Event()

        def sample():
            while not done.is_set():
                peak[0] = max(peak[0], self.rss_kib())
                done.wait(0.05)

        sampler = threading.Thread(target=sample)
        sampler.start()
        try:
            result = action()
        finally:
            done.set()
            sampler.join()
        if exact:
            peak[0] = max(peak[0], self.kernel_peak_kib())
        self.peak_kib = max(self.peak_kib, peak[0])
        return result, peak[0] / 1024

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def parse_latency(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * UNITS[unit]


def wrk(url, script, connections, duration):
    """One wrk run; returns requests/s, p50 and p99 in ms, and errors."""
    threads = min(CORES, connections)
    output = run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "30s",
                  "--latency", "-s", script, url])
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = parse_latency(re.search(r"\s50%\s+(\S+)", output).group(1))
    p99 = parse_latency(re.search(r"\s99%\s+(\S+)", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return {"rps": rps, "p50_ms": p50, "p99_ms": p99, "errors": errors}




class Background:
    """Runs `action` on a thread; `result()` waits for it and returns what
    it returned (or raises what it raised)."""

    def __init__(self, action):
        self._outcome = {}
        self._thread = threading.Thread(target=self._run, args=(action,))
        self._thread.start()

    def _run(self, action):
        try:
            self._outcome["value"] = action()
        except BaseException as err:  # re-raised in result()
            self._outcome["error"] = err

    def result(self):
        self._thread.join()
        if "error" in self._outcome:
            raise self._outcome["error"]
        return self._outcome["value"]


def split_ids(ids):
    """Reads pick among up to 10,000 ids; patches take each of the others
    once (at version 1): 60,000 of them, more than a run can use, unless
    fewer cases were seeded."""
    cut = min(10_000, len(ids) // 7)
    return ids[:cut], ids[cut:]


def merged(runs):
    """Runs of one scenario as one: mean rate, worst percentiles, all errors."""
    return {
        "rps": sum(r["rps"] for r in runs) / len(runs),
        "p50_ms": max(r["p50_ms"] for r in runs),
        "p99_ms": max(r["p99_ms"] for r in runs),
        "errors": sum(r["errors"] for r in runs),
    }


def argon2_reference(python, seconds):
    """Hashes per second of argon2-cffi (the reference C code) at Casebook's
    parameters, one thread per core."""
    code = f"""
import threading, time
from argon2.low_level import hash_secret_raw, Type
count = [0]
stop = time.time() + {seconds}
def work():
    while time.time() < stop:
        hash_secret_raw(b"bench password 1", b"saltsaltsaltsalt", time_cost=2, memory_cost=19456,
                        parallelism=1, hash_len=32, type=Type.ID)
        count[0] += 1
threads = [threading.Thread(target=work) for _ in range({CORES})]
[t.start() for t in threads]; [t.join() for t in threads]
print(count[0] / {seconds})
"""
    return float(run([python, "-c", code]))


def report(rows, ceilings, options, out, cores):
    """Prints the table of `rows` and writes it to out/load.md and out/load.json."""
    lines = [
        f"# Casebook load bench ({options.cases} cases, {options.duration} s per scenario, {cores} cores)",
        "",
        "Ceilings measured in the same run: " + ", ".join(f"{k} {v:.0f}/s" for k, v in ceilings.items()),
        "",
        "| backend | scenario | conns | req/s | p50 ms | p99 ms | errors | peak RSS MiB | ratio | target |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        ratio_text = f"{r['ratio']:.3f}x {r.get('ceiling', '')}".strip() if "ratio" in r else ""
        if r.get("ratio_p99") is not None:
            ratio_text = f"p99 {r['ratio_p99']:.2f}x unflooded"
        lines.append(f"| {r['backend']} | {r['scenario']} | {r['connections']} | {r['rps']:.0f} | {r['p50_ms']:.2f} | "
                     f"{r['p99_ms']:.2f} | {r['errors']} | {r['rss_mib']:.1f} | {ratio_text} | {r.get('target', '')} |")
    text = "\n".join(lines) + "\n"
    print("\n" + text)
    (out / "load.md").write_text(text)
    (out / "load.json").write_text(json.dumps({"ceilings": ceilings, "rows": rows, "cases": options.cases,
                                               "duration": options.duration, "cores": cores}, indent=2))
    print(f"written to {out / 'load.md'} and {out / 'load.json'}")
