//! Wire types of the trash.

use poem_openapi::Object;

use crate::api::cases::wire::CaseView;
use crate::http::actor::{ActorId, ActorKindWire};
use crate::http::wire::Timestamp;
use crate::services::trash::TrashedCase;

/// A deleted case, waiting in the trash to be restored or purged.
#[derive(Debug, Object)]
#[oai(rename = "TrashedCase")]
pub struct TrashedCaseView {
    /// The case as it was when deleted.
    pub case: CaseView,
    /// When it was deleted.
    pub deleted_at: Timestamp,
    /// Who deleted it (`acct_` for a person, `svc_` for a service account).
    pub deleted_by: ActorId,
    /// Whether `deleted_by` is a person or a service account.
    pub deleted_by_kind: ActorKindWire,
    /// When the purge job deletes it for good, with everything it holds
    /// (`CASEBOOK_TRASH_RETENTION` after its deletion), unless it is
    /// restored first.
    pub purge_after: Timestamp,
}

impl From<TrashedCase> for TrashedCaseView {
    fn from(trashed: TrashedCase) -> Self {
        Self {
            case: trashed.case.into(),
            deleted_at: trashed.deleted_at.into(),
            deleted_by: ActorId::new(trashed.deleted_by.id, trashed.deleted_by.kind),
            deleted_by_kind: trashed.deleted_by.kind.into(),
            purge_after: trashed.purge_after.into(),
        }
    }
}

/// A page of the trash, most recently deleted first.
#[derive(Debug, Object)]
#[oai(rename = "TrashedCaseList")]
pub struct TrashedCaseList {
    /// The trashed cases on this page.
    pub items: Vec<TrashedCaseView>,
    /// Pass as `cursor` for the next page; null on the last page.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

crate::http::wire::list_from_page!(TrashedCaseList, TrashedCase);
