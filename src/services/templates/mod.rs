//! Case templates: a workspace's recipes for opening a case (defaults for
//! its fields and a checklist of tasks). Admins write them, members read
//! them; `createCase` with a `template_id` applies one (see the case
//! service).

mod error;
mod input;
mod model;
mod service;

pub use error::TemplateError;
pub use input::{NewTemplate, RawCaseDefaults, RawTemplateTask, TemplateUpdate};
pub use model::{CaseDefaults, CaseTemplate, TemplateTask, due_after, load, strip_field};
pub use service::TemplateService;
