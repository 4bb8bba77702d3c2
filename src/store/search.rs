//! The search index of cases: one row per case holding its search text
//! (terms the application analysed), which each engine indexes with its own
//! full-text index: FTS5 on SQLite, a `tsvector` under GIN on PostgreSQL,
//! `FULLTEXT` on MySQL/MariaDB. A [`TextMatch`] is written in each engine's
//! query syntax here, and only here.

use std::collections::{HashMap, HashSet};

use diesel::dsl::{AsExprOf, sql};
use diesel::expression::{SqlLiteral, UncheckedBind};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Binary, Bool, Text};
use diesel_async::RunQueryDsl;

use super::schema::{case_search, cases, comments, observables, tasks};
use super::{Backend, DbConn, StoreError, db_run};
use crate::ids::{CaseId, WorkspaceId};

/// A case's search text as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = case_search)]
pub struct SearchRow {
    /// The case.
    pub case_id: CaseId,
    /// Its workspace.
    pub workspace_id: WorkspaceId,
    /// The version of the analysis that wrote `terms`.
    pub analyzer: i32,
    /// The terms, space-separated.
    pub terms: String,
}

/// What a search looks for, as terms of the index: every phrase of
/// `include` (a phrase of one term is a word), and none of `exclude`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextMatch {
    /// Each must appear (at least one).
    pub include: Vec<Vec<String>>,
    /// None may appear.
    pub exclude: Vec<Vec<String>>,
}

impl TextMatch {
    /// The match in `backend`'s query syntax. Terms hold letters, digits
    /// and `_` only; anything else is dropped here all the same, so no
    /// term can be read as syntax.
    pub fn syntax(&self, backend: Backend) -> String {
        let phrase = |terms: &[String], (open, join, close): (&str, &str, &str)| {
            let terms: Vec<String> = terms.iter().map(|t| clean(t)).filter(|t| !t.is_empty()).collect();
            format!("{open}{}{close}", terms.join(join))
        };
        let render =
            |phrases: &[Vec<String>], form| phrases.iter().map(|p| phrase(p, form)).collect::<Vec<_>>();
        match backend {
            Backend::Sqlite => {
                let mut text = format!("({})", render(&self.include, ("\"", " ", "\"")).join(" AND "));
                for excluded in render(&self.exclude, ("\"", " ", "\"")) {
                    text = format!("{text} NOT {excluded}");
                }
                text
            }
            Backend::Postgres => {
                let included = render(&self.include, ("('", "' <-> '", "')"));
                let excluded = render(&self.exclude, ("!('", "' <-> '", "')"));
                included.into_iter().chain(excluded).collect::<Vec<_>>().join(" & ")
            }
            Backend::Mysql => {
                let included = render(&self.include, ("+\"", " ", "\""));
                let excluded = render(&self.exclude, ("-\"", " ", "\""));
                included.into_iter().chain(excluded).collect::<Vec<_>>().join(" ")
            }
        }
    }
}

fn clean(term: &str) -> String {
    term.chars().filter(|c| c.is_alphanumeric() || *c == '_').collect()
}

/// The SQL of "the case is one of the workspace's cases that match",
/// around its two binds: the match (in the engine's syntax) and the
/// workspace id. On PostgreSQL the matches are gathered first, into an
/// array (an init plan): as `IN (...)`, the planner walks the cases in the
/// list's order and probes each for a match, which at 1,000,000 cases took
/// 400 ms for a word in 700 of them (it expects far more matches than a
/// rare word has). Gathered first, the cost follows the number of matches.
fn matching_sql(backend: Backend) -> [&'static str; 3] {
    match backend {
        Backend::Sqlite => [
            "cases.id IN (SELECT s.case_id FROM case_search_fts JOIN case_search s \
             ON s.id = case_search_fts.rowid WHERE case_search_fts MATCH ",
            " AND s.workspace_id = ",
            ")",
        ],
        Backend::Postgres => [
            "cases.id = ANY(ARRAY(SELECT case_id FROM case_search WHERE vector @@ to_tsquery('simple', ",
            ") AND workspace_id = ",
            "))",
        ],
        Backend::Mysql => [
            "cases.id IN (SELECT case_id FROM case_search WHERE MATCH (terms) AGAINST (",
            " IN BOOLEAN MODE) AND workspace_id = ",
            ")",
        ],
    }
}

