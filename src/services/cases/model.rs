//! Case domain types.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ids::{AccountId, CaseId, TemplateId, WorkspaceId};
use crate::services::kernel::{ActorKind, Corrupt};
use crate::store::cases::CaseRow;

macro_rules! ranked_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = ($rank:literal, $text:literal),)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
        }

        impl $name {
            /// Every value, in rank order.
            pub const ALL: &'static [Self] = &[$(Self::$variant,)*];

            /// The stored and wire name.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text,)* }
            }

            /// The stored rank (sort order).
            pub fn rank(self) -> i32 {
                match self { $(Self::$variant => $rank,)* }
            }

            /// From a stored rank.
            pub fn from_rank(rank: i32) -> Option<Self> {
                match rank { $($rank => Some(Self::$variant),)* _ => None }
            }

            /// From a stored name.
            pub fn from_name(name: &str) -> Option<Self> {
                match name { $($text => Some(Self::$variant),)* _ => None }
            }
        }
    };
}
pub(crate) use ranked_enum;

ranked_enum!(
    /// Where a case is in its life.
    CaseStatus {
        /// Just reported.
        New = (1, "new"),
        /// Being worked on.
        InProgress = (2, "in_progress"),
        /// Waiting on something.
        OnHold = (3, "on_hold"),
        /// Fixed; awaiting closure.
        Resolved = (4, "resolved"),
        /// Done.
        Closed = (5, "closed"),
    }
);

ranked_enum!(
    /// How urgently a case needs work.
    Priority {
        /// Whenever there is time.
        Low = (1, "low"),
        /// Soon.
        Medium = (2, "medium"),
        /// Before other work.
        High = (3, "high"),
        /// Now.
        Critical = (4, "critical"),
    }
);

ranked_enum!(
    /// How much harm the incident does.
    Severity {
        /// No harm; for the record.
        Informational = (1, "informational"),
        /// Little harm.
        Low = (2, "low"),
        /// Some harm.
        Medium = (3, "medium"),
        /// Serious harm.
        High = (4, "high"),
        /// Grave harm.
        Critical = (5, "critical"),
    }
);

/// A case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    /// Id.
    pub id: CaseId,
    /// Its workspace.
    pub workspace_id: WorkspaceId,
    /// Number in the workspace (shown as `CASE-<number>`).
    pub number: i32,
    /// One-line summary.
    pub summary: String,
    /// Markdown description.
    pub description: String,
    /// Status.
    pub status: CaseStatus,
    /// Priority.
    pub priority: Priority,
    /// Severity.
    pub severity: Severity,
    /// Assigned member.
    pub assignee_id: Option<AccountId>,
    /// Tags, sorted.
    pub tags: Vec<String>,
    /// Optimistic-concurrency version.
    pub version: i32,
    /// Creator.
    pub created_by: AccountId,
    /// Whether a person or a service account.
    #[serde(default)]
    pub created_by_kind: ActorKind,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// When it was resolved (set by status changes).
    pub resolved_at: Option<DateTime<Utc>>,
    /// When it was closed (set by status changes).
    pub closed_at: Option<DateTime<Utc>>,
    /// When it is due, if it has a due time.
    #[serde(default)]
    pub due_at: Option<DateTime<Utc>>,
    /// Custom field values in canonical form, by field key.
    #[serde(default)]
    pub custom_fields: BTreeMap<String, Value>,
    /// The template it was opened from, if any (kept when the template is
    /// deleted).
    #[serde(default)]
    pub template_id: Option<TemplateId>,
    /// The case this one was merged into (it is then closed), if any.
    #[serde(default)]
    pub merged_into: Option<CaseId>,
}

/// A stored case is read strictly: an unknown status, rank or tag list is
/// a corrupt record (a 500 with the cause logged), never a silent default.
impl TryFrom<CaseRow> for Case {
    type Error = Corrupt;

    fn try_from(row: CaseRow) -> Result<Self, Corrupt> {
        let corrupt = |what: &str| Corrupt(format!("case {}: {what}", row.id));
        let status = CaseStatus::from_name(&row.status).ok_or_else(|| corrupt("unknown status"))?;
        let priority = Priority::from_rank(row.priority).ok_or_else(|| corrupt("unknown priority"))?;
        let severity = Severity::from_rank(row.severity).ok_or_else(|| corrupt("unknown severity"))?;
        let tags = serde_json::from_str(&row.tags).map_err(|_| corrupt("unreadable tags"))?;
        let custom_fields =
            serde_json::from_str(&row.custom_fields).map_err(|_| corrupt("unreadable custom fields"))?;
        Ok(Self {
            id: row.id,
            workspace_id: row.workspace_id,
            number: row.number,
            summary: row.summary,
            description: row.description,
            status,
            priority,
            severity,
            assignee_id: row.assignee_id,
            tags,
            version: row.version,
            created_by: row.created_by,
            created_by_kind: ActorKind::from_stored(&row.created_by_kind),
            created_at: row.created_at.into(),
            updated_at: row.updated_at.into(),
            resolved_at: row.resolved_at.map(Into::into),
            closed_at: row.closed_at.map(Into::into),
            due_at: row.due_at.map(Into::into),
            custom_fields,
            template_id: row.template_id,
            merged_into: row.merged_into,
        })
    }
}

impl CaseStatus {
    /// Resolved and closed cases are finished: never overdue.
    pub fn is_finished(self) -> bool {
        matches!(self, Self::Resolved | Self::Closed)
    }
}

impl Case {
    /// The stored row of this case.
    pub(super) fn to_row(&self) -> CaseRow {
        CaseRow {
            id: self.id,
            workspace_id: self.workspace_id,
            number: self.number,
            summary: self.summary.clone(),
            description: self.description.clone(),
            status: self.status.as_str().to_owned(),
            priority: self.priority.rank(),
            severity: self.severity.rank(),
            assignee_id: self.assignee_id,
            tags: serde_json::to_string(&self.tags).unwrap_or_else(|_| "[]".into()),
            version: self.version,
            created_by: self.created_by,
            created_by_kind: self.created_by_kind.as_str().to_owned(),
            created_at: self.created_at.into(),
            updated_at: self.updated_at.into(),
            resolved_at: self.resolved_at.map(Into::into),
            closed_at: self.closed_at.map(Into::into),
            due_at: self.due_at.map(Into::into),
            custom_fields: serde_json::to_string(&self.custom_fields).unwrap_or_else(|_| "{}".into()),
            template_id: self.template_id,
            merged_into: self.merged_into,
        }
    }
}

impl crate::services::outbox::Subject for Case {
    fn case_id(&self) -> Option<crate::ids::CaseId> {
        Some(self.id)
    }

    fn searched(&self) -> Vec<&str> {
        vec![&self.summary, &self.description]
    }
}
