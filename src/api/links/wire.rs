//! Wire types of links between cases.

use poem_openapi::Object;
use poem_openapi::types::Example;
use serde::Deserialize;

use crate::api::cases::wire::CaseStatusWire;
use crate::api::common::wire_enum;
use crate::http::actor::{ActorId, ActorKindWire};
use crate::http::wire::{Timestamp, WireId};
use crate::ids::{CaseId, LinkId, WorkspaceId};
use crate::services::links::{CaseLink, LinkType, LinkedCaseSummary, NewLink};

wire_enum!(
    /// How a case relates to the case at the other end of a link, as seen
    /// from the first; the other end sees the inverse type.
    LinkTypeWire("CaseLinkType") <=> LinkType {
        /// The two are related (seen as `relates_to` from both ends).
        RelatesTo,
        /// This case duplicates the other (which sees `duplicated_by`).
        Duplicates,
        /// The other case duplicates this one (which it sees as `duplicates`).
        DuplicatedBy,
        /// This case is the other's parent (which sees `child_of`).
        ParentOf,
        /// This case is the other's child (which sees `parent_of`).
        ChildOf,
    }
);

/// What a link shows of the case at its other end.
#[derive(Debug, Object)]
#[oai(rename = "CaseLinkedCase")]
pub struct LinkedCaseView {
    /// The case's id.
    pub id: WireId<CaseId>,
    /// Its number in the workspace.
    pub number: i32,
    /// Its summary.
    pub summary: String,
    /// Where it is in its life.
    pub status: CaseStatusWire,
}

impl From<LinkedCaseSummary> for LinkedCaseView {
    fn from(case: LinkedCaseSummary) -> Self {
        Self {
            id: WireId::new(case.id),
            number: case.number,
            summary: case.summary,
            status: case.status.into(),
        }
    }
}

/// A link between two cases, as one of them (`case_id`) sees it. The other
/// end lists the same link (same `id`) with the inverse `type`.
#[derive(Debug, Object)]
#[oai(rename = "CaseLink")]
pub struct CaseLinkView {
    /// The link's id, the same from both ends.
    pub id: WireId<LinkId>,
    /// The workspace of both cases.
    pub workspace_id: WireId<WorkspaceId>,
    /// The case the link is seen from.
    pub case_id: WireId<CaseId>,
    /// How `case_id` relates to `linked_case`.
    #[oai(rename = "type")]
    pub kind: LinkTypeWire,
    /// The case at the other end.
    pub linked_case: LinkedCaseView,
    /// Who made the link.
    pub created_by: ActorId,
    /// Whether `created_by` is a person or a service account.
    pub created_by_kind: ActorKindWire,
    /// When it was made.
    pub created_at: Timestamp,
}

impl From<CaseLink> for CaseLinkView {
    fn from(link: CaseLink) -> Self {
        Self {
            id: WireId::new(link.id),
            workspace_id: WireId::new(link.workspace_id),
            case_id: WireId::new(link.case_id),
            kind: link.kind.into(),
            linked_case: link.linked_case.into(),
            created_by: ActorId::new(link.created_by, link.created_by_kind),
            created_by_kind: link.created_by_kind.into(),
            created_at: link.created_at.into(),
        }
    }
}

/// A page of a case's links.
#[derive(Debug, Object)]
#[oai(rename = "CaseLinkList")]
pub struct CaseLinkList {
    /// The links on this page, newest first.
    pub items: Vec<CaseLinkView>,
    /// Pass as `cursor` for the next page; null on the last page.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

crate::http::wire::list_from_page!(CaseLinkList, CaseLink);

/// A link to make from the case in the path.
#[derive(Debug, Object, Deserialize)]
#[oai(rename = "CreateCaseLinkRequest", example)]
#[serde(deny_unknown_fields)]
pub struct CreateLinkRequest {
    /// How the case in the path relates to `case_id`.
    #[oai(rename = "type")]
    #[serde(rename = "type")]
    pub kind: LinkTypeWire,
    /// Another case of the same workspace.
    pub case_id: WireId<CaseId>,
}

impl Example for CreateLinkRequest {
    fn example() -> Self {
        let other = "case_0193a1b2c3d47e8f9a0b1c2d3e4f5a6b";
        Self { kind: LinkTypeWire::ParentOf, case_id: WireId::parse(other).expect("a case id") }
    }
}

impl From<CreateLinkRequest> for NewLink {
    fn from(body: CreateLinkRequest) -> Self {
        Self { kind: body.kind.into(), case_id: body.case_id.id() }
    }
}
