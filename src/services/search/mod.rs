//! Full-text search of cases: what `q` finds, and keeping the index in
//! step. A case's search text is the terms ([`analyzer`]) of its summary,
//! description, comments, task titles and observable values. Every change
//! passes through the outbox inside its transaction, and the outbox hands
//! the changes that touch such text to [`refresh`], so the index commits or
//! rolls back with the change. New text is appended (a comment, a task, an
//! observable); text that changed or went away rebuilds the case's search
//! text from what it holds. Cases without search text (made before search
//! existed, or loaded into the database directly) are indexed by
//! [`catch_up`], which each server runs at startup.

pub mod analyzer;
pub mod query;

use std::collections::HashMap;

use analyzer::SearchText;

use crate::ids::{CaseId, WorkspaceId};
use crate::store::search::{self, SearchRow};
use crate::store::{DbConn, Store, StoreError, db_transaction, workspaces};

/// The version of the analysis ([`analyzer`]); raising it makes
/// [`catch_up`] rewrite every case's search text.
pub const ANALYZER: i32 = 1;

/// How one change alters its case's search text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit<'a> {
    /// The case was made, with these parts.
    Start(Vec<&'a str>),
    /// These parts were added to the case.
    Append(Vec<&'a str>),
    /// Text of the case changed or went away.
    Rebuild,
}

/// What one transaction does to one case's search text.
enum Plan<'a> {
    Fresh(Vec<&'a str>),
    Append(Vec<&'a str>),
    Rebuild,
}

/// Brings the search text of each case that `edits` touch up to date.
/// Call inside the transaction of the changes, after they are written.
pub async fn refresh<'a>(
    tx: &mut DbConn<'_>,
    workspace: WorkspaceId,
    edits: impl IntoIterator<Item = (CaseId, &'a Edit<'a>)>,
) -> Result<(), StoreError> {
    let mut plans: Vec<(CaseId, Plan<'a>)> = Vec::new();
    for (case, edit) in edits {
        let at = match plans.iter().position(|(id, _)| *id == case) {
            Some(at) => at,
            None => {
                plans.push((case, Plan::Append(Vec::new())));
                plans.len() - 1
            }
        };
        let plan = &mut plans[at].1;
        *plan = match (std::mem::replace(plan, Plan::Rebuild), edit) {
            (_, Edit::Rebuild) | (Plan::Rebuild, _) => Plan::Rebuild,
            (_, Edit::Start(parts)) => Plan::Fresh(parts.clone()),
            (Plan::Fresh(mut parts), Edit::Append(more)) => {
                parts.extend(more);
                Plan::Fresh(parts)
            }
            (Plan::Append(mut parts), Edit::Append(more)) => {
                parts.extend(more);
                Plan::Append(parts)
            }
        };
    }
    let mut rebuild = Vec::new();
    for (case, plan) in plans {
        let parts = match plan {
            Plan::Fresh(parts) => {
                put(tx, case, workspace, SearchText::of(parts)).await?;
                continue;
            }
            Plan::Append(parts) => parts,
            Plan::Rebuild => {
                rebuild.push(case);
                continue;
            }
        };
        match search::find(tx, case).await? {
            Some(row) if row.analyzer == ANALYZER => {
                let mut text = SearchText::stored(row.terms);
                parts.into_iter().for_each(|part| text.push(part));
                put(tx, case, workspace, text).await?;
            }
            _ => rebuild.push(case),
        }
    }
    rebuild_all(tx, &rebuild).await
}

async fn put(
    tx: &mut DbConn<'_>,
    case: CaseId,
    workspace: WorkspaceId,
    text: SearchText,
) -> Result<(), StoreError> {
    search::put_all(tx, &[row(case, workspace, text)]).await
}

fn row(case: CaseId, workspace: WorkspaceId, text: SearchText) -> SearchRow {
    SearchRow { case_id: case, workspace_id: workspace, analyzer: ANALYZER, terms: text.as_str().to_owned() }
}

/// Cases whose search texts are written per statement, and the text
/// that closes a statement early: enough to save round trips, little
/// enough to stay well inside each engine's limits (SQLite's 32,766 binds,
/// MariaDB's 16 MiB packet).
const PUT_ROWS: usize = 100;
const PUT_BYTES: usize = 1 << 20;

/// Rewrites the search text of `cases` from what they hold now.
async fn rebuild_all(tx: &mut DbConn<'_>, cases: &[CaseId]) -> Result<(), StoreError> {
    if cases.is_empty() {
        return Ok(());
    }
    let found = search::sources(tx, cases).await?;
    let mut found: Vec<_> = found.into_iter().collect();
    found.sort_unstable_by_key(|(case, _)| *case);
    let rows: Vec<SearchRow> = found
        .into_iter()
        .map(|(case, sources)| {
            let parts = sources
                .case
                .iter()
                .chain(&sources.comments)
                .chain(&sources.tasks)
                .chain(&sources.observables);
            row(case, sources.workspace_id, SearchText::of(parts.map(String::as_str)))
        })
        .collect();
    let mut rows = rows.as_slice();
    while !rows.is_empty() {
        let (mut count, mut bytes) = (0, 0);
        while count < rows.len()
            && count < PUT_ROWS
            && (count == 0 || bytes + rows[count].terms.len() <= PUT_BYTES)
        {
            bytes += rows[count].terms.len();
            count += 1;
        }
        let (chunk, rest) = rows.split_at(count);
        search::put_all(tx, chunk).await?;
        rows = rest;
    }
    Ok(())
}

/// Cases indexed per transaction by [`catch_up`].
const CATCH_UP_BATCH: i64 = 500;

/// Indexes every case whose search text is missing or older than
/// [`ANALYZER`], a batch per transaction; answers how many it indexed.
/// Safe beside live writes and other instances doing the same: each batch
/// holds the locks its workspaces' changes take.
pub async fn catch_up(store: &Store) -> Result<usize, StoreError> {
    let (mut done, mut after, mut walked) = (0, None, false);
    loop {
        let mut conn = store.conn().await?;
        let conn = &mut conn.db();
        let mut stale = Vec::new();
        if !walked {
            let (last, missing) = search::unindexed(conn, after, CATCH_UP_BATCH).await?;
            (after, walked, stale) = (last.or(after), last.is_none(), missing);
        }
        if walked {
            stale = search::outdated(conn, ANALYZER, CATCH_UP_BATCH).await?;
            if stale.is_empty() {
                return Ok(done);
            }
        }
        let mut by_workspace: HashMap<WorkspaceId, Vec<CaseId>> = HashMap::new();
        for (case, workspace) in &stale {
            by_workspace.entry(*workspace).or_default().push(*case);
        }
        for (workspace, cases) in by_workspace {
            db_transaction!(conn, |tx| {
                // Changes to the workspace's cases wait meanwhile, so none
                // is lost between reading a case and writing its text.
                workspaces::lock(tx, workspace).await?;
                rebuild_all(tx, &cases).await
            })?;
        }
        done += stale.len();
    }
}
