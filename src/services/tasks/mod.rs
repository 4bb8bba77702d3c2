//! Tasks: the checklist of a case (contain, collect, eradicate, report),
//! each step owned by a member and due by a time, and the workspace-wide
//! list of them.

mod events;
mod input;
mod list;
mod model;
mod seed;
mod service;

pub use input::{NewTask, RawNewTask, RawTaskQuery, RawTaskUpdate, TaskQuery, TaskSort, TaskUpdate};
pub use model::{Task, TaskStatus};
pub use seed::{FirstTask, seed};
pub use service::TaskService;