/// "The case matches", as a filter for any query over cases.
pub(crate) type Matches = SqlLiteral<
    Bool,
    UncheckedBind<
        SqlLiteral<Bool, UncheckedBind<SqlLiteral<Bool>, AsExprOf<String, Text>>>,
        AsExprOf<WorkspaceId, Binary>,
    >,
>;

/// A filter keeping the cases of `workspace_id` that `text` matches, on `backend`.
pub(crate) fn matches(backend: Backend, text: &TextMatch, workspace_id: WorkspaceId) -> Matches {
    let [before, between, after] = matching_sql(backend);
    sql::<Bool>(before)
        .bind::<Text, _>(text.syntax(backend))
        .sql(between)
        .bind::<Binary, _>(workspace_id)
        .sql(after)
}

/// A case id, as a raw query reads it.
#[derive(QueryableByName)]
struct Ranked {
    #[diesel(sql_type = Binary)]
    case_id: CaseId,
}

/// The ids of the workspace's cases that `text` matches, best match first
/// (ties by id), at most `limit` of them.
pub async fn ranked(
    conn: &mut DbConn<'_>,
    workspace_id: WorkspaceId,
    text: &TextMatch,
    limit: i64,
) -> Result<Vec<CaseId>, StoreError> {
    let backend = conn.backend();
    let syntax = text.syntax(backend);
    let rows: Vec<Ranked> = db_run!(conn: {
        let query = match backend {
            Backend::Sqlite => {
                "SELECT s.case_id FROM case_search_fts JOIN case_search s ON s.id = case_search_fts.rowid \
                 WHERE case_search_fts MATCH ?1 AND s.workspace_id = ?2 \
                 ORDER BY bm25(case_search_fts), s.case_id LIMIT ?3"
            }
            _ => {
                "SELECT case_id FROM case_search WHERE vector @@ to_tsquery('simple', $1) AND workspace_id = $2 \
                 ORDER BY ts_rank(vector, to_tsquery('simple', $1)) DESC, case_id LIMIT $3"
            }
        };
        diesel::sql_query(query)
            .bind::<Text, _>(syntax.clone())
            .bind::<Binary, _>(workspace_id)
            .bind::<BigInt, _>(limit)
            .load(conn)
            .await
            .map_err(StoreError::from)
    } mysql: {
        // The score is worked out once, by the index, for both places.
        diesel::sql_query(
            "SELECT case_id FROM case_search \
             WHERE MATCH (terms) AGAINST (? IN BOOLEAN MODE) AND workspace_id = ? \
             ORDER BY MATCH (terms) AGAINST (? IN BOOLEAN MODE) DESC, case_id LIMIT ?",
        )
        .bind::<Text, _>(syntax.clone())
        .bind::<Binary, _>(workspace_id)
        .bind::<Text, _>(syntax.clone())
        .bind::<BigInt, _>(limit)
        .load(conn)
        .await
        .map_err(StoreError::from)
    })?;
    Ok(rows.into_iter().map(|r| r.case_id).collect())
}

/// Writes cases' search texts (made or replaced), in one statement; at
/// most one row per case.
pub async fn put_all(conn: &mut DbConn<'_>, rows: &[SearchRow]) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let rows = rows.to_vec();
    db_run!(conn: {
        use diesel::upsert::excluded;
        diesel::insert_into(case_search::table)
            .values(rows.clone())
            .on_conflict(case_search::case_id)
            .do_update()
            .set((
                case_search::workspace_id.eq(excluded(case_search::workspace_id)),
                case_search::analyzer.eq(excluded(case_search::analyzer)),
                case_search::terms.eq(excluded(case_search::terms)),
            ))
            .execute(conn)
            .await?;
        Ok(())
    } sqlite: {
        put_sqlite(conn, rows.clone()).await
    } mysql: {
        diesel::replace_into(case_search::table).values(rows.clone()).execute(conn).await?;
        Ok(())
    })
}

