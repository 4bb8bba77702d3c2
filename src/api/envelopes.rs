//! Webhook envelopes as deliveries carry them: the event's id, type, time,
//! workspace and actor, and the resource as the API returns it (the same
//! wire types as the resource's own endpoints). Given to the outbox at
//! startup, so services record events without knowing the wire.

use std::any::Any;

use poem_openapi::types::ToJSON;
use serde_json::{Value, json};

use super::attachments::wire::AttachmentView;
use super::cases::wire::CaseView;
use super::comments::wire::CommentView;
use super::fields::wire::FieldView;
use super::links::wire::CaseLinkView;
use super::members::wire::MemberView;
use super::observables::wire::ObservableView;
use super::scans::wire::ScanView;
use super::service_accounts::wire::{ApiKeyView, ServiceAccountView};
use super::tasks::wire::TaskView;
use super::templates::wire::TemplateView;
use super::webhooks::wire::WebhookView;
use super::workspaces::wire::WorkspaceView;
use crate::http::actor::ActorId;
use crate::http::wire::WireId;
use crate::ids::DeliveryId;
use crate::services::attachments::Attachment;
use crate::services::cases::{Case, Comment};
use crate::services::fields::FieldDefinition;
use crate::services::links::CaseLink;
use crate::services::observables::Correlated;
use crate::services::outbox::{Envelope, Render};
use crate::services::scans::Scan;
use crate::services::service_accounts::{ApiKey, ServiceAccount};
use crate::services::tasks::Task;
use crate::services::templates::CaseTemplate;
use crate::services::webhooks::Webhook;
use crate::services::workspaces::{Member, Workspace};

/// Renders envelopes with the API's wire types.
pub struct WireEnvelopes;

impl Render for WireEnvelopes {
    fn resource(&self, value: &(dyn Any + Send + Sync)) -> Value {
        resource(value)
    }

    fn envelope(&self, event: &Envelope<'_>) -> String {
        let actor = event.actor.map(|actor| {
            json!({ "id": ActorId::new(actor.id, actor.kind).to_json(), "kind": actor.kind.as_str() })
        });
        let mut envelope = json!({
            "id": WireId::new(event.id).to_string(),
            "type": event.kind,
            "created_at": event.created_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            "workspace_id": WireId::new(event.workspace_id).to_string(),
            "actor": actor,
            "data": event.data,
        });
        if let Some(changes) = event.changes {
            envelope["changes"] = changes.clone();
        }
        envelope.to_string()
    }

    fn delivery_id(&self, id: DeliveryId) -> String {
        WireId::new(id).to_string()
    }
}

/// A workspace as an event carries it: without `role`, which is the
/// reader's own and no part of the workspace.
fn without_role(mut workspace: Value) -> Value {
    if let Some(fields) = workspace.as_object_mut() {
        fields.remove("role");
    }
    workspace
}

/// A domain value as its endpoints return it.
fn resource(value: &(dyn Any + Send + Sync)) -> Value {
    fn wire<T: Clone + 'static, W: From<T> + ToJSON>(value: &(dyn Any + Send + Sync)) -> Option<Value> {
        value.downcast_ref::<T>().and_then(|v| W::from(v.clone()).to_json())
    }
    wire::<Case, CaseView>(value)
        .or_else(|| wire::<Comment, CommentView>(value))
        .or_else(|| wire::<Task, TaskView>(value))
        .or_else(|| wire::<Correlated, ObservableView>(value))
        .or_else(|| wire::<Attachment, AttachmentView>(value))
        .or_else(|| wire::<Scan, ScanView>(value))
        .or_else(|| wire::<Member, MemberView>(value))
        .or_else(|| wire::<Webhook, WebhookView>(value))
        .or_else(|| wire::<ServiceAccount, ServiceAccountView>(value))
        .or_else(|| wire::<ApiKey, ApiKeyView>(value))
        .or_else(|| wire::<FieldDefinition, FieldView>(value))
        .or_else(|| wire::<CaseTemplate, TemplateView>(value))
        .or_else(|| wire::<CaseLink, CaseLinkView>(value))
        .or_else(|| wire::<Workspace, WorkspaceView>(value).map(without_role))
        .unwrap_or_else(|| {
            debug_assert!(false, "an event's resource has no wire form");
            Value::Null
        })
}
