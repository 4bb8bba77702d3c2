//! Outbound webhooks: a workspace's subscriptions to its events, each
//! delivered signed to a URL the team chose, to page someone, post to
//! chat or start a playbook.

mod destination;
mod input;
mod model;
mod secrets;
mod service;

pub use destination::{DEFAULT_DENIED, Destinations};
pub use input::{NewWebhook, RawNewWebhook, WebhookUpdate};
pub use model::{EventType, IssuedSecret, Webhook};
pub use secrets::SecretBox;
pub use service::WebhookService;
