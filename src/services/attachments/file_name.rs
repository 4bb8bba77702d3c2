//! File names as uploaded: kept for display only, never used as a path.

/// Longest file name kept, in characters.
const MAX_CHARS: usize = 255;

/// A file name safe to show and to put in a `Content-Disposition` header:
/// no directories, no control characters, at most 255 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileName(String);

impl FileName {
    /// Cleans a client-supplied name; an empty or missing one becomes
    /// `attachment`.
    pub fn clean(raw: Option<&str>) -> Self {
        let raw = raw.unwrap_or_default();
        let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
        let cleaned: String = last.chars().filter(|c| !c.is_control()).take(MAX_CHARS).collect();
        let trimmed = cleaned.trim().trim_start_matches('.');
        if trimmed.is_empty() { Self("attachment".into()) } else { Self(trimmed.to_owned()) }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::FileName;

    #[test]
    fn directories_and_control_characters_are_dropped() {
        assert_eq!(FileName::clean(Some("../../etc/passwd")).as_str(), "passwd");
        assert_eq!(FileName::clean(Some("..\\..\\boot.ini")).as_str(), "boot.ini");
        assert_eq!(FileName::clean(Some("a\r\nb.txt")).as_str(), "ab.txt");
        assert_eq!(FileName::clean(Some("..")).as_str(), "attachment");
        assert_eq!(FileName::clean(Some("/")).as_str(), "attachment");
        assert_eq!(FileName::clean(None).as_str(), "attachment");
        assert_eq!(FileName::clean(Some(".bashrc")).as_str(), "bashrc");
        assert_eq!(FileName::clean(Some(&"x".repeat(400))).as_str().len(), 255);
    }
}
