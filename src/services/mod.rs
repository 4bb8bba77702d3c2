//! Business rules. Services know nothing of HTTP: they take domain types,
//! return domain types, and fail with a typed error per area. They call the
//! store, and other services in one direction only.

pub mod activity;
pub mod attachments;
pub mod cases;
pub mod changes;
pub mod export;
pub mod fields;
pub mod health;
pub mod idempotency;
pub mod identity;
pub mod kernel;
pub mod links;
pub mod observables;
pub mod outbox;
pub mod pagination;
pub mod scans;
pub mod search;
pub mod service_accounts;
pub mod tasks;
pub mod telemetry;
pub mod templates;
pub mod trash;
pub mod validation;
pub mod webhooks;
pub mod workspaces;

use std::sync::Arc;

/// Every service, built once at startup and shared by all requests.
#[derive(Clone)]
pub struct Services {
    /// The workspace activity feed.
    pub activity: Arc<activity::ActivityService>,
    /// Evidence attachments on cases and scans.
    pub attachments: Arc<attachments::AttachmentService>,
    /// Readiness checks.
    pub health: Arc<health::HealthService>,
    /// Accounts, passwords and sessions.
    pub identity: Arc<identity::IdentityService>,
    /// Cases, their comments and audit trail.
    pub cases: Arc<cases::CaseService>,
    /// Links between cases.
    pub links: Arc<links::LinkService>,
    /// The facts of cases.
    pub observables: Arc<observables::ObservableService>,
    /// Custom field definitions.
    pub fields: Arc<fields::FieldService>,
    /// Metrics scrapes.
    pub telemetry: Arc<telemetry::TelemetryService>,
    /// Network scans.
    pub scans: Arc<scans::ScanService>,
    /// Service accounts and their API keys.
    pub service_accounts: Arc<service_accounts::ServiceAccountService>,
    /// The tasks of cases.
    pub tasks: Arc<tasks::TaskService>,
    /// Case exports.
    pub exports: Arc<export::ExportService>,
    /// Case templates.
    pub templates: Arc<templates::TemplateService>,
    /// Deleted cases, until restored or purged.
    pub trash: Arc<trash::TrashService>,
    /// Webhook subscriptions.
    pub webhooks: Arc<webhooks::WebhookService>,
    /// Workspaces, members and roles.
    pub workspaces: Arc<workspaces::WorkspaceService>,
}