/// Writes search texts on SQLite, and their FTS5 rows (the migration
/// `case_search_direct_writes` says why not by trigger). FTS5 flushes its
/// pending terms at every statement savepoint, so its rows are written a
/// batch per statement: the old terms of an external content table taken
/// out, then the new ones put in.
async fn put_sqlite(
    conn: &mut diesel_async::sync_connection_wrapper::SyncConnectionWrapper<diesel::SqliteConnection>,
    rows: Vec<SearchRow>,
) -> Result<(), StoreError> {
    let ids: Vec<CaseId> = rows.iter().map(|row| row.case_id).collect();
    let from_search = |insert: &str| {
        let places = vec!["?"; ids.len()].join(", ");
        let sql = format!("{insert} FROM case_search WHERE case_id IN ({places})");
        let mut query = diesel::sql_query(sql).into_boxed::<diesel::sqlite::Sqlite>();
        for id in &ids {
            query = query.bind::<Binary, _>(*id);
        }
        query
    };
    let old = "INSERT INTO case_search_fts (case_search_fts, rowid, terms) SELECT 'delete', id, terms";
    from_search(old).execute(conn).await?;
    for row in rows {
        diesel::insert_into(case_search::table)
            .values(row.clone())
            .on_conflict(case_search::case_id)
            .do_update()
            .set(row)
            .execute(conn)
            .await?;
    }
    from_search("INSERT INTO case_search_fts (rowid, terms) SELECT id, terms").execute(conn).await?;
    Ok(())
}

/// A case's search text, if it has one.
pub async fn find(conn: &mut DbConn<'_>, case_id: CaseId) -> Result<Option<SearchRow>, StoreError> {
    db_run!(conn: {
        Ok(case_search::table.find(case_id).select(SearchRow::as_select()).get_result(conn).await.optional()?)
    })
}

/// What a case's search text is made of, oldest first in each part.
#[derive(Debug, Clone)]
pub struct Sources {
    /// The case's workspace.
    pub workspace_id: WorkspaceId,
    /// Summary and description.
    pub case: Vec<String>,
    /// Comment bodies.
    pub comments: Vec<String>,
    /// Task titles.
    pub tasks: Vec<String>,
    /// Observable values.
    pub observables: Vec<String>,
}

/// Reads what the search texts of the cases `ids` are made of; cases that
/// do not exist are left out.
pub async fn sources(conn: &mut DbConn<'_>, ids: &[CaseId]) -> Result<HashMap<CaseId, Sources>, StoreError> {
    let ids = ids.to_vec();
    db_run!(conn: {
        let mut found: HashMap<CaseId, Sources> = HashMap::new();
        let heads: Vec<(CaseId, WorkspaceId, String, String)> = cases::table
            .filter(cases::id.eq_any(ids.clone()))
            .select((cases::id, cases::workspace_id, cases::summary, cases::description))
            .load(conn)
            .await?;
        for (id, workspace_id, summary, description) in heads {
            let case = vec![summary, description];
            found.insert(id, Sources { workspace_id, case, comments: vec![], tasks: vec![], observables: vec![] });
        }
        let bodies: Vec<(CaseId, String)> = comments::table
            .filter(comments::case_id.eq_any(ids.clone()))
            .order(comments::id)
            .select((comments::case_id, comments::body))
            .load(conn)
            .await?;
        let titles: Vec<(CaseId, String)> = tasks::table
            .filter(tasks::case_id.eq_any(ids.clone()))
            .order(tasks::position)
            .select((tasks::case_id, tasks::title))
            .load(conn)
            .await?;
        let values: Vec<(CaseId, String)> = observables::table
            .filter(observables::case_id.eq_any(ids.clone()))
            .order(observables::id)
            .select((observables::case_id, observables::value))
            .load(conn)
            .await?;
        let parts = |found: &mut HashMap<CaseId, Sources>, rows: Vec<(CaseId, String)>, pick: fn(&mut Sources) -> &mut Vec<String>| {
            for (id, text) in rows {
                if let Some(sources) = found.get_mut(&id) {
                    pick(sources).push(text);
                }
            }
        };
        parts(&mut found, bodies, |s| &mut s.comments);
        parts(&mut found, titles, |s| &mut s.tasks);
        parts(&mut found, values, |s| &mut s.observables);
        Ok(found)
    })
}

