//! Cases: the incidents a workspace tracks, their filters and sorts, and the
//! audit trail written in the same transaction as every change.

mod bulk;
mod bulk_input;
mod comments;
mod custom_values;
mod error;
mod events;
mod from_template;
mod input;
mod list;
mod merge;
mod merge_content;
mod model;
mod query;
mod service;

pub use bulk::{BulkAnswer, BulkOutcome, ItemFailure};
pub use bulk_input::{BulkChange, BulkTarget, BulkUpdate, MAX_BULK_ITEMS, RawBulkUpdate, checked_targets};
pub use comments::{Comment, CommentBody, CommentEdit};
pub use error::CaseError;
pub use events::{CaseEvent, EventKind, scan_finished_event};
pub use input::{
    CaseUpdate, DESCRIPTION_MAX_CHARS, NewCase, Nullable, RawCaseUpdate, RawNewCase, SUMMARY_MAX_CHARS,
};
pub use merge::{MergeAnswer, MergeRequest, Merged};
pub use merge_content::Moved;
pub(crate) use model::ranked_enum;
pub use model::{Case, CaseStatus, Priority, Severity};
pub use query::{AssigneeFilter, CaseQuery, CaseSort, RawCaseQuery, SortOrder, overdue_now};
pub use service::CaseService;
