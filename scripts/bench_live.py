"""The live activity stream scenario of scripts/bench: 100 listeners hold
`streamWorkspaceEvents` open on the main workspace while cases are created
one by one at a steady rate; each change must reach every listener, with
p99 under 100 ms from the moment its POST was sent (so the figure includes
the request itself) to the moment a listener has read it."""

import asyncio
import json
import time
from urllib.parse import urlsplit

LISTENERS = 100
CHANGES = 200
RATE = 20  # changes per second


async def _listen(url, path, token, arrivals, connected):
    """Reads one SSE connection (HTTP/1.1, chunked or not) until closed."""
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {url.netloc}\r\nAuthorization: Bearer {token}\r\n"
                 "Accept: text/event-stream\r\n\r\n".encode())
    await writer.drain()
    head = (await reader.readuntil(b"\r\n\r\n")).lower()
    assert head.startswith(b"http/1.1 200"), head
    chunked = b"transfer-encoding: chunked" in head
    connected.append(True)
    buffer = b""
    try:
        while True:
            if chunked:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    return
                buffer += (await reader.readexactly(size + 2))[:-2]
            else:
                data = await reader.read(65536)
                if not data:
                    return
                buffer += data
            while b"\n\n" in buffer:
                message, buffer = buffer.split(b"\n\n", 1)
                for line in message.split(b"\n"):
                    if line.startswith(b"data:"):
                        arrivals.append((json.loads(line[5:])["data"].get("summary"), time.monotonic()))
    except (asyncio.CancelledError, asyncio.IncompleteReadError, ConnectionError):
        return
    finally:
        writer.close()


async def _post(url, path, token, summary):
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    body = json.dumps({"summary": summary}).encode()
    writer.write(f"POST {path} HTTP/1.1\r\nHost: {url.netloc}\r\nAuthorization: Bearer {token}\r\n"
                 f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                 + body)
    await writer.drain()
    answer = await reader.read()
    writer.close()
    return answer.startswith(b"HTTP/1.1 201")


async def _run(base, workspace, token):
    url = urlsplit(base)
    arrivals, connected, sent = [], [], {}
    stream = f"/v1/workspaces/{workspace}/events/stream?type=case.created"
    listeners = [asyncio.create_task(_listen(url, stream, token, arrivals, connected)) for _ in range(LISTENERS)]
    while len(connected) < LISTENERS:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)  # every listener subscribed
    failed = 0
    started = time.monotonic()
    for n in range(CHANGES):
        await asyncio.sleep(max(0.0, started + n / RATE - time.monotonic()))
        summary = f"live {n}"
        sent[summary] = time.monotonic()
        failed += not await _post(url, f"/v1/workspaces/{workspace}/cases", token, summary)
    await asyncio.sleep(1.0)
    elapsed = time.monotonic() - started
    for listener in listeners:
        listener.cancel()
    await asyncio.gather(*listeners, return_exceptions=True)
    latencies = sorted((at - sent[summary]) * 1000 for summary, at in arrivals if summary in sent)
    return latencies, failed, elapsed


def measure(server, backend, fixture, record):
    """Records the live stream's delivery latency on `server`."""
    latencies, failed, elapsed = asyncio.run(_run(server.url, fixture["workspace"], fixture["token"]))
    expected = LISTENERS * CHANGES

    def quantile(q):
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else float("nan")

    figures = {"rps": len(latencies) / elapsed, "p50_ms": quantile(0.5), "p99_ms": quantile(0.99),
               "errors": expected - len(latencies) + failed}
    record(backend, f"live stream, {LISTENERS} listeners", LISTENERS, figures, server.rss_kib() / 1024, None,
           f"p99 < 100 ms, all {expected:,} deliveries ({RATE} changes/s)")
