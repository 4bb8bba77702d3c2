//! Settings: every one is a CLI flag with a matching `CASEBOOK_*` environment
//! variable, documented once here (this text is what `casebook --help` shows).

pub mod signing_keys;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

pub use crate::platform::logging::LogFormat;
use crate::platform::rate::Rate;
use crate::services::attachments::AllowedTypes;
use crate::services::attachments::DEFAULT_ALLOWED_TYPES as DEFAULT_ALLOWED;
use crate::services::identity::SigningKey;
use crate::services::scans::Scope;
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
    /// Apply pending database migrations and exit.
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

/// Everything the server can be configured with.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Database URL: sqlite://PATH for an embedded SQLite file, or
    /// postgres://USER:PASSWORD@HOST:PORT/DATABASE for PostgreSQL.
    #[arg(long, global = true, env = "CASEBOOK_DATABASE_URL", default_value = "sqlite://casebook.db",
        value_parser = DatabaseUrl::parse)]
    pub database_url: DatabaseUrl,

    /// Address to listen on. Binds to loopback unless told otherwise.
    #[arg(long, global = true, env = "CASEBOOK_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Most database connections held open at once. Default: 8 with
    /// PostgreSQL; with SQLite two per CPU core, at most 8.
    #[arg(long, global = true, env = "CASEBOOK_POOL_SIZE",
        value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub pool_size: Option<u32>,

    /// PostgreSQL connections shared by concurrent reads, besides the pool.
    /// Each carries many requests' single-statement reads at once
    /// (pipelined), with fewer round trips than a connection per request;
    /// 0 sends every read to the pool. Ignored with SQLite.
    #[arg(long, global = true, env = "CASEBOOK_READ_CONNECTIONS", default_value_t = 4,
        value_parser = clap::value_parser!(u16).range(0..=64))]
    pub read_connections: u16,

    /// How long a session lasts after sign-in (for example 24h, 30m, 7days).
    #[arg(long, global = true, env = "CASEBOOK_SESSION_LIFETIME", default_value = "24h",
        value_parser = parse_lifetime)]
    pub session_lifetime: Duration,

    /// Token signing keys, comma-separated, each base64 of at least 32 bytes
    /// (make one with `casebook generate-key`). The first signs new tokens;
    /// all verify, so keys can be rotated. Required with PostgreSQL; with
    /// SQLite, when unset, a key is generated once and kept in a file beside
    /// the database (mode 0600).
    #[arg(long, global = true, env = "CASEBOOK_TOKEN_KEYS", value_delimiter = ',',
        hide_env_values = true, value_parser = SigningKey::parse)]
    pub token_keys: Vec<SigningKey>,

    /// How long a signed-in session and a member's role may be served from
    /// memory instead of the database (`0s`: never). Sign-outs and role
    /// changes take effect at once on every instance regardless (PostgreSQL
    /// instances tell each other); this bounds how long a change made
    /// behind Casebook's back (by hand in the database) can go unseen.
    #[arg(long, global = true, env = "CASEBOOK_AUTH_CACHE_TTL", default_value = "30s", value_parser = parse_cache_ttl)]
    pub auth_cache_ttl: Duration,

    /// Most passwords hashed at once (argon2 is deliberately costly); further
    /// sign-ins queue in arrival order. While the server is busy with other
    /// requests, half as many (at least one), leaving them CPU. Default: the
    /// number of CPU cores.
    #[arg(long, global = true, env = "CASEBOOK_PASSWORD_HASH_CONCURRENCY",
        value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub password_hash_concurrency: Option<u16>,

    /// Largest JSON request body accepted, in bytes; larger ones answer 413.
    #[arg(long, global = true, env = "CASEBOOK_JSON_BODY_LIMIT", default_value_t = 1024 * 1024,
        value_parser = clap::value_parser!(u64).range(1024..=64 * 1024 * 1024))]
    pub json_body_limit: u64,

    /// Longest a request may take to produce its response (streams then
    /// run on); a slower one answers 503 and frees its connection.
    #[arg(long, global = true, env = "CASEBOOK_REQUEST_TIMEOUT", default_value = "30s", value_parser = parse_timeout)]
    pub request_timeout: Duration,

    /// Browser origins allowed to call the API (CORS), comma-separated, such
    /// as `https://casebook.example.com`. Empty: no cross-origin access.
    #[arg(long, global = true, env = "CASEBOOK_CORS_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub cors_allowed_origins: Vec<String>,

    /// Sign-ins and sign-ups allowed per client address: `N/period` (such
    /// as `20/1m`) or `off`. Beyond it: 429 with Retry-After.
    #[arg(long, global = true, env = "CASEBOOK_RATE_LIMIT_AUTH_PER_ADDRESS", default_value = "20/1m", value_parser = RateSetting::parse)]
    pub rate_limit_auth_per_address: RateSetting,

    /// Sign-ins and sign-ups allowed per email address: `N/period` or `off`.
    #[arg(long, global = true, env = "CASEBOOK_RATE_LIMIT_AUTH_PER_EMAIL", default_value = "10/1m", value_parser = RateSetting::parse)]
    pub rate_limit_auth_per_email: RateSetting,

    /// Authenticated API calls allowed per account: `N/period` or `off`.
    #[arg(long, global = true, env = "CASEBOOK_RATE_LIMIT_PER_ACCOUNT", default_value = "1200/1m", value_parser = RateSetting::parse)]
    pub rate_limit_per_account: RateSetting,

    /// Serve `/metrics` on this address instead of the main listener (which
    /// then answers 404 for it). Unset: metrics are on the main listener.
    #[arg(long, global = true, env = "CASEBOOK_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,

    /// How long in-flight requests may take to finish after SIGTERM or
    /// SIGINT before the server exits anyway.
    #[arg(long, global = true, env = "CASEBOOK_SHUTDOWN_GRACE", default_value = "10s", value_parser = parse_timeout)]
    pub shutdown_grace: Duration,

    /// Scan workers per instance (each runs one scan at a time).
    #[arg(long, global = true, env = "CASEBOOK_SCAN_WORKERS", default_value_t = 2,
        value_parser = clap::value_parser!(u16).range(0..=64))]
    pub scan_workers: u16,

    /// How long a worker's claim on a scan lasts without renewal; a scan
    /// whose instance died is taken over after this.
    #[arg(long, global = true, env = "CASEBOOK_SCAN_LEASE", default_value = "30s", value_parser = parse_lifetime)]
    pub scan_lease: Duration,

    /// Networks this server may scan, comma-separated CIDR blocks. A target
    /// outside them is refused (422 TARGET_OUT_OF_SCOPE) and nothing is sent.
    #[arg(long, global = true, env = "CASEBOOK_SCAN_ALLOWED_NETWORKS", default_value = "127.0.0.0/8,::1/128",
        value_parser = Scope::parse)]
    pub scan_allowed_networks: Scope,

    /// Evidence directory (where attachment contents are kept when no S3
    /// bucket is set). Default: beside the SQLite database (`casebook.db`
    /// keeps evidence in `casebook.db.evidence/`), or `casebook-evidence/`
    /// with PostgreSQL.
    #[arg(long, global = true, env = "CASEBOOK_EVIDENCE_DIR")]
    pub evidence_dir: Option<PathBuf>,

    /// Keep attachment contents in this S3 bucket instead of a directory,
    /// so that several instances share them.
    #[arg(long, global = true, env = "CASEBOOK_EVIDENCE_S3_BUCKET")]
    pub evidence_s3_bucket: Option<String>,

    /// S3-compatible endpoint URL (MinIO, Ceph, ...); unset for AWS.
    #[arg(long, global = true, env = "CASEBOOK_EVIDENCE_S3_ENDPOINT")]
    pub evidence_s3_endpoint: Option<String>,

    /// S3 region.
    #[arg(long, global = true, env = "CASEBOOK_EVIDENCE_S3_REGION", default_value = "us-east-1")]
    pub evidence_s3_region: String,

    /// S3 access key id (unset: the usual AWS_* variables are used).
    #[arg(long, global = true, env = "CASEBOOK_EVIDENCE_S3_ACCESS_KEY_ID", hide_env_values = true)]
    pub evidence_s3_access_key_id: Option<String>,

    /// S3 secret access key.
    #[arg(long, global = true, env = "CASEBOOK_EVIDENCE_S3_SECRET_ACCESS_KEY", hide_env_values = true)]
    pub evidence_s3_secret_access_key: Option<String>,

    /// Largest attachment accepted, in bytes; larger uploads answer 413
    /// and nothing is kept.
    #[arg(long, global = true, env = "CASEBOOK_ATTACHMENT_MAX_SIZE", default_value_t = 25 * 1024 * 1024,
        value_parser = clap::value_parser!(u64).range(1..=1024 * 1024 * 1024 * 1024))]
    pub attachment_max_size: u64,

    /// Most attachments on one case or one scan.
    #[arg(long, global = true, env = "CASEBOOK_ATTACHMENT_MAX_COUNT", default_value_t = 100,
        value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub attachment_max_count: u32,

    /// Media types accepted for attachments, comma-separated. Files are
    /// judged by their content; a file that is not what it claims, or not
    /// of these types, answers 415.
    #[arg(long, global = true, env = "CASEBOOK_ATTACHMENT_TYPES", default_value = DEFAULT_ALLOWED,
        value_parser = AllowedTypes::parse)]
    pub attachment_types: AllowedTypes,

    /// Log filter: a level (error, warn, info, debug, trace) or tracing
    /// directives such as `info,casebook=debug`.
    #[arg(long, global = true, env = "CASEBOOK_LOG_LEVEL", default_value = "info")]
    pub log_level: String,

    /// Log line format.
    #[arg(long, global = true, env = "CASEBOOK_LOG_FORMAT", value_enum, default_value_t = LogFormat::Pretty)]
    pub log_format: LogFormat,
}

