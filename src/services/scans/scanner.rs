//! The TCP connect scanner: bounded concurrency, a timeout per probe. Open
//! means connected, closed means refused, filtered means no answer in time.
//! No raw sockets, no external programs.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use futures::StreamExt;
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::plan::{Chunk, Chunks, Outcome, ProbePlan};

/// Longest wait for a service to speak first after connecting.
const BANNER_WAIT: Duration = Duration::from_millis(250);
/// Longest banner kept, in characters.
const BANNER_MAX_CHARS: usize = 120;
/// Out of file descriptors: wait this long and retry, this many times.
const FD_RETRY: (Duration, u32) = (Duration::from_millis(5), 200);

/// Probes `plan` from probe `start` on, with at most `concurrency` in
/// flight, and sends each chunk of `chunk_size` consecutive probes to
/// `chunks`, in order, as soon as all of its probes have answered. Only
/// finished chunks cross to the committing task, so the probing loop runs
/// without waking it for every probe. Stops early when `cancel` fires or the
/// receiver goes away.
pub async fn scan_chunks(
    plan: ProbePlan,
    start: usize,
    chunk_size: usize,
    timeout: Duration,
    concurrency: usize,
    cancel: CancellationToken,
    chunks: mpsc::Sender<Chunk>,
) {
    let mut assembly = Chunks::new(start, plan.len(), chunk_size);
    let probes = (start..plan.len()).map(|index| (index, plan.probe(index)));
    let mut results = futures::stream::iter(probes)
        .map(|(index, addr)| async move { (index, addr, probe(addr, timeout).await) })
        .buffer_unordered(concurrency.max(1));
    loop {
        let next = tokio::select! {
            biased;
            () = cancel.cancelled() => return,
            next = results.next() => next,
        };
        let Some((index, addr, outcome)) = next else { return };
        for chunk in assembly.record(index, addr, outcome) {
            if chunks.send(chunk).await.is_err() {
                return;
            }
        }
    }
}

/// Runs [`scan_chunks`] on a thread of its own with a single-threaded
/// runtime: one event loop does all the probing, like nmap's, instead of
/// waking threads of the shared runtime for every connection (measured: the
/// shared runtime spent most of a full-range scan switching threads).
pub fn spawn_scan_thread(
    plan: ProbePlan,
    start: usize,
    chunk_size: usize,
    timeout: Duration,
    concurrency: usize,
    cancel: CancellationToken,
    chunks: mpsc::Sender<Chunk>,
) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    std::thread::Builder::new().name("casebook-scan".into()).spawn(move || {
        runtime.block_on(scan_chunks(plan, start, chunk_size, timeout, concurrency, cancel, chunks));
    })?;
    Ok(())
}

/// One TCP connect probe.
pub async fn probe(addr: SocketAddr, timeout: Duration) -> Outcome {
    let started = Instant::now();
    let mut retries = 0;
    loop {
        match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
            Err(_elapsed) => return Outcome::Filtered,
            Ok(Ok(stream)) => {
                let latency = started.elapsed();
                let banner = read_banner(stream, timeout.min(BANNER_WAIT)).await;
                return Outcome::Open { latency, banner };
            }
            Ok(Err(err)) if err.kind() == std::io::ErrorKind::ConnectionRefused => return Outcome::Closed,
            // EMFILE / ENFILE: a local shortage, not an answer from the target.
            Ok(Err(err)) if matches!(err.raw_os_error(), Some(23 | 24)) && retries < FD_RETRY.1 => {
                retries += 1;
                tokio::time::sleep(FD_RETRY.0).await;
            }
            Ok(Err(_unreachable)) => return Outcome::Filtered,
        }
    }
}

async fn read_banner(mut stream: TcpStream, wait: Duration) -> Option<String> {
    let mut buf = [0u8; 512];
    let read = tokio::time::timeout(wait, stream.read(&mut buf)).await.ok()?.ok()?;
    let text: String = String::from_utf8_lossy(&buf[..read])
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let text: String = text.chars().take(BANNER_MAX_CHARS).collect();
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use tokio::io::AsyncWriteExt;

    use super::*;

    #[tokio::test]
    async fn open_closed_and_banners_are_told_apart() {
        let quiet = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let chatty = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let chatty_addr = chatty.local_addr().expect("addr");
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = chatty.accept().await {
                let _ = socket.write_all(b"SSH-2.0-Test\r\n").await;
            }
        });
        let closed = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
            listener.local_addr().expect("addr")
        };
        let timeout = Duration::from_millis(500);

        let ports =
            format!("{},{},{}", quiet.local_addr().expect("addr").port(), chatty_addr.port(), closed.port());
        let plan = ProbePlan::parse("127.0.0.1", &ports).expect("plan");
        let (tx, mut rx) = mpsc::channel(8);

        scan_chunks(plan, 0, 2, timeout, 8, CancellationToken::new(), tx).await;

        let mut results = Vec::new();
        let mut closed_count = 0;
        while let Some(chunk) = rx.recv().await {
            results.extend(chunk.open);
            closed_count += chunk.closed;
        }
        assert_eq!(closed_count, 1);

        let find = |addr| results.iter().find(|(a, _)| *a == addr).map(|(_, o)| o.clone()).expect("probed");
        assert!(matches!(find(quiet.local_addr().expect("addr")), Outcome::Open { banner: None, .. }));
        assert!(matches!(find(chatty_addr), Outcome::Open { banner: Some(b), .. } if b == "SSH-2.0-Test"));
        assert_eq!(results.len(), 2);
    }
}
