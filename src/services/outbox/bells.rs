//! Bells rung when events are recorded in a workspace, for this instance's
//! live feeds. A bell rings inside the change's transaction, before the
//! commit: whoever hears it reads soon after, and again a little later
//! until the commit shows. Events recorded on other instances ring no
//! bell here; live feeds also read on a timer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::Notify;

use crate::ids::WorkspaceId;

/// The bells of the workspaces someone listens to.
#[derive(Default)]
pub struct Bells {
    bells: Mutex<HashMap<WorkspaceId, Arc<Notify>>>,
}

impl Bells {
    fn bells(&self) -> MutexGuard<'_, HashMap<WorkspaceId, Arc<Notify>>> {
        self.bells.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The bell of `workspace`, hung now if it was not.
    pub fn hang(&self, workspace: WorkspaceId) -> Arc<Notify> {
        self.bells().entry(workspace).or_default().clone()
    }

    /// Takes down the bell of `workspace`: no one listens any more.
    pub fn take_down(&self, workspace: WorkspaceId) {
        self.bells().remove(&workspace);
    }

    /// Rings the bell of `workspace`, if one hangs (a listener busy reading
    /// hears it when it next waits).
    pub fn ring(&self, workspace: WorkspaceId) {
        if let Some(bell) = self.bells().get(&workspace) {
            bell.notify_one();
        }
    }
}
