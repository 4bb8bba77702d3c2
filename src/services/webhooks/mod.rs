//! Outbound webhooks: a workspace's subscriptions to its events, each
//! delivered signed to a URL the team chose, to page someone, post to
//! chat or start a playbook.

mod deliveries;
mod delivery;
mod destination;
mod error;
mod input;
mod model;
mod operations;
mod retry;
mod secrets;
mod service;
mod signing;

pub use crate::services::outbox::EventType;
pub use deliveries::{Attempt, Delivery, DeliveryStatus};
pub use delivery::{Deliverer, DeliverySettings};
pub use destination::{DEFAULT_DENIED, Destinations};
pub use error::WebhookError;
pub use input::{NewWebhook, RawNewWebhook, WebhookUpdate};
pub use model::{IssuedSecret, Webhook};
pub use secrets::SecretBox;
pub use service::WebhookService;
