//! A requested byte range of an attachment's content (single ranges only;
//! a request for several is served whole, as HTTP allows).

use std::ops::Range;

use http_range_header::ParsedRanges;

/// A byte range asked for, not yet checked against the content's size,
/// optionally only if the content still has a given SHA-256.
#[derive(Debug, Clone)]
pub struct RequestedRange {
    ranges: ParsedRanges,
    if_sha256: Option<String>,
}

/// The range lies wholly outside the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsatisfiable;

impl RequestedRange {
    /// Parses a `Range` header value; `None` for a value that is not one
    /// syntactically valid byte range (such a header is ignored).
    pub fn parse(raw: &str) -> Option<Self> {
        let parsed = http_range_header::parse_range_header(raw).ok()?;
        (parsed.ranges.len() == 1).then_some(Self { ranges: parsed, if_sha256: None })
    }

    /// Asks for the range only while the content's SHA-256 is `sha256`
    /// (otherwise the whole content is wanted).
    pub fn only_if_sha256(self, sha256: String) -> Self {
        Self { if_sha256: Some(sha256), ..self }
    }

    /// The half-open byte range of content of `size` bytes with hash
    /// `sha256`: `None` for the whole content (the condition failed).
    pub fn resolve(&self, size: u64, sha256: &str) -> Result<Option<Range<u64>>, Unsatisfiable> {
        if self.if_sha256.as_deref().is_some_and(|expected| expected != sha256) {
            return Ok(None);
        }
        if size == 0 {
            return Err(Unsatisfiable);
        }
        let ranges = self.ranges.validate(size).map_err(|_| Unsatisfiable)?;
        let range = ranges.first().ok_or(Unsatisfiable)?;
        if range.start() > range.end() || *range.start() >= size {
            return Err(Unsatisfiable);
        }
        Ok(Some(*range.start()..range.end() + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::RequestedRange;

    fn resolve(raw: &str, size: u64) -> Option<std::ops::Range<u64>> {
        RequestedRange::parse(raw).and_then(|r| r.resolve(size, "abc").ok().flatten())
    }

    #[test]
    fn single_ranges_resolve_against_the_size() {
        assert_eq!(resolve("bytes=0-9", 100), Some(0..10));
        assert_eq!(resolve("bytes=90-", 100), Some(90..100));
        assert_eq!(resolve("bytes=-5", 100), Some(95..100));
        assert_eq!(resolve("bytes=95-200", 100), Some(95..100));
        assert_eq!(resolve("bytes=100-", 100), None);
        assert_eq!(resolve("bytes=0-0", 0), None);
        assert!(RequestedRange::parse("bytes=0-1,5-6").is_none());
        assert!(RequestedRange::parse("items=0-1").is_none());
    }

    #[test]
    fn a_condition_on_another_hash_asks_for_everything() {
        let range = RequestedRange::parse("bytes=0-9").expect("parses");
        assert_eq!(range.clone().only_if_sha256("abc".into()).resolve(100, "abc"), Ok(Some(0..10)));
        assert_eq!(range.only_if_sha256("old".into()).resolve(100, "abc"), Ok(None));
    }
}