/// The next `limit` cases in id order after `after` (with their
/// workspaces), and which of them have no search text. Two key-range reads
/// rather than one anti-join: a planner may answer "unindexed cases after
/// this id" by joining both whole tables (PostgreSQL did, at 1M cases, in
/// about a second per batch), while these stay linear in the walk.
pub async fn unindexed(
    conn: &mut DbConn<'_>,
    after: Option<CaseId>,
    limit: i64,
) -> Result<(Option<CaseId>, Vec<(CaseId, WorkspaceId)>), StoreError> {
    db_run!(conn: {
        let mut next = cases::table.select((cases::id, cases::workspace_id)).order(cases::id).limit(limit).into_boxed();
        if let Some(after) = after {
            next = next.filter(cases::id.gt(after));
        }
        let page: Vec<(CaseId, WorkspaceId)> = next.load(conn).await?;
        let ids: Vec<CaseId> = page.iter().map(|(id, _)| *id).collect();
        let indexed: HashSet<CaseId> = case_search::table
            .filter(case_search::case_id.eq_any(ids))
            .select(case_search::case_id)
            .load::<CaseId>(conn)
            .await?
            .into_iter()
            .collect();
        let last = page.last().map(|(id, _)| *id);
        Ok((last, page.into_iter().filter(|(id, _)| !indexed.contains(id)).collect()))
    })
}

/// Up to `limit` cases whose search text an analysis older than `analyzer`
/// wrote, with their workspaces.
pub async fn outdated(
    conn: &mut DbConn<'_>,
    analyzer: i32,
    limit: i64,
) -> Result<Vec<(CaseId, WorkspaceId)>, StoreError> {
    db_run!(conn: {
        Ok(case_search::table
            .filter(case_search::analyzer.lt(analyzer))
            .select((case_search::case_id, case_search::workspace_id))
            .limit(limit)
            .load(conn)
            .await?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(include: &[&[&str]], exclude: &[&[&str]]) -> TextMatch {
        let phrases = |p: &[&[&str]]| p.iter().map(|w| w.iter().map(|t| (*t).to_owned()).collect()).collect();
        TextMatch { include: phrases(include), exclude: phrases(exclude) }
    }

    #[test]
    fn each_engine_gets_its_own_syntax() {
        let m = text(&[&["phish"], &["wire", "transfer"]], &[&["test"], &["dri", "run"]]);
        assert_eq!(m.syntax(Backend::Sqlite), r#"("phish" AND "wire transfer") NOT "test" NOT "dri run""#);
        assert_eq!(
            m.syntax(Backend::Postgres),
            "('phish') & ('wire' <-> 'transfer') & !('test') & !('dri' <-> 'run')"
        );
        assert_eq!(m.syntax(Backend::Mysql), r#"+"phish" +"wire transfer" -"test" -"dri run""#);
    }

    #[test]
    fn nothing_but_letters_digits_and_underscores_reaches_the_syntax() {
        let m = text(&[&["a\"b'c)", "c2_"]], &[]);
        assert_eq!(m.syntax(Backend::Postgres), "('abc' <-> 'c2_')");
    }
}