/// Default pool size with PostgreSQL.
const POSTGRES_POOL_SIZE: u32 = 8;
/// Largest default pool size with SQLite.
const SQLITE_MAX_POOL_SIZE: u32 = 8;

impl Settings {
    /// Defaults for `database_url`, as if no flag or variable were given
    /// (for tests and embedding).
    pub fn with_database(database_url: DatabaseUrl) -> Self {
        Self {
            database_url,
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            pool_size: None,
            read_connections: 4,
            session_lifetime: Duration::from_secs(24 * 60 * 60),
            token_keys: Vec::new(),
            password_hash_concurrency: None,
            auth_cache_ttl: Duration::from_secs(30),
            json_body_limit: 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            cors_allowed_origins: Vec::new(),
            rate_limit_auth_per_address: RateSetting(Some(Rate {
                count: 20,
                period: Duration::from_secs(60),
            })),
            rate_limit_auth_per_email: RateSetting(Some(Rate { count: 10, period: Duration::from_secs(60) })),
            rate_limit_per_account: RateSetting(Some(Rate { count: 1200, period: Duration::from_secs(60) })),
            metrics_listen: None,
            shutdown_grace: Duration::from_secs(10),
            scan_workers: 2,
            scan_lease: Duration::from_secs(30),
            scan_allowed_networks: Scope::parse("127.0.0.0/8,::1/128").unwrap_or_else(|_| unreachable!()),
            evidence_dir: None,
            evidence_s3_bucket: None,
            evidence_s3_endpoint: None,
            evidence_s3_region: "us-east-1".into(),
            evidence_s3_access_key_id: None,
            evidence_s3_secret_access_key: None,
            attachment_max_size: 25 * 1024 * 1024,
            attachment_max_count: 100,
            attachment_types: AllowedTypes::parse(DEFAULT_ALLOWED).unwrap_or_else(|_| unreachable!()),
            log_level: "info".into(),
            log_format: LogFormat::Pretty,
        }
    }

