//! Observables as the domain sees them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::NewObservable;
use crate::ids::{AccountId, CaseId, ObservableId, WorkspaceId};
use crate::services::cases::ranked_enum;
use crate::services::kernel::{Actor, ActorKind, Corrupt};
use crate::store::observables::ObservableRow;

ranked_enum!(
    /// What kind of fact an observable is.
    ObservableType {
        /// An IPv4 address.
        Ipv4 = (1, "ipv4"),
        /// An IPv6 address.
        Ipv6 = (2, "ipv6"),
        /// An IP network.
        Cidr = (3, "cidr"),
        /// A domain name.
        Domain = (4, "domain"),
        /// A host's name.
        Hostname = (5, "hostname"),
        /// An absolute URL.
        Url = (6, "url"),
        /// An email address.
        Email = (7, "email"),
        /// An MD5 digest.
        Md5 = (8, "md5"),
        /// A SHA-1 digest.
        Sha1 = (9, "sha1"),
        /// A SHA-256 digest.
        Sha256 = (10, "sha256"),
        /// A SHA-512 digest.
        Sha512 = (11, "sha512"),
        /// A file's name.
        FileName = (12, "file_name"),
        /// A file's path.
        FilePath = (13, "file_path"),
        /// A Windows registry key.
        RegistryKey = (14, "registry_key"),
        /// An HTTP user agent.
        UserAgent = (15, "user_agent"),
        /// An autonomous system number.
        Asn = (16, "asn"),
        /// A MAC address.
        Mac = (17, "mac"),
        /// A service: `address:port`.
        Port = (18, "port"),
        /// Anything else.
        Other = (19, "other"),
    }
);

ranked_enum!(
    /// Traffic Light Protocol 2.0: who may see it.
    Tlp {
        /// No limit.
        Clear = (1, "clear"),
        /// The community.
        Green = (2, "green"),
        /// The organisation and its clients.
        Amber = (3, "amber"),
        /// The organisation only.
        AmberStrict = (4, "amber_strict"),
        /// The people present only.
        Red = (5, "red"),
    }
);

ranked_enum!(
    /// Where an observable came from.
    Source {
        /// A person or a client added it.
        Manual = (1, "manual"),
        /// A scan of a host found it.
        Scan = (2, "scan"),
        /// An import of a list.
        Import = (3, "import"),
    }
);

/// A fact of a case: an address, a name, a hash... in canonical form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observable {
    /// Id.
    pub id: ObservableId,
    /// Its workspace.
    pub workspace_id: WorkspaceId,
    /// Its case.
    pub case_id: CaseId,
    /// Its type.
    pub kind: ObservableType,
    /// The canonical value.
    pub value: String,
    /// Markdown notes.
    pub description: String,
    /// Who may see it.
    pub tlp: Tlp,
    /// Whether it is an indicator of compromise.
    pub is_ioc: bool,
    /// Whether it was seen in the environment.
    pub sighted: bool,
    /// Tags, sorted.
    pub tags: Vec<String>,
    /// Where it came from.
    pub source: Source,
    /// When it was first added.
    pub first_seen_at: DateTime<Utc>,
    /// When it was last added or found again.
    pub last_seen_at: DateTime<Utc>,
    /// Optimistic-concurrency version.
    pub version: i32,
    /// Who added it.
    pub created_by: AccountId,
    /// Whether a person or a service account.
    pub created_by_kind: ActorKind,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl Observable {
    /// A new observable of `case` as `request` asks, added by `actor` at `at`.
    pub(super) fn new(
        id: ObservableId,
        workspace_id: WorkspaceId,
        case_id: CaseId,
        request: &NewObservable,
        actor: Actor,
        at: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            workspace_id,
            case_id,
            kind: request.kind,
            value: request.value.clone(),
            description: request.description.clone(),
            tlp: request.tlp,
            is_ioc: request.is_ioc,
            sighted: request.sighted,
            tags: request.tags.clone(),
            source: request.source,
            first_seen_at: at,
            last_seen_at: at,
            version: 1,
            created_by: actor.id,
            created_by_kind: actor.kind,
            created_at: at,
            updated_at: at,
        }
    }

    /// The stored row.
    pub(super) fn to_row(&self) -> ObservableRow {
        ObservableRow {
            id: self.id,
            workspace_id: self.workspace_id,
            case_id: self.case_id,
            kind: self.kind.as_str().to_owned(),
            value: self.value.clone(),
            value_key: super::value_key(&self.value),
            description: self.description.clone(),
            tlp: self.tlp.as_str().to_owned(),
            is_ioc: self.is_ioc,
            sighted: self.sighted,
            tags: serde_json::to_string(&self.tags).unwrap_or_else(|_| "[]".into()),
            source: self.source.as_str().to_owned(),
            first_seen_at: self.first_seen_at.into(),
            last_seen_at: self.last_seen_at.into(),
            version: self.version,
            created_by: self.created_by,
            created_by_kind: self.created_by_kind.as_str().to_owned(),
            created_at: self.created_at.into(),
            updated_at: self.updated_at.into(),
        }
    }
}

impl TryFrom<ObservableRow> for Observable {
    type Error = Corrupt;

    fn try_from(row: ObservableRow) -> Result<Self, Corrupt> {
        let corrupt = |what: &str| Corrupt(format!("observable {}: {what}", row.id));
        Ok(Self {
            id: row.id,
            workspace_id: row.workspace_id,
            case_id: row.case_id,
            kind: ObservableType::from_name(&row.kind).ok_or_else(|| corrupt("unknown type"))?,
            tlp: Tlp::from_name(&row.tlp).ok_or_else(|| corrupt("unknown tlp"))?,
            source: Source::from_name(&row.source).ok_or_else(|| corrupt("unknown source"))?,
            tags: serde_json::from_str(&row.tags).map_err(|_| corrupt("unreadable tags"))?,
            value: row.value,
            description: row.description,
            is_ioc: row.is_ioc,
            sighted: row.sighted,
            first_seen_at: row.first_seen_at.into(),
            last_seen_at: row.last_seen_at.into(),
            version: row.version,
            created_by: row.created_by,
            created_by_kind: ActorKind::from_stored(&row.created_by_kind),
            created_at: row.created_at.into(),
            updated_at: row.updated_at.into(),
        })
    }
}
