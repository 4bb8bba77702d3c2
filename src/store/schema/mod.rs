//! Table definitions shared by every backend. Only portable SQL types are
//! used (`Binary` for UUIDs, `Timestamp` for UTC times), so one query body
//! compiles for SQLite, PostgreSQL and MySQL alike.

#![allow(missing_docs)] // diesel::table! generates undocumented column types.

mod link_tables;
mod search_tables;
mod webhook_tables;

pub use link_tables::case_links;
pub use search_tables::case_search;
pub use webhook_tables::{webhook_attempts, webhook_deliveries, webhooks, workspace_events};

diesel::table! {
    /// People who can sign in.
    accounts (id) {
        id -> Binary,
        email -> Text,
        display_name -> Text,
        password_hash -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        kind -> Text,
    }
}

diesel::table! {
    /// Signed-in sessions; a bearer token names one of these.
    sessions (id) {
        id -> Binary,
        account_id -> Binary,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    /// Workspaces: where cases live.
    workspaces (id) {
        id -> Binary,
        name -> Text,
        description -> Text,
        case_seq -> Integer,
        event_seq -> BigInt,
        version -> Integer,
        created_by -> Binary,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Who belongs to which workspace, with which role.
    memberships (workspace_id, account_id) {
        workspace_id -> Binary,
        account_id -> Binary,
        role -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Incidents.
    cases (id) {
        id -> Binary,
        workspace_id -> Binary,
        number -> Integer,
        summary -> Text,
        description -> Text,
        status -> Text,
        priority -> Integer,
        severity -> Integer,
        assignee_id -> Nullable<Binary>,
        tags -> Text,
        version -> Integer,
        created_by -> Binary,
        created_by_kind -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        due_at -> Nullable<Timestamp>,
        task_seq -> Integer,
        custom_fields -> Text,
        template_id -> Nullable<Binary>,
        deleted_at -> Nullable<Timestamp>,
        deleted_by -> Nullable<Binary>,
        deleted_by_kind -> Nullable<Text>,
        merged_into -> Nullable<Binary>,
    }
}

diesel::table! {
    /// The facts of cases (addresses, names, hashes...), in canonical form.
    observables (id) {
        id -> Binary,
        workspace_id -> Binary,
        case_id -> Binary,
        kind -> Text,
        value -> Text,
        value_key -> Text,
        description -> Text,
        tlp -> Text,
        is_ioc -> Bool,
        sighted -> Bool,
        tags -> Text,
        source -> Text,
        first_seen_at -> Timestamp,
        last_seen_at -> Timestamp,
        version -> Integer,
        created_by -> Binary,
        created_by_kind -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Recipes for opening cases: defaults and a list of tasks.
    case_templates (id) {
        id -> Binary,
        workspace_id -> Binary,
        name -> Text,
        name_key -> Text,
        description -> Text,
        defaults -> Text,
        tasks -> Text,
        version -> Integer,
        created_by -> Binary,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Definitions of the custom fields of each workspace.
    custom_fields (id) {
        id -> Binary,
        workspace_id -> Binary,
        key -> Text,
        label -> Text,
        description -> Text,
        field_type -> Text,
        options -> Text,
        required -> Bool,
        version -> Integer,
        created_by -> Binary,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// One row per custom field value of a case (per option of a
    /// multi-select), for filtering.
    case_field_values (case_id, field_id, value_key) {
        case_id -> Binary,
        field_id -> Binary,
        workspace_id -> Binary,
        created_at -> Timestamp,
        value_key -> Text,
        value_number -> Nullable<Double>,
    }
}

diesel::table! {
    /// The checklist of each case.
    tasks (id) {
        id -> Binary,
        case_id -> Binary,
        workspace_id -> Binary,
        title -> Text,
        description -> Text,
        status -> Text,
        assignee_id -> Nullable<Binary>,
        due_at -> Nullable<Timestamp>,
        due_key -> Timestamp,
        completed_at -> Nullable<Timestamp>,
        position -> Integer,
        version -> Integer,
        created_by -> Binary,
        created_by_kind -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// One row per tag of a case, for filtering.
    case_tags (case_id, tag) {
        case_id -> Binary,
        workspace_id -> Binary,
        tag -> Text,
    }
}

diesel::table! {
    /// Comments on cases.
    comments (id) {
        id -> Binary,
        case_id -> Binary,
        author_id -> Binary,
        author_kind -> Text,
        body -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// The append-only audit trail of each case.
    case_events (id) {
        id -> Binary,
        case_id -> Binary,
        actor_id -> Binary,
        actor_kind -> Text,
        kind -> Text,
        data -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Stored outcomes of creates made with an idempotency key.
    idempotency_keys (account_id, key) {
        account_id -> Binary,
        key -> Text,
        fingerprint -> Binary,
        snapshot -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Network scans: a durable job queue.
    scans (id) {
        id -> Binary,
        workspace_id -> Binary,
        case_id -> Nullable<Binary>,
        target -> Text,
        ports -> Text,
        timeout_ms -> Integer,
        concurrency -> Integer,
        status -> Text,
        probes_total -> Integer,
        probes_done -> Integer,
        open_count -> Integer,
        closed_count -> Integer,
        filtered_count -> Integer,
        error -> Nullable<Text>,
        cancel_requested -> Bool,
        lease_owner -> Nullable<Text>,
        lease_expires_at -> Nullable<Timestamp>,
        attempts -> Integer,
        event_seq -> Integer,
        created_by -> Binary,
        created_by_kind -> Text,
        created_at -> Timestamp,
        started_at -> Nullable<Timestamp>,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Open ports found by scans.
    scan_results (scan_id, address, port) {
        scan_id -> Binary,
        address -> Text,
        port -> Integer,
        latency_us -> Integer,
        banner -> Nullable<Text>,
        found_at -> Timestamp,
    }
}

diesel::table! {
    /// The numbered events of each scan, replayed by live streams.
    scan_events (scan_id, seq) {
        scan_id -> Binary,
        seq -> Integer,
        kind -> Text,
        data -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// File contents held in the evidence store, once per SHA-256.
    evidence_blobs (sha256) {
        sha256 -> Text,
        size -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Evidence files attached to a case or a scan.
    attachments (id) {
        id -> Binary,
        workspace_id -> Binary,
        case_id -> Nullable<Binary>,
        scan_id -> Nullable<Binary>,
        file_name -> Text,
        media_type -> Text,
        size -> BigInt,
        sha256 -> Text,
        description -> Nullable<Text>,
        uploaded_by -> Binary,
        uploaded_by_kind -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Machine principals of one workspace (each is also an `accounts` row).
    service_accounts (id) {
        id -> Binary,
        workspace_id -> Binary,
        name -> Text,
        description -> Text,
        disabled -> Bool,
        version -> Integer,
        created_by -> Binary,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// API keys of service accounts, stored as a keyed hash of the secret.
    api_keys (id) {
        id -> Binary,
        service_account_id -> Binary,
        name -> Text,
        prefix -> Text,
        secret_hash -> Binary,
        created_by -> Binary,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(sessions -> accounts (account_id));
diesel::joinable!(memberships -> workspaces (workspace_id));
diesel::joinable!(memberships -> accounts (account_id));
diesel::joinable!(comments -> cases (case_id));
diesel::joinable!(case_events -> cases (case_id));
diesel::joinable!(tasks -> cases (case_id));
diesel::joinable!(observables -> cases (case_id));
diesel::joinable!(case_field_values -> cases (case_id));
diesel::joinable!(service_accounts -> workspaces (workspace_id));
diesel::joinable!(api_keys -> service_accounts (service_account_id));
diesel::allow_tables_to_appear_in_same_query!(
    accounts,
    sessions,
    workspaces,
    memberships,
    cases,
    case_tags,
    comments,
    case_events,
    tasks,
    custom_fields,
    case_field_values,
    case_templates,
    observables,
    idempotency_keys,
    scans,
    scan_results,
    scan_events,
    evidence_blobs,
    attachments,
    service_accounts,
    api_keys,
    case_search,
    case_links,
);

diesel::table! {
    /// MySQL/MariaDB only: changes that make cached authentication stale,
    /// polled by every instance (PostgreSQL uses LISTEN/NOTIFY instead).
    change_log (seq) {
        seq -> BigInt,
        notice -> Text,
        created_at -> Timestamp,
    }
}
