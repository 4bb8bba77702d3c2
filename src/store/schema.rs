//! Table definitions shared by both backends. Only portable SQL types are used
//! (`Binary` for UUIDs, `Timestamp` for UTC times), so one query body compiles
//! for SQLite and PostgreSQL alike.

#![allow(missing_docs)] // diesel::table! generates undocumented column types.

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

diesel::joinable!(sessions -> accounts (account_id));
diesel::allow_tables_to_appear_in_same_query!(accounts, sessions);
