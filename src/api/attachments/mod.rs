//! Evidence files on cases and scans: the two owner kinds share their wire
//! types, responses, content serving and upload form.

mod case;
mod content;
mod owner_api;
mod responses;
mod scan;
mod upload;
pub(in crate::api) mod wire;

pub use case::CaseAttachmentsApi;
pub use scan::ScanAttachmentsApi;
