//! Identity: accounts, passwords and sessions. Every other area learns who a
//! caller is from here.

mod credentials;
mod error;
mod hasher;
mod model;
mod service;
mod session_cache;
mod tokens;

pub use credentials::{DisplayName, Email, Password};
pub use error::IdentityError;
pub use hasher::PasswordHasher;
pub use model::{Account, AccountUpdate, Authenticated, Session, SignIn, SignUp, SignedIn};
pub use service::{IdentityService, IdentitySettings};
pub use tokens::{SigningKey, SigningKeyError, TokenSigner};
