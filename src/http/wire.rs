//! Wire forms shared by every resource: prefixed ids and RFC 3339 UTC times.

use std::borrow::Cow;

use chrono::{DateTime, SecondsFormat, Utc};
use poem_openapi::registry::{MetaSchema, MetaSchemaRef};
use poem_openapi::types::{ParseError, ParseFromJSON, ParseFromParameter, ParseResult, ToJSON, Type};
use serde_json::Value;
use uuid::Uuid;

use crate::ids::{
    AccountId, ApiKeyId, AttachmentId, CaseId, CommentId, DeliveryId, EventId, FieldId, LinkId, ObservableId,
    RecordId, ScanId, ServiceAccountId, SessionId, TaskId, TemplateId, WebhookId, WorkspaceId,
};

/// A record id's wire form: its prefix and the schema clients see.
pub trait Prefixed: RecordId {
    /// The prefix, with its underscore (`acct_`).
    const PREFIX: &'static str;
    /// The schema's name.
    const NAME: &'static str;
    /// What the id names, for the schema description.
    const DESCRIPTION: &'static str;
}

macro_rules! prefixed {
    ($($id:ident = ($prefix:literal, $name:literal, $description:literal);)*) => {
        $(
            impl Prefixed for $id {
                const PREFIX: &'static str = $prefix;
                const NAME: &'static str = $name;
                const DESCRIPTION: &'static str = $description;
            }
        )*
    };
}

prefixed! {
    AccountId = ("acct_", "AccountId", "An account id: `acct_` and 32 hex digits.");
    SessionId = ("ses_", "SessionId", "A session id: `ses_` and 32 hex digits.");
    WorkspaceId = ("ws_", "WorkspaceId", "A workspace id: `ws_` and 32 hex digits.");
    CaseId = ("case_", "CaseId", "A case id: `case_` and 32 hex digits.");
    CommentId = ("cmt_", "CommentId", "A comment id: `cmt_` and 32 hex digits.");
    TaskId = ("task_", "TaskId", "A task id: `task_` and 32 hex digits.");
    FieldId = ("fld_", "FieldId", "A custom field id: `fld_` and 32 hex digits.");
    ObservableId = ("obs_", "ObservableId", "An observable id: `obs_` and 32 hex digits.");
    TemplateId = ("tpl_", "CaseTemplateId", "A case template id: `tpl_` and 32 hex digits.");
    LinkId = ("link_", "CaseLinkId", "A case link id: `link_` and 32 hex digits.");
    EventId = ("evt_", "EventId", "An audit event id: `evt_` and 32 hex digits.");
    ScanId = ("scan_", "ScanId", "A scan id: `scan_` and 32 hex digits.");
    AttachmentId = ("att_", "AttachmentId", "An attachment id: `att_` and 32 hex digits.");
    ServiceAccountId = ("svc_", "ServiceAccountId", "A service account id: `svc_` and 32 hex digits.");
    ApiKeyId = ("key_", "ApiKeyId", "An API key id: `key_` and 32 hex digits.");
    WebhookId = ("whk_", "WebhookId", "A webhook id: `whk_` and 32 hex digits.");
    DeliveryId = ("dlv_", "DeliveryId", "A webhook delivery id: `dlv_` and 32 hex digits.");
}

/// A record id as clients see it: a type prefix and the UUID's 32 hex
/// digits. It carries the domain id itself, so a path parameter hands its
/// service the typed id the store binds.
#[derive(Clone, Copy)]
pub struct WireId<I>(I);

impl<I: Prefixed> WireId<I> {
    /// Wraps a domain id.
    pub fn new(id: I) -> Self {
        Self(id)
    }

    /// Parses the wire form; anything else (wrong prefix, bad digits) is `None`.
    pub fn parse(raw: &str) -> Option<Self> {
        let hex = raw.strip_prefix(I::PREFIX)?;
        if hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            return None;
        }
        Uuid::try_parse(hex).ok().map(|uuid| Self(I::from_uuid(uuid)))
    }

    /// The domain id.
    pub fn id(&self) -> I {
        self.0
    }
}

impl<I: Prefixed> From<I> for WireId<I> {
    fn from(id: I) -> Self {
        Self(id)
    }
}

/// The wire form, prefix and 32 hex digits; every other rendering (JSON,
/// `Debug`, locations) writes this.
impl<I: Prefixed> std::fmt::Display for WireId<I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", I::PREFIX, self.0.uuid().simple())
    }
}

impl<I: Prefixed> std::fmt::Debug for WireId<I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

impl<I: Prefixed> Type for WireId<I> {
    const IS_REQUIRED: bool = true;
    type RawValueType = Self;
    type RawElementValueType = Self;

    fn name() -> Cow<'static, str> {
        I::NAME.into()
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            description: Some(I::DESCRIPTION),
            pattern: Some(format!("^{}[0-9a-f]{{32}}$", I::PREFIX)),
            example: Some(Value::String(format!("{}0193a1b2c3d47e8f9a0b1c2d3e4f5a6b", I::PREFIX))),
            ..MetaSchema::new("string")
        }))
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }

    fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(self.as_raw_value().into_iter())
    }
}

impl<I: Prefixed> ToJSON for WireId<I> {
    fn to_json(&self) -> Option<Value> {
        Some(Value::String(self.to_string()))
    }
}

impl<I: Prefixed> ParseFromJSON for WireId<I> {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        match value {
            Some(Value::String(raw)) => {
                Self::parse(&raw).ok_or_else(|| ParseError::custom(format!("not a valid {} id", I::NAME)))
            }
            other => Err(ParseError::expected_type(other.unwrap_or_default())),
        }
    }
}

