//! Links between cases of a workspace: one relates to another, duplicates
//! it, or is its parent. A link is made from either end and shown from
//! both, each end seeing its own side (`parent_of` from one, `child_of`
//! from the other). Two cases have at most one link; `parent_of` links
//! never form a cycle. Members read links; editors and admins make and
//! remove them, and each change is recorded in both cases' trails.

mod error;
mod events;
mod model;
mod relink;
mod service;

pub use error::LinkError;
pub use model::{CaseLink, LinkType, LinkedCaseSummary, NewLink};
pub use relink::Relinked;
pub(crate) use relink::relink;
pub use service::LinkService;
pub(crate) use service::all_of_case;
