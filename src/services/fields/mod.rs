//! Custom fields: definitions per workspace (admins write, members read),
//! and the rules for their values on cases. Cases check values against the
//! definitions ([`values`]); changing or deleting a definition that cases
//! use clears those values only when asked.

mod apply;
mod clear;
mod error;
mod input;
mod model;
mod service;
mod values;

pub use apply::{apply, definitions};
pub use error::FieldError;
pub use input::{FieldUpdate, NewField};
pub use model::{FieldDefinition, FieldType};
pub use service::FieldService;
pub use values::{Comparison, Operand, check, index_entries, member_of, operand};
