//! Text as the search index holds it: words, lowercased and stemmed with
//! the Snowball English stemmer (`contained`, `containing` and `contains`
//! are all `contain`), written out by the application so that every engine
//! indexes, and every query looks for, exactly the same terms.
//!
//! A word is a run of letters and digits; anything else separates words,
//! so `evil.example.com` is the three words `evil`, `exampl` and `com`, and
//! a query for it looks for them side by side. Each term is cut to
//! [`TERM_MAX_CHARS`] and padded with `_` to [`TERM_MIN_CHARS`]: MariaDB's
//! `FULLTEXT` leaves out words shorter than three characters (`ip`, `c2`)
//! and longer than 84; SQLite's and PostgreSQL's tokenizers read the `_` as
//! a separator, so it costs them nothing.

use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};

/// Terms shorter than this are padded with `_`.
pub const TERM_MIN_CHARS: usize = 3;
/// Terms longer than this are cut.
pub const TERM_MAX_CHARS: usize = 80;
/// The most a case's search text holds, in bytes; what follows is not
/// indexed (PostgreSQL's `tsvector` holds at most 1 MB).
pub const TEXT_MAX_BYTES: usize = 256 * 1024;

static ENGLISH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// The terms of `text`, in order.
pub fn terms(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|word| !word.is_empty()).map(term)
}

/// One word as a term: lowercased, stemmed, cut and padded.
fn term(word: &str) -> String {
    let lower = word.to_lowercase();
    let mut term: String = ENGLISH.stem(&lower).chars().take(TERM_MAX_CHARS).collect();
    let short = TERM_MIN_CHARS.saturating_sub(term.chars().count());
    term.extend(std::iter::repeat_n('_', short));
    term
}

/// A case's search text: the terms of its parts, space-separated, up to
/// [`TEXT_MAX_BYTES`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchText(String);

impl SearchText {
    /// The search text of `parts`, in order.
    pub fn of<'a>(parts: impl IntoIterator<Item = &'a str>) -> Self {
        let mut text = Self::default();
        for part in parts {
            text.push(part);
        }
        text
    }

    /// Adds the terms of `part` at the end, while there is room.
    pub fn push(&mut self, part: &str) {
        for term in terms(part) {
            if self.0.len() + 1 + term.len() > TEXT_MAX_BYTES {
                return;
            }
            if !self.0.is_empty() {
                self.0.push(' ');
            }
            self.0.push_str(&term);
        }
    }

    /// The text as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Text read back from the store.
    pub fn stored(text: String) -> Self {
        Self(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<String> {
        terms(text).collect()
    }

    #[test]
    fn words_are_lowercased_and_stemmed_alike() {
        assert_eq!(all("Contained containing CONTAINS"), ["contain", "contain", "contain"]);
        assert_eq!(all("phishing emails"), ["phish", "email"]);
    }

    #[test]
    fn punctuation_separates_and_short_words_are_padded() {
        assert_eq!(all("evil.example.com"), ["evil", "exampl", "com"]);
        assert_eq!(all("C2 at 10.0.0.1!"), ["c2_", "at_", "10_", "0__", "0__", "1__"]);
        assert_eq!(all("--- \"\" *** ()"), Vec::<String>::new());
        assert_eq!(all("under_score"), ["under", "score"]);
    }

    #[test]
    fn long_words_are_cut() {
        let hash = "a".repeat(128);
        assert_eq!(all(&hash), ["a".repeat(TERM_MAX_CHARS)]);
    }

    #[test]
    fn the_text_stops_at_its_limit_between_terms() {
        let text = SearchText::of(std::iter::repeat_n("word ", 100_000));
        assert!(text.as_str().len() <= TEXT_MAX_BYTES);
        assert!(text.as_str().ends_with("word"));
    }
}
