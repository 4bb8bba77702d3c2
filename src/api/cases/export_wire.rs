//! The JSON bundle of `exportCase`: the case and everything it holds, each
//! item as the API's own list of it shows it.

use poem_openapi::Object;

use super::event_wire::EventView;
use super::wire::CaseView;
use crate::api::attachments::wire::AttachmentView;
use crate::api::comments::wire::CommentView;
use crate::api::links::wire::CaseLinkView;
use crate::api::observables::wire::ObservableView;
use crate::api::tasks::wire::TaskView;
use crate::http::wire::Timestamp;
use crate::services::export::CaseExport;

/// What the bundle is, for tools that read it back.
pub const BUNDLE_FORMAT: &str = "casebook.case-export.v1";

/// A case and everything it holds, as one JSON document.
#[derive(Debug, Object)]
#[oai(rename = "CaseExport")]
pub struct CaseExportView {
    /// The bundle's format and version: `casebook.case-export.v1`.
    pub format: String,
    /// When the bundle was made.
    pub exported_at: Timestamp,
    /// The case, as `getCase` answers it.
    pub case: CaseView,
    /// Every comment, oldest first, as `listComments` shows it.
    pub comments: Vec<CommentView>,
    /// Every task, in checklist order, as `listCaseTasks` shows it.
    pub tasks: Vec<TaskView>,
    /// Every observable, oldest first, as `listCaseObservables` shows it.
    pub observables: Vec<ObservableView>,
    /// Every link to a live case, newest first, as `listCaseLinks` shows it.
    pub links: Vec<CaseLinkView>,
    /// The whole audit trail, oldest first, as `listCaseEvents` shows it.
    pub events: Vec<EventView>,
    /// Every attachment's record (with its `sha256`, not its bytes), oldest
    /// first, as `listCaseAttachments` shows it.
    pub attachments: Vec<AttachmentView>,
}

impl From<CaseExport> for CaseExportView {
    fn from(export: CaseExport) -> Self {
        Self {
            format: BUNDLE_FORMAT.to_owned(),
            exported_at: export.exported_at.into(),
            case: export.case.into(),
            comments: export.comments.into_iter().map(Into::into).collect(),
            tasks: export.tasks.into_iter().map(Into::into).collect(),
            observables: export.observables.into_iter().map(Into::into).collect(),
            links: export.links.into_iter().map(Into::into).collect(),
            events: export.events.into_iter().map(Into::into).collect(),
            attachments: export.attachments.into_iter().map(Into::into).collect(),
        }
    }
}
