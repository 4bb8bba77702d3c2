//! MySQL/MariaDB's stand-in for PostgreSQL's `LISTEN`/`NOTIFY`: a change
//! is a row of `change_log`, written in the transaction that made it (so it
//! is seen when that commits, and never if it rolls back), and every
//! instance polls for rows newer than the last it saw.
//!
//! Sequence numbers are handed out when a row is written, not when its
//! transaction commits, so a poll can see 7 before 6 is committed. A poll
//! therefore reads every row above the highest number below which nothing
//! is missing, delivers each row once, and waits for a missing number for up
//! to [`GAP_WAIT`] (a transaction that rolled back leaves a number that never
//! appears). Rows older than [`KEEP_FOR`] are pruned, by every instance.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use diesel_async::{AsyncMysqlConnection, RunQueryDsl};

use super::schema::change_log;
use super::{DbTime, StoreError};

/// How long a missing sequence number is waited for before it is taken to
/// be a rolled-back write: longer than any Casebook transaction runs.
const GAP_WAIT: Duration = Duration::from_secs(60);
/// How long rows are kept: far longer than an instance can fall behind
/// while still counting as connected.
const KEEP_FOR: Duration = Duration::from_secs(3600);
/// How often an instance prunes old rows.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

/// Writes `notice` in the caller's transaction.
pub(super) async fn publish(conn: &mut AsyncMysqlConnection, notice: &str) -> Result<(), StoreError> {
    diesel::insert_into(change_log::table)
        .values((change_log::notice.eq(notice), change_log::created_at.eq(DbTime::from(chrono::Utc::now()))))
        .execute(conn)
        .await?;
    Ok(())
}

/// A connection of its own that polls `change_log`.
pub(super) struct Poller {
    conn: AsyncMysqlConnection,
    every: Duration,
    marks: Marks,
    ready: VecDeque<String>,
    pruned_at: Instant,
    /// Set while a poll's query runs: if the poll's future is dropped
    /// mid-query, the connection's state is unknown and it is not used again.
    polling: bool,
}

impl Poller {
    /// Connects to `url` and starts after the newest row written so far.
    pub(super) async fn connect(url: &str, every: Duration) -> Result<Self, StoreError> {
        let mut conn = super::db::mysql::establish(url.to_owned())
            .await
            .map_err(|err| StoreError::Setup(format!("cannot open the change log poller: {err}")))?;
        let newest: Option<i64> =
            change_log::table.select(diesel::dsl::max(change_log::seq)).get_result(&mut conn).await?;
        Ok(Self {
            conn,
            every,
            marks: Marks::after(newest.unwrap_or(0)),
            ready: VecDeque::new(),
            pruned_at: Instant::now(),
            polling: false,
        })
    }

    /// The next notice, polling every `every` until there is one. An error
    /// means the connection failed and notices may have been missed.
    pub(super) async fn next(&mut self) -> Result<String, StoreError> {
        loop {
            if let Some(notice) = self.ready.pop_front() {
                return Ok(notice);
            }
            tokio::time::sleep(self.every).await;
            self.poll().await?;
        }
    }

    async fn poll(&mut self) -> Result<(), StoreError> {
        if self.polling {
            return Err(StoreError::Setup("a change log poll was interrupted".to_owned()));
        }
        self.polling = true;
        let rows: Vec<(i64, String)> = change_log::table
            .filter(change_log::seq.gt(self.marks.settled))
            .order(change_log::seq.asc())
            .select((change_log::seq, change_log::notice))
            .load(&mut self.conn)
            .await?;
        if self.pruned_at.elapsed() >= PRUNE_EVERY {
            let before = chrono::Utc::now() - KEEP_FOR;
            diesel::delete(change_log::table.filter(change_log::created_at.lt(DbTime::from(before))))
                .execute(&mut self.conn)
                .await?;
            self.pruned_at = Instant::now();
        }
        self.polling = false;
        for (seq, notice) in rows {
            if self.marks.deliver(seq) {
                self.ready.push_back(notice);
            }
        }
        self.marks.settle(Instant::now());
        Ok(())
    }
}

/// Which sequence numbers were delivered, and which are still awaited.
#[derive(Debug, Default)]
struct Marks {
    /// Every number up to this one was delivered or given up on.
    settled: i64,
    /// Numbers above `settled` already delivered.
    delivered: BTreeSet<i64>,
    /// Numbers above `settled` not seen yet, with when they were first missed.
    missing: BTreeMap<i64, Instant>,
}

impl Marks {
    fn after(settled: i64) -> Self {
        Self { settled, ..Self::default() }
    }

    /// Whether `seq` is new (and so to be delivered now).
    fn deliver(&mut self, seq: i64) -> bool {
        self.missing.remove(&seq);
        seq > self.settled && self.delivered.insert(seq)
    }

    /// Moves `settled` up past delivered numbers and numbers missed for
    /// longer than [`GAP_WAIT`], noting the numbers still missing.
    fn settle(&mut self, now: Instant) {
        let Some(&highest) = self.delivered.last() else { return };
        let mut next = self.settled + 1;
        while next <= highest {
            if self.delivered.remove(&next) {
                self.settled = next;
            } else {
                let since = *self.missing.entry(next).or_insert(now);
                if now.duration_since(since) < GAP_WAIT {
                    break;
                }
                self.missing.remove(&next);
                self.settled = next;
            }
            next += 1;
        }
        let wanted = self.settled;
        self.missing.retain(|&seq, _| seq > wanted);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_number_holds_the_settled_mark_until_it_is_given_up() {
        let start = Instant::now();
        let mut marks = Marks::after(0);
        assert!(marks.deliver(1) && marks.deliver(3));
        marks.settle(start);
        assert_eq!(marks.settled, 1, "2 is missing: 3 is delivered but not settled");
        assert!(!marks.deliver(3), "3 is delivered once");
        marks.settle(start + Duration::from_secs(1));
        assert_eq!(marks.settled, 1, "2 is still awaited");
        assert!(marks.deliver(2), "2 committed late and is delivered");
        marks.settle(start + Duration::from_secs(2));
        assert_eq!((marks.settled, marks.delivered.len(), marks.missing.len()), (3, 0, 0));
    }

    #[test]
    fn a_number_missed_for_longer_than_the_wait_is_given_up() {
        let start = Instant::now();
        let mut marks = Marks::after(10);
        assert!(marks.deliver(12));
        marks.settle(start);
        marks.settle(start + GAP_WAIT);
        assert_eq!((marks.settled, marks.missing.len()), (12, 0));
        assert!(!marks.deliver(11) && !marks.deliver(12), "settled numbers are not delivered again");
    }
}