impl<I: Prefixed> serde::Serialize for WireId<I> {
    /// The same string as [`ToJSON`], written without building it first.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de, I: Prefixed> serde::Deserialize<'de> for WireId<I> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw)
            .ok_or_else(|| serde::de::Error::custom(format!("not a valid {} (`{}...`)", I::NAME, I::PREFIX)))
    }
}

impl<I: Prefixed> ParseFromParameter for WireId<I> {
    fn parse_from_parameter(value: &str) -> ParseResult<Self> {
        Self::parse(value).ok_or_else(|| ParseError::custom(format!("not a valid {} id", I::NAME)))
    }
}

/// Implements `From<Page<Domain>>` for a list wire type (`items` and
/// `next_cursor`), so every list handler answers with `Json(page.into())`.
macro_rules! list_from_page {
    ($list:ty, $domain:ty) => {
        impl From<$crate::services::pagination::Page<$domain>> for $list {
            fn from(page: $crate::services::pagination::Page<$domain>) -> Self {
                Self {
                    items: page.items.into_iter().map(Into::into).collect(),
                    next_cursor: page.next_cursor,
                }
            }
        }
    };
}
pub(crate) use list_from_page;

/// A point in time on the wire: RFC 3339 in UTC with `Z`, microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp(pub DateTime<Utc>);

impl Timestamp {
    /// The wire form: RFC 3339, UTC with `Z`, microseconds.
    fn render(&self) -> String {
        self.0.to_rfc3339_opts(SecondsFormat::Micros, true)
    }
}

impl Type for Timestamp {
    const IS_REQUIRED: bool = true;
    type RawValueType = Self;
    type RawElementValueType = Self;

    fn name() -> Cow<'static, str> {
        "string_date-time".into()
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            example: Some(Value::String("2026-11-21T09:30:00.123456Z".into())),
            ..MetaSchema::new_with_format("string", "date-time")
        }))
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }

    fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(self.as_raw_value().into_iter())
    }
}

impl ToJSON for Timestamp {
    fn to_json(&self) -> Option<Value> {
        Some(Value::String(self.render()))
    }
}

impl serde::Serialize for Timestamp {
    /// The same string as [`ToJSON`].
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.render())
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    /// RFC 3339 with any offset, read as UTC (as [`ParseFromJSON`]).
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        DateTime::parse_from_rfc3339(&raw)
            .map(|time| Self(time.with_timezone(&Utc)))
            .map_err(|err| serde::de::Error::custom(format!("not an RFC 3339 time: {err}")))
    }
}

impl ParseFromJSON for Timestamp {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        match value {
            Some(Value::String(raw)) => DateTime::parse_from_rfc3339(&raw)
                .map(|time| Self(time.with_timezone(&Utc)))
                .map_err(|err| ParseError::custom(err.to_string())),
            other => Err(ParseError::expected_type(other.unwrap_or_default())),
        }
    }
}

impl ParseFromParameter for Timestamp {
    /// RFC 3339 with any offset, read as UTC; also the ISO 8601 form with
    /// an offset written without its colon (`+0000`), which clients
    /// generated by openapi-generator's `python` put in query strings by
    /// default.
    fn parse_from_parameter(value: &str) -> ParseResult<Self> {
        DateTime::parse_from_rfc3339(value)
            .or_else(|err| DateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S%.f%z").map_err(|_| err))
            .map(|time| Self(time.with_timezone(&Utc)))
            .map_err(|err| ParseError::custom(format!("not an RFC 3339 time: {err}")))
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(time: DateTime<Utc>) -> Self {
        Self(time)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_their_wire_form() {
        let id = Uuid::now_v7();
        let wire = WireId::new(AccountId::from_uuid(id)).to_string();
        assert!(wire.starts_with("acct_") && wire.len() == 37, "{wire}");
        assert_eq!(WireId::<AccountId>::parse(&wire).map(|w| w.id().uuid()), Some(id));
    }

    #[test]
    fn ids_with_another_prefix_or_bad_digits_do_not_parse() {
        let hex = Uuid::now_v7().simple().to_string();
        for raw in [
            format!("ses_{hex}"),
            hex.clone(),
            format!("acct_{}", hex.to_uppercase()),
            format!("acct_{}", &hex[1..]),
            format!("acct_{hex}0"),
            "acct_".into(),
        ] {
            assert!(WireId::<AccountId>::parse(&raw).is_none(), "{raw}");
        }
    }

    #[test]
    fn timestamps_are_utc_with_z() {
        let time = DateTime::parse_from_rfc3339("2026-11-21T10:00:00.5+02:00").expect("valid");
        let json = Timestamp(time.with_timezone(&Utc)).to_json();
        assert_eq!(json, Some(Value::String("2026-11-21T08:00:00.500000Z".into())));
    }

    #[test]
    fn query_times_take_rfc_3339_and_offsets_without_a_colon() {
        let expected =
            DateTime::parse_from_rfc3339("2026-11-21T08:00:00.5Z").expect("valid").with_timezone(&Utc);
        for raw in
            ["2026-11-21T10:00:00.5+02:00", "2026-11-21T10:00:00.500000+0200", "2026-11-21T08:00:00.5Z"]
        {
            assert_eq!(Timestamp::parse_from_parameter(raw).ok().map(|t| t.0), Some(expected), "{raw}");
        }
        for raw in ["lately", "2026-11-21", "2026-11-21T10:00:00", "2026-11-21 10:00:00+0200", ""] {
            assert!(Timestamp::parse_from_parameter(raw).is_err(), "{raw}");
        }
    }
}
