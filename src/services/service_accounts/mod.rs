//! Service accounts: machine principals of one workspace, with a role like
//! a member's, acting through API keys.

mod keys;
mod model;
mod service;

pub use model::{ApiKey, IssuedKey, NewApiKey, NewServiceAccount, ServiceAccount, ServiceAccountUpdate};
pub use service::ServiceAccountService;
