//! An upload form as the service reads it: parts in the order the client
//! sent them, the file's bytes as a stream. The HTTP layer adapts its
//! multipart parser to this, so the service never sees HTTP.

use std::future::Future;
use std::pin::Pin;

use tokio::io::AsyncRead;

/// One part of the form.
pub enum FormPart {
    /// The `description` text.
    Description(String),
    /// The `file`.
    File(FilePart),
    /// A part with another name (refused).
    Other(String),
}

/// The uploaded file: what the client said about it, and its bytes.
pub struct FilePart {
    /// The file name the client gave, if any.
    pub file_name: Option<String>,
    /// The media type the client declared, if any.
    pub declared_type: Option<String>,
    /// The bytes, read as they arrive.
    pub body: Pin<Box<dyn AsyncRead + Send>>,
}

/// A source of form parts. A part must be read to its end before the next
/// is asked for.
pub trait UploadForm: Send {
    /// The next part, or `None` at the end; an `Err` carries why the form
    /// could not be read.
    fn next_part(&mut self) -> impl Future<Output = Result<Option<FormPart>, String>> + Send;
}