    /// Where attachment contents are kept.
    pub fn evidence_location(&self) -> EvidenceLocation {
        if let Some(bucket) = &self.evidence_s3_bucket {
            return EvidenceLocation::S3(S3Location {
                bucket: bucket.clone(),
                endpoint: self.evidence_s3_endpoint.clone(),
                region: self.evidence_s3_region.clone(),
                access_key_id: self.evidence_s3_access_key_id.clone(),
                secret_access_key: self.evidence_s3_secret_access_key.clone(),
            });
        }
        let dir = match (&self.evidence_dir, &self.database_url) {
            (Some(dir), _) => dir.clone(),
            (None, DatabaseUrl::Sqlite(path)) => {
                let mut name = path.as_os_str().to_owned();
                name.push(".evidence");
                PathBuf::from(name)
            }
            (None, DatabaseUrl::Postgres(_)) => PathBuf::from("casebook-evidence"),
        };
        EvidenceLocation::Directory(dir)
    }

    /// Database connections to pool. SQLite's work is all on this machine's
    /// cores (reads from the OS's file cache, one writer at a time), so more
    /// connections than it has cores to run them add switching and page
    /// caches, not throughput: in the load bench 4 connections on 2 cores
    /// read and wrote faster than 8, in 8 MiB less memory.
    pub fn pool_size(&self) -> u32 {
        self.pool_size.unwrap_or_else(|| match self.database_url {
            DatabaseUrl::Postgres(_) => POSTGRES_POOL_SIZE,
            DatabaseUrl::Sqlite(_) => {
                let cores = std::thread::available_parallelism().map_or(1, usize::from);
                u32::try_from(cores.saturating_mul(2)).unwrap_or(u32::MAX).min(SQLITE_MAX_POOL_SIZE)
            }
        })
    }

