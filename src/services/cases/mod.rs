//! Cases: the incidents a workspace tracks, their filters and sorts, and the
//! audit trail written in the same transaction as every change.

mod comments;
mod error;
mod events;
mod input;
mod list;
mod model;
mod service;

pub use comments::{Comment, CommentBody, CommentEdit};
pub use error::CaseError;
pub use events::{CaseEvent, EventKind, scan_finished_event};
pub use input::{
    AssigneeFilter, CaseQuery, CaseSort, CaseUpdate, NewCase, Nullable, RawCaseQuery, RawCaseUpdate,
    RawNewCase, SortOrder,
};
pub use model::{Case, CaseStatus, Priority, Severity};
pub use service::CaseService;
