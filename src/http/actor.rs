//! The wire form of "who did it": an id that is an account's (`acct_`) for a
//! person and a service account's (`svc_`) for automation, beside a kind
//! field that generated SDKs can switch on.

use std::borrow::Cow;

use poem_openapi::Enum;
use poem_openapi::registry::{MetaSchema, MetaSchemaRef};
use poem_openapi::types::{ParseError, ParseFromJSON, ParseFromParameter, ParseResult, ToJSON, Type};
use serde_json::Value;

use super::wire::WireId;
use crate::ids::{AccountId, ServiceAccountId};
use crate::services::kernel::{Actor, ActorKind};

/// Whether a person or a service account acted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize)]
#[oai(rename = "ActorKind", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum ActorKindWire {
    /// A person, signed in with a session (the id is an `acct_` id).
    Person,
    /// A service account, using an API key (the id is a `svc_` id).
    ServiceAccount,
}

impl From<ActorKind> for ActorKindWire {
    fn from(kind: ActorKind) -> Self {
        match kind {
            ActorKind::Person => Self::Person,
            ActorKind::ServiceAccount => Self::ServiceAccount,
        }
    }
}

/// The id of whoever acted: `acct_...` for a person, `svc_...` for a
/// service account.
#[derive(Debug, Clone, Copy)]
pub struct ActorId(Actor);

impl ActorId {
    /// The wire id of an actor as a record stores it.
    pub fn new(id: AccountId, kind: ActorKind) -> Self {
        Self(Actor { id, kind })
    }

    /// Who it names.
    pub fn actor(self) -> Actor {
        self.0
    }

    /// The id as the wire shows it (`acct_...` or `sa_...`).
    pub fn render(&self) -> String {
        match self.0.kind {
            ActorKind::Person => WireId::new(self.0.id).to_string(),
            ActorKind::ServiceAccount => WireId::new(self.0.id.as_service_account()).to_string(),
        }
    }
}

impl Type for ActorId {
    const IS_REQUIRED: bool = true;
    type RawValueType = Self;
    type RawElementValueType = Self;

    fn name() -> Cow<'static, str> {
        "ActorId".into()
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            description: Some(
                "Who acted: a person's account id (`acct_` and 32 hex digits) or a service \
                 account's id (`svc_` and 32 hex digits); the `..._kind` field beside it says which.",
            ),
            pattern: Some("^(acct|svc)_[0-9a-f]{32}$".into()),
            example: Some(Value::String("acct_0193a1b2c3d47e8f9a0b1c2d3e4f5a6b".into())),
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

impl ParseFromParameter for ActorId {
    fn parse_from_parameter(value: &str) -> ParseResult<Self> {
        Self::parse_from_json(Some(Value::String(value.to_owned()))).map_err(ParseError::propagate)
    }
}

impl ToJSON for ActorId {
    fn to_json(&self) -> Option<Value> {
        Some(Value::String(self.render()))
    }
}

impl ParseFromJSON for ActorId {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        let Some(Value::String(raw)) = value else {
            return Err(ParseError::expected_type(value.unwrap_or_default()));
        };
        if let Some(person) = WireId::<AccountId>::parse(&raw) {
            return Ok(Self::new(person.id(), ActorKind::Person));
        }
        WireId::<ServiceAccountId>::parse(&raw)
            .map(|service| Self(Actor::service_account(service.id())))
            .ok_or_else(|| ParseError::custom("not a valid ActorId"))
    }
}

impl serde::Serialize for ActorId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.render())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_are_accounts_and_service_accounts_are_theirs() {
        let id = AccountId::new();
        let hex = crate::ids::RecordId::uuid(id).simple().to_string();
        assert_eq!(ActorId::new(id, ActorKind::Person).render(), format!("acct_{hex}"));
        assert_eq!(ActorId::new(id, ActorKind::ServiceAccount).render(), format!("svc_{hex}"));
    }
}
