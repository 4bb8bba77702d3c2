//! Settings: every one is a CLI flag with a matching `CASEBOOK_*` environment
//! variable, documented once, in its group (this text is what
//! `casebook --help` shows). Secrets are held so that no `Debug` or log line
//! can print them.

mod groups;
pub mod signing_keys;
mod trash;

use std::path::PathBuf;

use clap::{Args, FromArgMatches, Parser, Subcommand};

pub use self::groups::{
    AuthConfig, DatabaseConfig, EvidenceConfig, LogConfig, RateSetting, ScanConfig, ServerConfig,
    WebhookConfig,
};
pub use self::trash::TrashConfig;
pub use crate::platform::logging::LogFormat;
use crate::store::DatabaseUrl;
use crate::store::evidence::{EvidenceLocation, S3Location};

/// Casebook: incident case management for security teams, as an
/// OpenAPI-first REST API server.
#[derive(Debug, Parser)]
#[command(name = "casebook", version, about, long_about = None)]
pub struct Cli {
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Settings (flags override environment variables).
    #[command(flatten)]
    pub settings: Settings,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply pending migrations, then serve the API (the default).
    Serve,
    /// Apply pending database migrations, index the cases that have no
    /// search text yet (loaded into the database directly), and exit.
    Migrate,
    /// Print the OpenAPI document as YAML, or write it to a file.
    Openapi {
        /// Write the document here instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Print a new random token signing key (for CASEBOOK_TOKEN_KEYS).
    GenerateKey,
}

/// Everything the server can be configured with, by concern.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Which database, and how many connections to it.
    #[command(flatten)]
    pub database: DatabaseConfig,
    /// Where the server listens and how it treats requests.
    #[command(flatten)]
    pub server: ServerConfig,
    /// Sessions, token keys, password hashing and rate limits.
    #[command(flatten)]
    pub auth: AuthConfig,
    /// Background scans.
    #[command(flatten)]
    pub scans: ScanConfig,
    /// Attachment contents and limits.
    #[command(flatten)]
    pub evidence: EvidenceConfig,
    /// Outbound webhooks.
    #[command(flatten)]
    pub webhooks: WebhookConfig,
    /// Deleted cases.
    #[command(flatten)]
    pub trash: TrashConfig,
    /// Logs.
    #[command(flatten)]
    pub log: LogConfig,
}

/// Default pool size with a database server (PostgreSQL, MySQL/MariaDB).
const SERVER_POOL_SIZE: u32 = 8;
/// Largest default pool size with SQLite.
const SQLITE_MAX_POOL_SIZE: u32 = 8;

impl Settings {
    /// The defaults (those of the flags, read from nowhere else: no
    /// environment variable is consulted) with `database_url`, for tests and
    /// embedding.
    pub fn with_database(database_url: DatabaseUrl) -> Self {
        let command = Self::augment_args(clap::Command::new("casebook")).mut_args(|arg| arg.env(None));
        let matches = command.get_matches_from(["casebook"]);
        let mut settings =
            Self::from_arg_matches(&matches).unwrap_or_else(|err| unreachable!("the defaults parse: {err}"));
        settings.database.url = database_url;
        settings
    }

    /// Where attachment contents are kept.
    pub fn evidence_location(&self) -> EvidenceLocation {
        let evidence = &self.evidence;
        if let Some(bucket) = &evidence.s3_bucket {
            return EvidenceLocation::S3(S3Location {
                bucket: bucket.clone(),
                endpoint: evidence.s3_endpoint.clone(),
                region: evidence.s3_region.clone(),
                access_key_id: evidence.s3_access_key_id.clone(),
                secret_access_key: evidence.s3_secret_access_key.clone(),
            });
        }
        let dir = match (&evidence.dir, self.database.url.sqlite_path()) {
            (Some(dir), _) => dir.clone(),
            (None, Some(path)) => {
                let mut name = path.as_os_str().to_owned();
                name.push(".evidence");
                PathBuf::from(name)
            }
            (None, None) => PathBuf::from("casebook-evidence"),
        };
        EvidenceLocation::Directory(dir)
    }

    /// Database connections to pool. SQLite's work is all on this machine's
    /// cores (reads from the OS's file cache, one writer at a time), so more
    /// connections than it has cores to run them add switching and page
    /// caches, not throughput: in the load bench 4 connections on 2 cores
    /// read and wrote faster than 8, in 8 MiB less memory.
    pub fn pool_size(&self) -> u32 {
        self.database.pool_size.unwrap_or_else(|| match self.database.url.sqlite_path() {
            None => SERVER_POOL_SIZE,
            Some(_) => {
                let cores = std::thread::available_parallelism().map_or(1, usize::from);
                u32::try_from(cores.saturating_mul(2)).unwrap_or(u32::MAX).min(SQLITE_MAX_POOL_SIZE)
            }
        })
    }

    /// Password hashes allowed in flight.
    pub fn hash_concurrency(&self) -> usize {
        self.auth
            .password_hash_concurrency
            .map(usize::from)
            .unwrap_or_else(|| std::thread::available_parallelism().map(usize::from).unwrap_or(1))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn defaults_are_safe() {
        let cli = Cli::try_parse_from(["casebook"]).expect("parses");
        assert_eq!(cli.settings.server.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(cli.settings.database.url.to_string(), "sqlite://casebook.db");
        assert_eq!(cli.settings.auth.session_lifetime, Duration::from_secs(86_400));
        assert!(cli.command.is_none());
    }

    #[test]
    fn unsupported_database_urls_are_refused_at_startup() {
        let err = Cli::try_parse_from(["casebook", "--database-url", "oracle://root@localhost/cb"])
            .expect_err("refused");
        assert!(err.to_string().contains("unsupported database URL"), "{err}");
    }

    #[test]
    fn settings_are_accepted_after_a_subcommand() {
        let cli = Cli::try_parse_from(["casebook", "migrate", "--pool-size", "3"]).expect("parses");
        assert_eq!(cli.settings.pool_size(), 3);
        assert!(matches!(cli.command, Some(Command::Migrate)));
    }

    #[test]
    fn the_default_pool_fits_the_backend() {
        let postgres =
            Cli::try_parse_from(["casebook", "--database-url", "postgres://u@localhost/cb"]).expect("parses");
        assert_eq!(postgres.settings.pool_size(), 8);
        let sqlite = Cli::try_parse_from(["casebook", "--database-url", "sqlite://cb.db"]).expect("parses");
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let expected = u32::try_from(cores * 2).expect("small").min(8);
        assert_eq!(sqlite.settings.pool_size(), expected);
        let chosen =
            Cli::try_parse_from(["casebook", "--database-url", "sqlite://cb.db", "--pool-size", "12"])
                .expect("parses");
        assert_eq!(chosen.settings.pool_size(), 12);
    }
}
