//! Link domain types: the types of link, and a link as one end sees it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{AccountId, CaseId, LinkId, WorkspaceId};
use crate::services::cases::{CaseStatus, ranked_enum};
use crate::services::kernel::{ActorKind, Corrupt};
use crate::store::case_links::{LinkRow, LinkedCase};

ranked_enum!(
    /// How a case relates to the case at the other end of a link, as seen
    /// from the first (the other end sees the inverse).
    LinkType {
        /// The two are related (the inverse is `relates_to` too).
        RelatesTo = (1, "relates_to"),
        /// This case duplicates the other (inverse: `duplicated_by`).
        Duplicates = (2, "duplicates"),
        /// The other case duplicates this one (inverse: `duplicates`).
        DuplicatedBy = (3, "duplicated_by"),
        /// This case is the other's parent (inverse: `child_of`).
        ParentOf = (4, "parent_of"),
        /// This case is the other's child (inverse: `parent_of`).
        ChildOf = (5, "child_of"),
    }
);

impl LinkType {
    /// The type as the other end sees it.
    pub fn inverse(self) -> Self {
        match self {
            Self::RelatesTo => Self::RelatesTo,
            Self::Duplicates => Self::DuplicatedBy,
            Self::DuplicatedBy => Self::Duplicates,
            Self::ParentOf => Self::ChildOf,
            Self::ChildOf => Self::ParentOf,
        }
    }

    /// For a link of this type from `this` to `other`: the parent and
    /// the child, when it makes one.
    pub fn parent_and_child(self, this: CaseId, other: CaseId) -> Option<(CaseId, CaseId)> {
        match self {
            Self::ParentOf => Some((this, other)),
            Self::ChildOf => Some((other, this)),
            _ => None,
        }
    }
}

/// A link to make: its type as seen from the case it is made on, and the
/// case at its other end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewLink {
    /// The type, from the case the link is made on.
    pub kind: LinkType,
    /// The other case.
    pub case_id: CaseId,
}

/// What a link shows of the case at its other end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedCaseSummary {
    /// The case.
    pub id: CaseId,
    /// Its number in the workspace.
    pub number: i32,
    /// Its summary.
    pub summary: String,
    /// Its status.
    pub status: CaseStatus,
}

impl TryFrom<LinkedCase> for LinkedCaseSummary {
    type Error = Corrupt;

    fn try_from(case: LinkedCase) -> Result<Self, Corrupt> {
        let status = CaseStatus::from_name(&case.status)
            .ok_or_else(|| Corrupt(format!("case {}: unknown status", case.id)))?;
        Ok(Self { id: case.id, number: case.number, summary: case.summary, status })
    }
}

/// A link between two cases, as one of them (`case_id`) sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseLink {
    /// Id (the same from both ends).
    pub id: LinkId,
    /// The workspace of both cases.
    pub workspace_id: WorkspaceId,
    /// The case it is seen from.
    pub case_id: CaseId,
    /// The type, as seen from `case_id`.
    pub kind: LinkType,
    /// The case at the other end.
    pub linked_case: LinkedCaseSummary,
    /// Who made it.
    pub created_by: AccountId,
    /// Whether a person or a service account.
    pub created_by_kind: ActorKind,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl CaseLink {
    /// The stored link, seen from `case` (one of its ends), with `linked`
    /// (the other end).
    pub(super) fn seen_from(row: LinkRow, case: CaseId, linked: LinkedCaseSummary) -> Result<Self, Corrupt> {
        let stored = LinkType::from_name(&row.kind)
            .ok_or_else(|| Corrupt(format!("case link {}: unknown type", row.id)))?;
        let kind = if case == row.low_case_id { stored } else { stored.inverse() };
        Ok(Self {
            id: row.id,
            workspace_id: row.workspace_id,
            case_id: case,
            kind,
            linked_case: linked,
            created_by: row.created_by,
            created_by_kind: ActorKind::from_stored(&row.created_by_kind),
            created_at: row.created_at.into(),
        })
    }

    /// The id of the case at the other end of `row` from `case`.
    pub(super) fn other_end(row: &LinkRow, case: CaseId) -> CaseId {
        if row.low_case_id == case { row.high_case_id } else { row.low_case_id }
    }

    /// The same link seen from the other end, which sees `this` (the
    /// case this one is seen from).
    pub(super) fn inverse(&self, this: LinkedCaseSummary) -> Self {
        Self { case_id: self.linked_case.id, kind: self.kind.inverse(), linked_case: this, ..self.clone() }
    }

    /// The stored row.
    pub(super) fn to_row(&self) -> LinkRow {
        let (low, high) = (self.case_id.min(self.linked_case.id), self.case_id.max(self.linked_case.id));
        let kind = if low == self.case_id { self.kind } else { self.kind.inverse() };
        LinkRow {
            id: self.id,
            workspace_id: self.workspace_id,
            low_case_id: low,
            high_case_id: high,
            kind: kind.as_str().to_owned(),
            created_by: self.created_by,
            created_by_kind: self.created_by_kind.as_str().to_owned(),
            created_at: self.created_at.into(),
        }
    }
}

impl crate::services::outbox::Subject for CaseLink {
    fn case_id(&self) -> Option<CaseId> {
        Some(self.case_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_type_is_the_inverse_of_its_inverse() {
        for kind in LinkType::ALL {
            assert_eq!(kind.inverse().inverse(), *kind);
        }
        assert_eq!(LinkType::ParentOf.inverse(), LinkType::ChildOf);
        assert_eq!(LinkType::Duplicates.inverse(), LinkType::DuplicatedBy);
    }

    #[test]
    fn a_link_is_stored_from_its_low_end_and_read_back_from_either() {
        let (one, other) = (CaseId::new(), CaseId::new());
        let (a, b) = (one.min(other), one.max(other));
        let summary = |id| LinkedCaseSummary { id, number: 1, summary: "s".into(), status: CaseStatus::New };
        let link = CaseLink {
            id: LinkId::new(),
            workspace_id: WorkspaceId::new(),
            case_id: b,
            kind: LinkType::ChildOf,
            linked_case: summary(a),
            created_by: AccountId::new(),
            created_by_kind: ActorKind::Person,
            created_at: DateTime::from_timestamp(1_800_000_000, 0).expect("time"),
        };
        let row = link.to_row();
        assert_eq!((row.low_case_id, row.high_case_id, row.kind.as_str()), (a, b, "parent_of"));
        let from_a = CaseLink::seen_from(row.clone(), a, summary(b)).expect("link");
        assert_eq!(from_a.kind, LinkType::ParentOf);
        assert_eq!(from_a, link.inverse(summary(b)));
        assert_eq!(CaseLink::seen_from(row, b, summary(a)).expect("link"), link);
    }
}
