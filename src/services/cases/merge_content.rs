//! What a merge moves: comments, attachments and tasks as they are (tasks
//! after the other case's own, in their order), and observables by value:
//! a value the other case lacks moves, a value it holds already is
//! absorbed by its own copy (earliest first sighting, latest last
//! sighting, IOC or sighted if either was, tags of both).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Case;
use crate::services::kernel::Failure;
use crate::services::validation::MAX_TAGS;
use crate::store::case_merge::{self, Absorbed};
use crate::store::observables::ObservableRow;
use crate::store::{DbConn, DbTime, StoreError, tasks};

/// How much a merge moved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moved {
    /// Comments moved.
    pub comments: usize,
    /// Attachments moved.
    pub attachments: usize,
    /// Tasks moved (after the other case's own).
    pub tasks: usize,
    /// Observables moved (values the other case lacked).
    pub observables: usize,
    /// Observables absorbed by the other case's copy of the same value.
    pub observables_combined: usize,
}

/// Moves everything `from` holds onto `into`, both locked by the caller.
pub(super) async fn move_all(
    tx: &mut DbConn<'_>,
    from: &Case,
    into: &Case,
    now: DateTime<Utc>,
) -> Result<Moved, Failure> {
    let comments = case_merge::move_comments(tx, from.id, into.id).await?;
    let attachments = case_merge::move_attachments(tx, from.id, into.id).await?;
    let last = i32::try_from(tasks::count(tx, into.id).await?).unwrap_or(i32::MAX);
    let tasks = case_merge::move_tasks(tx, from.id, into.id, last).await?;
    let (observables, observables_combined) = move_observables(tx, from, into, now.into()).await?;
    Ok(Moved { comments, attachments, tasks, observables, observables_combined })
}

/// Moves the observables of `from` whose values `into` lacks; folds the
/// others into `into`'s copies. Answers (moved, combined).
async fn move_observables(
    tx: &mut DbConn<'_>,
    from: &Case,
    into: &Case,
    now: DbTime,
) -> Result<(usize, usize), StoreError> {
    let theirs = case_merge::observables_of(tx, from.id).await?;
    if theirs.is_empty() {
        return Ok((0, 0));
    }
    let ours: HashMap<(String, String), ObservableRow> = case_merge::observables_of(tx, into.id)
        .await?
        .into_iter()
        .map(|row| ((row.kind.clone(), row.value_key.clone()), row))
        .collect();
    let mut dropped = Vec::new();
    for duplicate in &theirs {
        let Some(own) = ours.get(&(duplicate.kind.clone(), duplicate.value_key.clone())) else { continue };
        case_merge::absorb(tx, own.id, absorbed(own, duplicate, now)).await?;
        dropped.push(duplicate.id);
    }
    let moved = case_merge::move_observables(tx, from.id, into.id, &dropped).await?;
    Ok((moved, dropped.len()))
}

/// `own` after taking in `duplicate`; tags beyond the limit are left out
/// (`own`'s first).
fn absorbed(own: &ObservableRow, duplicate: &ObservableRow, now: DbTime) -> Absorbed {
    let tags = |row: &ObservableRow| serde_json::from_str::<Vec<String>>(&row.tags).unwrap_or_default();
    let mut all = tags(own);
    for tag in tags(duplicate) {
        if all.len() < MAX_TAGS && !all.contains(&tag) {
            all.push(tag);
        }
    }
    Absorbed {
        first_seen_at: own.first_seen_at.min(duplicate.first_seen_at),
        last_seen_at: own.last_seen_at.max(duplicate.last_seen_at),
        is_ioc: own.is_ioc || duplicate.is_ioc,
        sighted: own.sighted || duplicate.sighted,
        tags: serde_json::to_string(&all).unwrap_or_else(|_| own.tags.clone()),
        updated_at: now,
    }
}
