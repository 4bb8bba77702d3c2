//! OpenAPI tags: one per resource.

use poem_openapi::Tags;

/// The resources of the API.
#[derive(Tags)]
pub enum ApiTags {
    /// Sign up and manage your own account.
    Accounts,
    /// Sign in and out.
    Sessions,
    /// Workspaces: where a team's cases live.
    Workspaces,
    /// Who belongs to a workspace, with which role.
    Members,
    /// Incidents, with their audit trail.
    Cases,
    /// Discussion on a case.
    Comments,
    /// The checklist of a case, and the workspace's tasks across cases.
    Tasks,
    /// A workspace's own fields on its cases.
    CustomFields,
    /// Recipes for opening cases: defaults and a checklist of tasks.
    CaseTemplates,
    /// The facts of incidents (addresses, names, URLs, hashes), correlated across cases.
    Observables,
    /// Network scans of the team's own hosts, run in the background.
    Scans,
    /// Evidence files on cases and scans.
    Attachments,
    /// Machine principals of a workspace and their API keys, for automation.
    ServiceAccounts,
    /// Signed deliveries of a workspace's events to the team's other tools.
    Webhooks,
    /// Deleted cases, which admins can restore until they are purged.
    Trash,
    /// Everything that changed in a workspace: its audit record, as a feed.
    Activity,
    /// Health checks for orchestrators and load balancers.
    Operations,
}
