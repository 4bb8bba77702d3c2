//! A scan's probes, in a fixed order (address by address, port by port),
//! computed from their index rather than held in a list: a million-probe
//! scan needs no more memory than a small one. Progress is committed in
//! chunks of consecutive probes; [`Chunks`] gathers outcomes as they arrive
//! in any order and releases chunks in order once each is complete.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use super::{PortSpec, ScanTarget};

/// What one probe found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Connected.
    Open {
        /// Time to connect.
        latency: Duration,
        /// What the service sent first, if anything, within a brief wait.
        banner: Option<String>,
    },
    /// Refused.
    Closed,
    /// No answer within the timeout (or unreachable).
    Filtered,
}

/// Every probe of one scan.
#[derive(Debug, Clone)]
pub struct ProbePlan {
    addresses: Vec<IpAddr>,
    ports: Vec<u16>,
}

impl ProbePlan {
    /// The plan of a stored target and port spec.
    pub fn parse(target: &str, ports: &str) -> Result<Self, String> {
        Ok(Self {
            addresses: ScanTarget::parse(target)?.addresses(),
            ports: PortSpec::parse(ports)?.ports().to_vec(),
        })
    }

    /// How many probes in all.
    pub fn len(&self) -> usize {
        self.addresses.len() * self.ports.len()
    }

    /// The probe at `index`.
    pub fn probe(&self, index: usize) -> SocketAddr {
        let ports = self.ports.len();
        SocketAddr::new(self.addresses[index / ports], self.ports[index % ports])
    }
}

/// The outcomes of one chunk of consecutive probes.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Chunk {
    /// Probes finished in scan order once this chunk is committed.
    pub done: usize,
    /// Open ports with their outcomes, in probe order.
    pub open: Vec<(SocketAddr, Outcome)>,
    /// Refused probes.
    pub closed: usize,
    /// Unanswered probes.
    pub filtered: usize,
    remaining: usize,
}

/// Gathers outcomes into chunks of `size` consecutive probes from `start`
/// up to `total`, releasing complete chunks in order.
#[derive(Debug)]
pub struct Chunks {
    start: usize,
    total: usize,
    size: usize,
    next: usize,
    pending: BTreeMap<usize, Chunk>,
}

impl Chunks {
    /// Chunks covering probes `start..total`.
    pub fn new(start: usize, total: usize, size: usize) -> Self {
        Self { start, total, size: size.max(1), next: 0, pending: BTreeMap::new() }
    }

    /// Records the outcome of probe `index`; returns the chunks that are now
    /// complete and next in order.
    pub fn record(&mut self, index: usize, addr: SocketAddr, outcome: Outcome) -> Vec<Chunk> {
        let number = (index - self.start) / self.size;
        let (start, size, total) = (self.start, self.size, self.total);
        let chunk = self.pending.entry(number).or_insert_with(|| {
            let end = (start + (number + 1) * size).min(total);
            Chunk { done: end, remaining: end - (start + number * size), ..Chunk::default() }
        });
        match outcome {
            Outcome::Closed => chunk.closed += 1,
            Outcome::Filtered => chunk.filtered += 1,
            open @ Outcome::Open { .. } => chunk.open.push((addr, open)),
        }
        chunk.remaining -= 1;
        let mut ready = Vec::new();
        while self.pending.get(&self.next).is_some_and(|c| c.remaining == 0) {
            if let Some(mut chunk) = self.pending.remove(&self.next) {
                chunk.open.sort_by_key(|(addr, _)| *addr);
                ready.push(chunk);
            }
            self.next += 1;
        }
        ready
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_are_computed_address_by_address() {
        let plan = ProbePlan::parse("127.0.0.0/31", "22,80").expect("plan");
        let probes: Vec<String> = (0..plan.len()).map(|i| plan.probe(i).to_string()).collect();
        assert_eq!(probes, ["127.0.0.0:22", "127.0.0.0:80", "127.0.0.1:22", "127.0.0.1:80"]);
    }

    #[test]
    fn chunks_are_released_in_order_once_complete() {
        let addr = |port| SocketAddr::from(([127, 0, 0, 1], port));
        let mut chunks = Chunks::new(10, 15, 2);
        assert!(chunks.record(12, addr(12), Outcome::Closed).is_empty());
        assert!(chunks.record(13, addr(13), Outcome::Filtered).is_empty(), "chunk 1 waits for chunk 0");
        assert!(chunks.record(10, addr(10), Outcome::Closed).is_empty());
        let open = Outcome::Open { latency: Duration::from_micros(5), banner: None };
        let ready = chunks.record(11, addr(11), open.clone());
        assert_eq!(ready.iter().map(|c| c.done).collect::<Vec<_>>(), [12, 14]);
        assert_eq!(ready[0].open, [(addr(11), open)]);
        assert_eq!((ready[1].closed, ready[1].filtered), (1, 1));
        let last = chunks.record(14, addr(14), Outcome::Closed);
        assert_eq!((last.len(), last[0].done), (1, 15), "the last chunk is short");
    }
}
