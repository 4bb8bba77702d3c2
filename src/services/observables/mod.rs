//! Observables: the facts of an incident (addresses, names, URLs, hashes...),
//! each in the canonical form of its type so that one fact is one row per
//! case, and correlated across the workspace's cases.

mod batch;
mod events;
mod import;
mod input;
mod model;
mod normalise;
mod related;
mod service;

use sha2::{Digest, Sha256};

pub use batch::{BatchAnswer, BatchItem, ItemOutcome, MAX_BATCH_ITEMS, OutcomeKind, add_within, fingerprint};
pub use import::{ImportAnswer, ImportDefaults, ImportFormat, ObservableImport};
pub use input::{NewObservable, ObservableQuery, ObservableUpdate, RawNewObservable};
pub use model::{Observable, ObservableType, Source, Tlp};
pub use normalise::{Normalised, normalise, note_on};
pub use related::RelatedCase;
pub use service::{Added, Correlated, ObservableService, correlate};

use crate::platform::hex;

/// Longest value kept whole in the index key; longer ones are keyed by digest.
const KEY_MAX_CHARS: usize = 200;

/// What uniqueness and correlation compare: the value, or `sha256:` and
/// its digest when it is longer than 200 characters.
pub fn value_key(value: &str) -> String {
    match value.chars().count() <= KEY_MAX_CHARS {
        true => value.to_owned(),
        false => format!("sha256:{}", hex::lower(&Sha256::digest(value.as_bytes()))),
    }
}