    /// Password hashes allowed in flight.
    pub fn hash_concurrency(&self) -> usize {
        self.password_hash_concurrency
            .map(usize::from)
            .unwrap_or_else(|| std::thread::available_parallelism().map(usize::from).unwrap_or(1))
    }
}

/// A rate limit setting: `N/period`, or `off` (`None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateSetting(pub Option<Rate>);

impl RateSetting {
    fn parse(raw: &str) -> Result<Self, String> {
        Rate::parse(raw).map(Self)
    }
}

fn parse_timeout(raw: &str) -> Result<Duration, String> {
    let timeout = humantime::parse_duration(raw).map_err(|err| err.to_string())?;
    if timeout.is_zero() {
        return Err("must be more than 0".into());
    }
    Ok(timeout)
}

fn parse_cache_ttl(raw: &str) -> Result<Duration, String> {
    let ttl = humantime::parse_duration(raw).map_err(|err| err.to_string())?;
    if ttl > Duration::from_secs(600) {
        return Err("must be at most 10m".into());
    }
    Ok(ttl)
}

fn parse_lifetime(raw: &str) -> Result<Duration, String> {
    let lifetime = humantime::parse_duration(raw).map_err(|err| err.to_string())?;
    if lifetime < Duration::from_secs(1) {
        return Err("must be at least 1s".into());
    }
    Ok(lifetime)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_safe() {
        let cli = Cli::try_parse_from(["casebook"]).expect("parses");
        assert_eq!(cli.settings.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(cli.settings.database_url.to_string(), "sqlite://casebook.db");
        assert_eq!(cli.settings.session_lifetime, Duration::from_secs(86_400));
        assert!(cli.command.is_none());
    }

    #[test]
    fn unsupported_database_urls_are_refused_at_startup() {
        let err = Cli::try_parse_from(["casebook", "--database-url", "mysql://root@localhost/cb"])
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
