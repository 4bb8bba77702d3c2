//! Wire types of observables.

use poem_openapi::Object;
use poem_openapi::types::Example;
use serde::Deserialize;

use crate::api::common::wire_enum;
use crate::http::actor::{ActorId, ActorKindWire};
use crate::http::wire::{Timestamp, WireId};
use crate::ids::{CaseId, ObservableId, WorkspaceId};
use crate::services::observables::{
    Correlated, ObservableType, ObservableUpdate, RawNewObservable, Source, Tlp, note_on,
};

wire_enum!(
    /// What kind of fact an observable is, and so its canonical form:
    /// `ipv4`, `ipv6` (compressed), `cidr` (the network, host bits
    /// cleared), `domain` and `hostname` (lowercase, IDNA, no trailing dot),
    /// `url` (absolute; scheme and host lowercased, default port dropped),
    /// `email` (domain lowercased), `md5`, `sha1`, `sha256`, `sha512`
    /// (lowercase hex of the right length), `file_name`, `file_path`,
    /// `registry_key` (hive written out: `HKEY_LOCAL_MACHINE\…`),
    /// `user_agent`, `asn` (`AS13335`), `mac` (`aa:bb:cc:dd:ee:ff`), `port`
    /// (`address:port`, IPv6 in brackets) and `other`.
    ObservableTypeWire("ObservableType") <=> ObservableType {
        /// An IPv4 address.
        Ipv4,
        /// An IPv6 address.
        Ipv6,
        /// An IP network.
        Cidr,
        /// A domain name.
        Domain,
        /// A host's name.
        Hostname,
        /// An absolute URL.
        Url,
        /// An email address.
        Email,
        /// An MD5 digest.
        Md5,
        /// A SHA-1 digest.
        Sha1,
        /// A SHA-256 digest.
        Sha256,
        /// A SHA-512 digest.
        Sha512,
        /// A file's name.
        FileName,
        /// A file's path.
        FilePath,
        /// A Windows registry key.
        RegistryKey,
        /// An HTTP user agent.
        UserAgent,
        /// An autonomous system number.
        Asn,
        /// A MAC address.
        Mac,
        /// A service: `address:port`.
        Port,
        /// Anything else.
        Other,
    }
);

wire_enum!(
    /// Traffic Light Protocol 2.0: who may see the observable.
    TlpWire("Tlp") <=> Tlp {
        /// No limit.
        Clear,
        /// The community.
        Green,
        /// The organisation and its clients.
        Amber,
        /// The organisation only.
        AmberStrict,
        /// The people present only.
        Red,
    }
);

wire_enum!(
    /// Where an observable came from: `manual` (added through the API),
    /// `scan` (found by a scan linked to the case) or `import`.
    SourceWire("ObservableSource") <=> Source {
        /// Added through the API.
        Manual,
        /// Found by a scan.
        Scan,
        /// Imported from a list.
        Import,
    }
);

