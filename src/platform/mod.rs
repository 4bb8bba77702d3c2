//! Infrastructure that is neither business rule nor storage: the clock,
//! metrics and the gauges they read, admission to password hashing and the
//! runtime load it watches, thread priorities and a lowered runtime for
//! background work, rate limiters, hex text, and log setup. Any layer may
//! use it; it uses none of them.

pub mod background;
pub mod clock;
pub mod counted;
pub mod hash_admission;
pub mod hex;
pub mod logging;
pub mod metrics;
pub mod networks;
pub mod outbound;
pub mod priority;
pub mod rate;
pub mod runtime_load;
