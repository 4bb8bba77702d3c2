//! The query language of `q`, as users know it from search engines: words
//! (all must match), `"a phrase"` (its words side by side, in order), and
//! `-word` or `-"a phrase"` to leave out what has it. Every input means
//! something: a quote left open runs to the end, and characters that are
//! neither letters nor digits only separate words. A word such as
//! `evil.example.com` is a phrase of its parts.

use super::analyzer::terms;
use crate::store::search::TextMatch;

/// Most phrases (words included) a query may hold.
pub const CLAUSES_MAX: usize = 16;

/// Why a query cannot be run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryError {
    /// It has no word to look for (empty, punctuation, or exclusions only).
    NothingToFind,
    /// It has more than [`CLAUSES_MAX`] words and phrases.
    TooManyClauses,
}

impl QueryError {
    /// What a client is told.
    pub fn message(self) -> String {
        match self {
            Self::NothingToFind => {
                "must contain a word to look for; `-word` only leaves cases out".to_owned()
            }
            Self::TooManyClauses => format!("must hold at most {CLAUSES_MAX} words and phrases"),
        }
    }
}

/// Parses `q` into what the index looks for.
pub fn parse(q: &str) -> Result<TextMatch, QueryError> {
    let mut query = TextMatch { include: Vec::new(), exclude: Vec::new() };
    let mut rest = q;
    loop {
        rest = rest.trim_start();
        let Some(first) = rest.chars().next() else { break };
        let excluded = first == '-';
        if excluded {
            rest = &rest[1..];
        }
        let (chunk, after) = match rest.strip_prefix('"') {
            Some(quoted) => quoted.split_once('"').unwrap_or((quoted, "")),
            None => rest.split_once(char::is_whitespace).unwrap_or((rest, "")),
        };
        rest = after;
        let phrase: Vec<String> = terms(chunk).collect();
        if phrase.is_empty() {
            continue;
        }
        match excluded {
            true => query.exclude.push(phrase),
            false => query.include.push(phrase),
        }
    }
    if query.include.len() + query.exclude.len() > CLAUSES_MAX {
        return Err(QueryError::TooManyClauses);
    }
    if query.include.is_empty() {
        return Err(QueryError::NothingToFind);
    }
    Ok(query)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrases(words: &[&[&str]]) -> Vec<Vec<String>> {
        words.iter().map(|p| p.iter().map(|w| (*w).to_owned()).collect()).collect()
    }

    #[test]
    fn words_phrases_and_exclusions() {
        let query = parse(r#"Phishing "wire transfer" -test -"dry run""#).expect("valid");
        assert_eq!(query.include, phrases(&[&["phish"], &["wire", "transfer"]]));
        assert_eq!(query.exclude, phrases(&[&["test"], &["dri", "run"]]));
    }

    #[test]
    fn a_dotted_word_is_a_phrase_and_an_open_quote_runs_to_the_end() {
        let query = parse(r#"evil.example.com "lateral movement"#).expect("valid");
        assert_eq!(query.include, phrases(&[&["evil", "exampl", "com"], &["later", "movement"]]));
    }

    #[test]
    fn metacharacters_are_separators_not_syntax() {
        for q in [r#"a AND (b OR c*) NOT "d"#, "'; DROP TABLE cases; --", "^~:*()[]{}<->&|!", "-- -"] {
            let parsed = parse(q);
            assert!(matches!(parsed, Ok(_) | Err(QueryError::NothingToFind)), "{q}: {parsed:?}");
        }
        assert_eq!(parse("*** ---"), Err(QueryError::NothingToFind));
        assert_eq!(parse("-only -exclusions"), Err(QueryError::NothingToFind));
        assert_eq!(parse(&"w ".repeat(17)), Err(QueryError::TooManyClauses));
    }
}
