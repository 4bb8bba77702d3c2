//! The table of links between cases (see `crate::store::case_links`).

diesel::table! {
    /// Links between two cases of a workspace, each stored once from the
    /// end whose id sorts first, with its type as seen from there.
    case_links (id) {
        id -> Binary,
        workspace_id -> Binary,
        low_case_id -> Binary,
        high_case_id -> Binary,
        kind -> Text,
        created_by -> Binary,
        created_by_kind -> Text,
        created_at -> Timestamp,
    }
}