/// A fact of a case, in the canonical form of its type.
#[derive(Debug, Object)]
#[oai(rename = "Observable")]
pub struct ObservableView {
    /// The observable's id.
    pub id: WireId<ObservableId>,
    /// Its case.
    pub case_id: WireId<CaseId>,
    /// The case's workspace.
    pub workspace_id: WireId<WorkspaceId>,
    /// What kind of fact it is.
    #[oai(rename = "type")]
    pub kind: ObservableTypeWire,
    /// The value in canonical form; unique per case and type.
    pub value: String,
    /// A remark on the value's form (an IPv4-mapped IPv6 address names its
    /// IPv4 address), or null.
    #[oai(nullable)]
    pub value_note: Option<String>,
    /// Notes, in Markdown.
    pub description: String,
    /// Who may see it.
    pub tlp: TlpWire,
    /// Whether it is an indicator of compromise.
    pub is_ioc: bool,
    /// Whether it was seen in the environment.
    pub sighted: bool,
    /// Tags, lowercase, sorted.
    pub tags: Vec<String>,
    /// Where it came from.
    pub source: SourceWire,
    /// How many other cases of the workspace hold the same type and value.
    pub other_cases: i64,
    /// When it was first added.
    pub first_seen_at: Timestamp,
    /// When it was last added (again) or found.
    pub last_seen_at: Timestamp,
    /// Raised by one on every change; send it back with `PATCH`.
    pub version: i32,
    /// Who added it.
    pub created_by: ActorId,
    /// Whether `created_by` is a person or a service account.
    pub created_by_kind: ActorKindWire,
    /// When it was added.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

impl From<Correlated> for ObservableView {
    fn from(correlated: Correlated) -> Self {
        let o = correlated.observable;
        Self {
            id: WireId::new(o.id),
            case_id: WireId::new(o.case_id),
            workspace_id: WireId::new(o.workspace_id),
            kind: o.kind.into(),
            value_note: note_on(o.kind, &o.value),
            value: o.value,
            description: o.description,
            tlp: o.tlp.into(),
            is_ioc: o.is_ioc,
            sighted: o.sighted,
            tags: o.tags,
            source: o.source.into(),
            other_cases: correlated.other_cases,
            first_seen_at: o.first_seen_at.into(),
            last_seen_at: o.last_seen_at.into(),
            version: o.version,
            created_by: ActorId::new(o.created_by, o.created_by_kind),
            created_by_kind: o.created_by_kind.into(),
            created_at: o.created_at.into(),
            updated_at: o.updated_at.into(),
        }
    }
}

/// A page of observables, newest first.
#[derive(Debug, Object)]
#[oai(rename = "ObservableList")]
pub struct ObservableList {
    /// The observables on this page.
    pub items: Vec<ObservableView>,
    /// Pass as `cursor` (with the same filters) for the next page; null on the last page.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

crate::http::wire::list_from_page!(ObservableList, Correlated);

/// A new observable. Adding a value the case has already answers 200 with
/// the existing observable (its `last_seen_at` raised).
#[derive(Debug, Object, Deserialize)]
#[oai(rename = "CreateObservableRequest", example, skip_serializing_if_is_none)]
#[serde(deny_unknown_fields)]
pub struct CreateObservableRequest {
    /// What kind of fact it is.
    #[oai(rename = "type")]
    #[serde(rename = "type")]
    pub kind: ObservableTypeWire,
    /// The value, in any form its type accepts (up to 4,096 characters); it
    /// is stored in canonical form.
    #[oai(validator(min_length = 1, max_length = 4096))]
    pub value: String,
    /// Notes, Markdown, up to 10,000 characters.
    #[oai(validator(max_length = 10000))]
    pub description: Option<String>,
    /// Who may see it (default `amber`).
    pub tlp: Option<TlpWire>,
    /// Whether it is an indicator of compromise (default false).
    pub is_ioc: Option<bool>,
    /// Whether it was seen in the environment (default false).
    pub sighted: Option<bool>,
    /// Up to 20 tags, each 1 to 50 characters; lowercased.
    #[oai(validator(max_items = 20))]
    pub tags: Option<Vec<String>>,
    /// `manual` (default) or `import`; `scan` is for scans only.
    pub source: Option<SourceWire>,
}

impl Example for CreateObservableRequest {
    fn example() -> Self {
        Self {
            kind: ObservableTypeWire::Domain,
            value: "Login-Microsoft.Example.".into(),
            description: Some("The credential harvester's host.".into()),
            tlp: Some(TlpWire::Amber),
            is_ioc: Some(true),
            sighted: None,
            tags: Some(vec!["phishing".into()]),
            source: None,
        }
    }
}

/// A change to an observable (its type and value never change), with the
/// `version` it is based on.
#[derive(Debug, Object, Deserialize)]
#[oai(rename = "UpdateObservableRequest", example, skip_serializing_if_is_none)]
#[serde(deny_unknown_fields)]
pub struct UpdateObservableRequest {
    /// The observable's `version` as last read; a stale one answers 409 `VERSION_CONFLICT`.
    #[oai(validator(minimum(value = "1")))]
    pub version: i32,
    /// New notes.
    #[oai(validator(max_length = 10000))]
    pub description: Option<String>,
    /// New TLP.
    pub tlp: Option<TlpWire>,
    /// Mark or unmark as an indicator of compromise.
    pub is_ioc: Option<bool>,
    /// Mark or unmark as seen in the environment.
    pub sighted: Option<bool>,
    /// New tags, replacing the old ones.
    #[oai(validator(max_items = 20))]
    pub tags: Option<Vec<String>>,
}

impl Example for UpdateObservableRequest {
    fn example() -> Self {
        Self {
            version: 1,
            description: None,
            tlp: Some(TlpWire::Red),
            is_ioc: Some(true),
            sighted: Some(true),
            tags: None,
        }
    }
}

impl From<CreateObservableRequest> for RawNewObservable {
    fn from(body: CreateObservableRequest) -> Self {
        Self {
            kind: Some(body.kind.into()),
            value: body.value,
            description: body.description,
            tlp: body.tlp.map(Into::into),
            is_ioc: body.is_ioc,
            sighted: body.sighted,
            tags: body.tags,
            source: body.source.map(Into::into),
        }
    }
}

impl From<UpdateObservableRequest> for ObservableUpdate {
    fn from(body: UpdateObservableRequest) -> Self {
        Self {
            version: body.version,
            description: body.description,
            tlp: body.tlp.map(Into::into),
            is_ioc: body.is_ioc,
            sighted: body.sighted,
            tags: body.tags,
        }
    }
}
