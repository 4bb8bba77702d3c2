//! Cursor pagination: a page size and an opaque cursor in, a page of items
//! and the next cursor out. A cursor is base64url JSON of the position after
//! which the next page starts; clients must treat it as opaque.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::validation::ValidationErrors;
use crate::store::{DbTime, Reading};

/// Items per page when the client does not say.
pub const DEFAULT_LIMIT: u32 = 50;
/// Most items per page.
pub const MAX_LIMIT: u32 = 100;

/// Which page to read.
#[derive(Debug, Clone)]
pub struct PageRequest<P> {
    /// Items per page, 1 to 100.
    pub limit: u32,
    /// Where the page starts (after this position), or the first page.
    pub after: Option<P>,
}

impl<P: DeserializeOwned> PageRequest<P> {
    /// Parses `limit` (default 50) and an opaque `cursor`.
    pub fn parse(limit: Option<u32>, cursor: Option<&str>) -> Result<Self, ValidationErrors> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        let limit_error = !(1..=MAX_LIMIT).contains(&limit);
        let after = cursor.filter(|c| !c.is_empty()).map(decode::<P>).transpose();
        match (limit_error, after) {
            (false, Ok(after)) => Ok(Self { limit, after }),
            (limit_error, after) => Err(ValidationErrors::collect([
                ("limit", limit_error.then(|| format!("must be between 1 and {MAX_LIMIT}"))),
                ("cursor", after.err()),
            ])),
        }
    }

    /// How many rows to fetch: one more than the page, to learn whether
    /// another page follows.
    pub fn fetch(&self) -> i64 {
        i64::from(self.limit) + 1
    }
}

/// One page of results.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The items, in order.
    pub items: Vec<T>,
    /// The cursor of the next page, if there is one.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` fetched rows; `position` gives the
    /// cursor position of an item.
    pub fn from_rows<P: Serialize>(mut rows: Vec<T>, limit: u32, position: impl Fn(&T) -> P) -> Self {
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next_cursor = if more { rows.last().map(|last| encode(&position(last))) } else { None };
        Self { items: rows, next_cursor }
    }

    /// Converts the items, keeping the cursor.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { items: self.items.into_iter().map(f).collect(), next_cursor: self.next_cursor }
    }
}

/// Which page of a list ordered by id (`I`) to read: in its own order,
/// newest first, or (with `updated_after`, for incremental sync) what
/// changed since a time, oldest change first, so the last item's
/// `updated_at` is where the next sync starts.
#[derive(Debug, Clone)]
pub enum Paging<I> {
    /// Newest first.
    Newest(PageRequest<I>),
    /// Changed (or created) at or after the time, oldest change first;
    /// positions are `updated_at` in microseconds and the id.
    ChangedSince(DateTime<Utc>, PageRequest<(i64, I)>),
}

impl<I: DeserializeOwned + Serialize + Copy> Paging<I> {
    /// Parses `limit`, an opaque `cursor` (of the same kind of listing)
    /// and `updated_after`.
    pub fn parse(
        limit: Option<u32>,
        cursor: Option<&str>,
        updated_after: Option<DateTime<Utc>>,
    ) -> Result<Self, ValidationErrors> {
        Ok(match updated_after {
            None => Self::Newest(PageRequest::parse(limit, cursor)?),
            Some(since) => Self::ChangedSince(since, PageRequest::parse(limit, cursor)?),
        })
    }

    /// Whether this is the first page.
    pub fn is_first(&self) -> bool {
        match self {
            Self::Newest(page) => page.after.is_none(),
            Self::ChangedSince(_, page) => page.after.is_none(),
        }
    }

    /// How many rows to fetch (see [`PageRequest::fetch`]).
    pub fn fetch(&self) -> i64 {
        match self {
            Self::Newest(page) => page.fetch(),
            Self::ChangedSince(_, page) => page.fetch(),
        }
    }

    /// Where the store starts reading.
    pub fn reading(&self) -> Reading<I> {
        match self {
            Self::Newest(page) => Reading::Newest { before: page.after },
            Self::ChangedSince(since, page) => Reading::ChangedSince {
                since: DbTime::from(*since),
                after: page.after.map(|(micros, id)| (DbTime::from_micros(micros), id)),
            },
        }
    }

    /// The page of `rows` (fetched with [`Self::fetch`]); `id` and
    /// `updated_at` read an item's position.
    pub fn page<T>(
        &self,
        rows: Vec<T>,
        id: impl Fn(&T) -> I,
        updated_at: impl Fn(&T) -> DateTime<Utc>,
    ) -> Page<T> {
        match self {
            Self::Newest(page) => Page::from_rows(rows, page.limit, id),
            Self::ChangedSince(_, page) => {
                Page::from_rows(rows, page.limit, |item| (updated_at(item).timestamp_micros(), id(item)))
            }
        }
    }
}

fn encode<P: Serialize>(position: &P) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(position).unwrap_or_default())
}

fn decode<P: DeserializeOwned>(cursor: &str) -> Result<P, String> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| "is not a cursor returned by this list".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let page = Page::from_rows(vec![1, 2, 3], 2, |n| *n);
        assert_eq!(page.items, [1, 2]);
        let cursor = page.next_cursor.expect("more");
        let next = PageRequest::<i32>::parse(Some(2), Some(&cursor)).expect("valid");
        assert_eq!(next.after, Some(2));
        let err = PageRequest::<i32>::parse(Some(0), Some("!!")).expect_err("refused");
        let fields: Vec<_> = err.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["limit", "cursor"]);
        assert!(Page::from_rows(vec![1, 2], 2, |n| *n).next_cursor.is_none());
    }
}
