//! Evidence attachments on cases and scans: uploads streamed into the
//! evidence store, judged by their content, kept once per SHA-256, and
//! recorded only after their bytes are safely stored.

mod content;
mod error;
mod file_name;
mod form;
mod model;
mod range;
mod service;
mod staging;

pub use content::{AllowedTypes, DEFAULT_ALLOWED as DEFAULT_ALLOWED_TYPES, MediaType};
pub use error::AttachmentError;
pub use file_name::FileName;
pub use form::{FilePart, FormPart, UploadForm};
pub use model::{Attachment, AttachmentSettings, Download, Owner};
pub use range::RequestedRange;
pub use service::AttachmentService;
