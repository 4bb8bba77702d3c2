//! The table of the case search index (see `crate::store::search`).

diesel::table! {
    /// Each case's search text: the terms of its summary, description,
    /// comments, task titles and observable values, as the application
    /// analysed them, under each engine's full-text index.
    case_search (case_id) {
        case_id -> Binary,
        workspace_id -> Binary,
        analyzer -> Integer,
        terms -> Text,
    }
}
