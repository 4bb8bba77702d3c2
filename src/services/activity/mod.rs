//! The workspace activity feed: every recorded change of a workspace (the
//! events the outbox writes with each change), newest first, filtered by
//! what it concerns, who acted and when. Members read it; events about
//! resources only admins may read (service accounts, API keys, webhooks)
//! are shown to admins alone.

mod live;
mod stream;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::ids::{AccountId, CaseId, EventId, WorkspaceId};
use crate::services::kernel::{Access, Actor, ActorKind, Failure, Role};
use crate::services::outbox::{EventType, Outbox, PING, ResourceType};
use crate::services::pagination::{Page, PageRequest};
use crate::services::validation::ValidationErrors;
use crate::store::Store;
use crate::store::activity::{self, FeedQuery};
use crate::store::outbox::WorkspaceEventRow;

/// Which events to list; empty lists mean "any".
#[derive(Debug, Clone, Default)]
pub struct FeedFilter {
    /// Only events about these kinds of resource.
    pub resource_types: Vec<ResourceType>,
    /// Only events of these types (`*` among them: any).
    pub kinds: Vec<EventType>,
    /// Only events by this actor.
    pub actor: Option<AccountId>,
    /// Only events about this case or what belongs to it.
    pub case: Option<CaseId>,
    /// Only events at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Only events before this time.
    pub until: Option<DateTime<Utc>>,
}

/// One event of the feed.
#[derive(Debug, Clone)]
pub struct WorkspaceEvent {
    /// Its id (the `id` of the webhook envelope that carried it).
    pub id: EventId,
    /// Its place in the workspace's commit order.
    pub seq: i64,
    /// Its type (`case.updated`...).
    pub kind: String,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// Who acted; `None` when the server did.
    pub actor: Option<Actor>,
    /// The kind of resource it concerns.
    pub resource_type: ResourceType,
    /// The case that resource belongs to, if any.
    pub case_id: Option<CaseId>,
    /// The resource as the API returned it after the change (before it,
    /// for a deletion), as the JSON text stored with the event: the feed
    /// writes it out as it is, never parsed into a tree.
    pub data: Box<RawValue>,
    /// For an update, the fields that changed.
    pub changes: Option<Vec<FieldChange>>,
}

/// One changed field of an update.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct FieldChange {
    /// The field's name as the API writes it (`status`; a field of an
    /// object field with a dot: `custom_fields.team`).
    pub field: String,
    /// Its value before.
    pub old: Value,
    /// Its value after.
    pub new: Value,
}

/// Reads workspaces' activity, listed and live.
pub struct ActivityService {
    access: Access,
    store: Store,
    live: Arc<live::Live>,
}

impl ActivityService {
    /// A service whose work starts from `access`'s workspace scope, whose
    /// live streams read `store` when `outbox`'s bells ring.
    pub fn new(access: Access, store: Store, outbox: Outbox) -> Self {
        Self { access, store: store.clone(), live: Arc::new(live::Live::new(store, outbox)) }
    }

    /// Ends every live stream (the server is shutting down).
    pub fn close(&self) {
        self.live.close();
    }

    /// A page of the workspace's events, newest first (any member; only
    /// admins see events about admin-only resources).
    pub async fn list(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        filter: FeedFilter,
        page: PageRequest<i64>,
    ) -> Result<Page<WorkspaceEvent>, Failure> {
        let mut scope = self.access.reading(caller, workspace, Role::Viewer).await?;
        if let (Some(since), Some(until)) = (filter.since, filter.until)
            && since >= until
        {
            return Err(ValidationErrors::single("before", "must be later than `after`").into());
        }
        let query = feed_query(filter, scope.role);
        let rows = activity::page(&mut scope.db(), workspace, &query, page.after, page.fetch()).await?;
        let events = rows.into_iter().map(WorkspaceEvent::try_from).collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_rows(events, page.limit, |event| event.seq))
    }
}

impl FeedFilter {
    /// Whether a reader with `role` sees `event` and the filter selects it
    /// (its time bounds aside: a live stream has none).
    pub fn shows(&self, event: &WorkspaceEvent, role: Role) -> bool {
        let kind = |k: &EventType| *k == EventType::All || k.as_str() == event.kind;
        event.kind != PING
            && (role == Role::Admin || !event.resource_type.admins_only())
            && (self.resource_types.is_empty() || self.resource_types.contains(&event.resource_type))
            && (self.kinds.is_empty() || self.kinds.iter().any(kind))
            && self.actor.is_none_or(|actor| event.actor.is_some_and(|a| a.id == actor))
            && self.case.is_none_or(|case| event.case_id == Some(case))
    }
}

/// The store's query for `filter` read by someone with `role`.
fn feed_query(filter: FeedFilter, role: Role) -> FeedQuery {
    let hidden_types = match role {
        Role::Admin => Vec::new(),
        _ => ResourceType::ALL.iter().filter(|t| t.admins_only()).map(|t| t.as_str().to_owned()).collect(),
    };
    let kinds = match filter.kinds.contains(&EventType::All) {
        true => Vec::new(),
        false => filter.kinds.iter().map(|kind| kind.as_str().to_owned()).collect(),
    };
    FeedQuery {
        resource_types: filter.resource_types.iter().map(|t| t.as_str().to_owned()).collect(),
        hidden_types,
        kinds,
        // A ping tests one subscription; it changes nothing.
        hidden_kinds: vec![PING.to_owned()],
        actor: filter.actor,
        case: filter.case,
        since: filter.since.map(Into::into),
        until: filter.until.map(Into::into),
    }
}

/// What the feed reads of a stored envelope; the rest (its id, type,
/// time and actor) are columns of their own.
#[derive(serde::Deserialize)]
struct StoredEnvelope {
    data: Box<RawValue>,
    #[serde(default)]
    changes: Option<Vec<FieldChange>>,
}

impl TryFrom<WorkspaceEventRow> for WorkspaceEvent {
    type Error = Failure;

    fn try_from(row: WorkspaceEventRow) -> Result<Self, Failure> {
        let envelope: StoredEnvelope = serde_json::from_str(&row.data)
            .map_err(|err| Failure::corrupt(format!("workspace event {}: {err}", row.id)))?;
        let actor = match row.actor_kind.as_str() {
            "server" => None,
            kind => Some(Actor { id: row.actor_id, kind: ActorKind::from_stored(kind) }),
        };
        Ok(Self {
            id: row.id,
            seq: row.seq,
            kind: row.kind,
            created_at: row.created_at.into(),
            actor,
            resource_type: ResourceType::from_name(&row.resource_type)
                .ok_or_else(|| Failure::corrupt(format!("workspace event {}: resource type", row.id)))?,
            case_id: row.case_id,
            data: envelope.data,
            changes: envelope.changes,
        })
    }
}
