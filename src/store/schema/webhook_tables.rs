//! The tables of outbound webhooks: subscriptions, the outbox of workspace
//! events, and each event's deliveries and their attempts.

use super::workspaces;

diesel::table! {
    /// A workspace's webhook subscriptions.
    webhooks (id) {
        id -> Binary,
        workspace_id -> Binary,
        url -> Text,
        events -> Text,
        description -> Text,
        active -> Bool,
        secret -> Text,
        previous_secret -> Nullable<Text>,
        previous_secret_expires_at -> Nullable<Timestamp>,
        failure_streak -> Integer,
        disabled_reason -> Nullable<Text>,
        lease_owner -> Nullable<Text>,
        lease_expires_at -> Nullable<Timestamp>,
        version -> Integer,
        created_by -> Binary,
        created_by_kind -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        event_cursor -> BigInt,
    }
}

diesel::table! {
    /// The outbox: every change of a workspace, numbered in commit order.
    workspace_events (id) {
        id -> Binary,
        workspace_id -> Binary,
        seq -> BigInt,
        kind -> Text,
        actor_id -> Binary,
        actor_kind -> Text,
        data -> Text,
        created_at -> Timestamp,
        resource_type -> Text,
        case_id -> Nullable<Binary>,
    }
}

diesel::table! {
    /// One event to one subscription.
    webhook_deliveries (id) {
        id -> Binary,
        webhook_id -> Binary,
        event_id -> Binary,
        seq -> BigInt,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        first_started_at -> Nullable<Timestamp>,
        first_status_code -> Nullable<Integer>,
        first_latency_ms -> Nullable<Integer>,
        first_error -> Nullable<Text>,
    }
}

diesel::table! {
    /// Each try of a delivery.
    webhook_attempts (delivery_id, attempt) {
        delivery_id -> Binary,
        attempt -> Integer,
        started_at -> Timestamp,
        status_code -> Nullable<Integer>,
        latency_ms -> Integer,
        error -> Nullable<Text>,
    }
}

diesel::joinable!(webhooks -> workspaces (workspace_id));
diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));
diesel::joinable!(webhook_deliveries -> workspace_events (event_id));
diesel::joinable!(webhook_attempts -> webhook_deliveries (delivery_id));
diesel::allow_tables_to_appear_in_same_query!(
    webhooks,
    workspace_events,
    webhook_deliveries,
    webhook_attempts,
    workspaces,
);
