//! The resources: one folder each, holding its poem-openapi handler struct
//! (`mod.rs`) and its wire types (`wire.rs`). Handlers only translate: wire
//! types in, one service call, wire types or a problem out. The OpenAPI
//! document is derived from this code; the edge that serves it is
//! [`crate::http`].

mod accounts;
mod activity;
mod attachments;
mod cases;
mod comments;
mod common;
pub mod envelopes;
mod event_types;
mod fields;
mod links;
mod members;
mod observables;
mod operations;
mod scans;
mod service_accounts;
mod sessions;
mod tasks;
mod templates;
mod trash;
mod webhooks;
mod workspaces;

use std::sync::Arc;

use poem::{Endpoint, Response};
use poem_openapi::{ContactObject, LicenseObject, OpenApi, OpenApiService, ServerObject};

use crate::http::{self, Described, HttpSettings, RateLimits};
use crate::services::Services;

/// The handlers, grouped (poem-openapi joins tuples of up to 16 APIs).
type Apis = (
    (accounts::AccountsApi, sessions::SessionsApi, workspaces::WorkspacesApi, members::MembersApi),
    (
        cases::CasesApi,
        cases::CaseBulkApi,
        comments::CommentsApi,
        tasks::CaseTasksApi,
        fields::FieldsApi,
        templates::TemplatesApi,
        observables::ObservablesApi,
        observables::ObservableBulkApi,
        tasks::WorkspaceTasksApi,
    ),
    (
        scans::ScansApi,
        attachments::CaseAttachmentsApi,
        attachments::ScanAttachmentsApi,
        activity::ActivityApi,
        trash::TrashApi,
        links::CaseLinksApi,
        cases::CaseMergeApi,
        cases::CaseExportApi,
    ),
    (
        service_accounts::ServiceAccountsApi,
        service_accounts::ApiKeysApi,
        webhooks::WebhooksApi,
        webhooks::WebhookDeliveriesApi,
        operations::OperationsApi,
    ),
);

/// The handlers, each owning the services it calls.
fn handlers(services: &Services) -> Apis {
    (
        (
            accounts::AccountsApi { identity: services.identity.clone() },
            sessions::SessionsApi { identity: services.identity.clone() },
            workspaces::WorkspacesApi { workspaces: services.workspaces.clone() },
            members::MembersApi { workspaces: services.workspaces.clone() },
        ),
        (
            cases::CasesApi { cases: services.cases.clone() },
            cases::CaseBulkApi { cases: services.cases.clone() },
            comments::CommentsApi { cases: services.cases.clone() },
            tasks::CaseTasksApi { tasks: services.tasks.clone() },
            fields::FieldsApi { fields: services.fields.clone() },
            templates::TemplatesApi { templates: services.templates.clone() },
            observables::ObservablesApi { observables: services.observables.clone() },
            observables::ObservableBulkApi { observables: services.observables.clone() },
            tasks::WorkspaceTasksApi { tasks: services.tasks.clone() },
        ),
        (
            scans::ScansApi { scans: services.scans.clone() },
            attachments::CaseAttachmentsApi { attachments: services.attachments.clone() },
            attachments::ScanAttachmentsApi { attachments: services.attachments.clone() },
            activity::ActivityApi { activity: services.activity.clone() },
            trash::TrashApi { trash: services.trash.clone() },
            links::CaseLinksApi { links: services.links.clone() },
            cases::CaseMergeApi { cases: services.cases.clone() },
            cases::CaseExportApi { exports: services.exports.clone() },
        ),
        (
            service_accounts::ServiceAccountsApi { service_accounts: services.service_accounts.clone() },
            service_accounts::ApiKeysApi { service_accounts: services.service_accounts.clone() },
            webhooks::WebhooksApi { webhooks: services.webhooks.clone() },
            webhooks::WebhookDeliveriesApi { webhooks: services.webhooks.clone() },
            operations::OperationsApi {
                health: services.health.clone(),
                telemetry: services.telemetry.clone(),
            },
        ),
    )
}

/// The document of the handlers, with nothing to serve: what
/// `casebook openapi` prints and the document routes render.
fn described() -> OpenApiService<Described<Apis>, ()> {
    published(Described::default())
}

/// `api` with the document's title, description, contact and server.
fn published<T: OpenApi>(api: T) -> OpenApiService<T, ()> {
    OpenApiService::new(api, "Casebook", env!("CARGO_PKG_VERSION"))
        .description(
            "Incident case management for security teams: Casebook tracks security \
         incidents as cases inside workspaces.\n\n\
         Sign up with `POST /v1/accounts`, sign in with `POST /v1/sessions`, then send \
         the token as `Authorization: Bearer <token>`. Automation uses a service account's \
         API key (`cbk_...`) the same way, never a person's password. Every error is an RFC 9457 problem \
         (`application/problem+json`) with a stable `code`; every response carries an \
         `X-Request-Id`.",
        )
        .contact(ContactObject::new().name("Casebook maintainers"))
        .license(
            LicenseObject::new(env!("CARGO_PKG_LICENSE")).url("https://www.apache.org/licenses/LICENSE-2.0"),
        )
        .server(ServerObject::new("/").description("The server this document was fetched from"))
}

/// The OpenAPI document as YAML: what `/openapi.yaml` serves, what
/// `casebook openapi` prints, and what `openapi.yaml` in the repository holds.
pub fn openapi_yaml() -> String {
    http::document::complete(&described().spec()).yaml()
}

/// Every route of the server: these resources inside the HTTP edge.
pub fn routes(
    services: Services,
    settings: HttpSettings,
    limits: Arc<RateLimits>,
) -> impl Endpoint<Output = Response> {
    http::routes(published(handlers(&services)), described, services, settings, limits)
}
