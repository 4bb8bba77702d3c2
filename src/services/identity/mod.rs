//! Identity: accounts, passwords, sessions and API keys. Every other area learns who a
//! caller is from here.

pub mod api_key_secret;
mod api_keys;
mod credentials;
mod error;
mod hasher;
mod model;
mod service;
mod session_cache;
mod tokens;

pub use api_keys::KeyAuthenticator;
pub use credentials::{DisplayName, Email, Password};
pub use error::IdentityError;
pub use hasher::PasswordHasher;
pub use model::{
    Account, AccountUpdate, Authenticated, KeyHolder, Principal, Session, SignIn, SignUp, SignedIn,
};
pub use service::{IdentityService, IdentitySettings};
pub use tokens::{SigningKey, SigningKeyError, TokenSigner};
