//! The settings groups, one per concern. Each setting is a flag with a
//! matching `CASEBOOK_*` environment variable; its default is stated here
//! once, in its `#[arg]`, and `casebook --help` shows this text under the
//! group's heading.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use secrecy::SecretString;

use crate::platform::logging::LogFormat;
use crate::platform::networks::Networks;
use crate::platform::rate::Rate;
use crate::services::attachments::AllowedTypes;
use crate::services::attachments::DEFAULT_ALLOWED_TYPES as DEFAULT_ALLOWED;
use crate::services::identity::SigningKey;
use crate::services::scans::Scope;
use crate::services::webhooks::DEFAULT_DENIED;
use crate::store::DatabaseUrl;

/// Which database, and how many connections to it.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Database")]
pub struct DatabaseConfig {
    /// Database URL: sqlite://PATH for an embedded SQLite file,
    /// postgres://USER:PASSWORD@HOST:PORT/DATABASE for PostgreSQL, or
    /// mysql://USER:PASSWORD@HOST:PORT/DATABASE (or mariadb://...) for
    /// MySQL 8.0+ or MariaDB 10.6+.
    #[arg(long = "database-url", value_name = "DATABASE_URL", global = true, env = "CASEBOOK_DATABASE_URL", default_value = "sqlite://casebook.db",
        value_parser = DatabaseUrl::parse)]
    pub url: DatabaseUrl,

    /// Most database connections held open at once. Default: 8 with
    /// PostgreSQL or MySQL/MariaDB; with SQLite two per CPU core, at most 8.
    #[arg(long, global = true, env = "CASEBOOK_POOL_SIZE",
        value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub pool_size: Option<u32>,

    /// PostgreSQL connections shared by concurrent reads, besides the pool.
    /// Each carries many requests' single-statement reads at once
    /// (pipelined), with fewer round trips than a connection per request;
    /// 0 sends every read to the pool. Ignored with SQLite and MySQL/MariaDB.
    #[arg(long, global = true, env = "CASEBOOK_READ_CONNECTIONS", default_value_t = 4,
        value_parser = clap::value_parser!(u16).range(0..=64))]
    pub read_connections: u16,

    /// MySQL/MariaDB only: how often each instance polls the change log for
    /// changes other instances made (ended sessions, changed roles), which
    /// PostgreSQL pushes with LISTEN/NOTIFY instead. A change made on one
    /// instance reaches the others' caches within this time.
    #[arg(long, global = true, env = "CASEBOOK_CHANGE_POLL_INTERVAL", default_value = "250ms",
        value_parser = parse_poll_interval)]
    pub change_poll_interval: Duration,
}

/// Where the server listens and how it treats requests.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Server")]
pub struct ServerConfig {
    /// Address to listen on. Binds to loopback unless told otherwise.
    #[arg(long, global = true, env = "CASEBOOK_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Largest JSON (or CSV and text) request body accepted, in bytes; larger ones answer 413.
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

    /// Serve `/metrics` on this address instead of the main listener (which
    /// then answers 404 for it). Unset: metrics are on the main listener.
    #[arg(long, global = true, env = "CASEBOOK_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,

    /// How long in-flight requests may take to finish after SIGTERM or
    /// SIGINT before the server exits anyway.
    #[arg(long, global = true, env = "CASEBOOK_SHUTDOWN_GRACE", default_value = "10s", value_parser = parse_timeout)]
    pub shutdown_grace: Duration,
}

/// Sessions, token keys, password hashing and rate limits.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Sign-in")]
pub struct AuthConfig {
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

    /// Authenticated API calls allowed per API key: `N/period` or `off`.
    /// Each key has its own bucket, apart from its service account's others.
    #[arg(long, global = true, env = "CASEBOOK_RATE_LIMIT_PER_API_KEY", default_value = "1200/1m", value_parser = RateSetting::parse)]
    pub rate_limit_per_api_key: RateSetting,
}

/// Background scan workers and what they may scan.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Scans")]
pub struct ScanConfig {
    /// Scan workers per instance (each runs one scan at a time).
    #[arg(long = "scan-workers", value_name = "SCAN_WORKERS", global = true, env = "CASEBOOK_SCAN_WORKERS", default_value_t = 2,
        value_parser = clap::value_parser!(u16).range(0..=64))]
    pub workers: u16,

    /// How long a worker's claim on a scan lasts without renewal; a scan
    /// whose instance died is taken over after this.
    #[arg(long = "scan-lease", value_name = "SCAN_LEASE", global = true, env = "CASEBOOK_SCAN_LEASE", default_value = "30s", value_parser = parse_lifetime)]
    pub lease: Duration,

    /// Networks this server may scan, comma-separated CIDR blocks. A target
    /// outside them is refused (422 TARGET_OUT_OF_SCOPE) and nothing is sent.
    #[arg(long = "scan-allowed-networks", value_name = "SCAN_ALLOWED_NETWORKS", global = true, env = "CASEBOOK_SCAN_ALLOWED_NETWORKS", default_value = "127.0.0.0/8,::1/128",
        value_parser = Scope::parse)]
    pub allowed_networks: Scope,
}

/// Outbound webhooks: where deliveries may go.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Webhooks")]
pub struct WebhookConfig {
    /// Networks webhooks may always reach, comma-separated CIDR blocks, even
    /// inside the denied ones; only these may take plain `http` URLs.
    #[arg(id = "webhook_allowed_networks", long = "webhook-allowed-networks", value_name = "WEBHOOK_ALLOWED_NETWORKS", global = true,
        env = "CASEBOOK_WEBHOOK_ALLOWED_NETWORKS", default_value = "", value_parser = Networks::parse)]
    pub allowed_networks: Networks,

    /// Networks webhooks may not reach, comma-separated CIDR blocks: by
    /// default loopback, private, shared, link-local (cloud metadata),
    /// multicast and reserved ranges, so a webhook cannot be aimed at the
    /// server's own network. Checked when a subscription is made or its URL
    /// changed, and again before every delivery (the checked address is
    /// the one connected to).
    #[arg(id = "webhook_denied_networks", long = "webhook-denied-networks", value_name = "WEBHOOK_DENIED_NETWORKS", global = true,
        env = "CASEBOOK_WEBHOOK_DENIED_NETWORKS", default_value = DEFAULT_DENIED, value_parser = Networks::parse)]
    pub denied_networks: Networks,

    /// Delivery workers per instance (each sends one subscription's
    /// events at a time, in order); 0 sends nothing from this instance.
    #[arg(id = "webhook_workers", long = "webhook-workers", value_name = "WEBHOOK_WORKERS", global = true,
        env = "CASEBOOK_WEBHOOK_WORKERS", default_value_t = 4, value_parser = clap::value_parser!(u16).range(0..=64))]
    pub workers: u16,
}

/// Where attachment contents are kept, and what is accepted.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Evidence")]
pub struct EvidenceConfig {
    /// Evidence directory (where attachment contents are kept when no S3
    /// bucket is set). Default: beside the SQLite database (`casebook.db`
    /// keeps evidence in `casebook.db.evidence/`), or `casebook-evidence/`
    /// with PostgreSQL.
    #[arg(long = "evidence-dir", value_name = "EVIDENCE_DIR", global = true, env = "CASEBOOK_EVIDENCE_DIR")]
    pub dir: Option<PathBuf>,

    /// Keep attachment contents in this S3 bucket instead of a directory,
    /// so that several instances share them.
    #[arg(
        long = "evidence-s3-bucket",
        value_name = "EVIDENCE_S3_BUCKET",
        global = true,
        env = "CASEBOOK_EVIDENCE_S3_BUCKET"
    )]
    pub s3_bucket: Option<String>,

    /// S3-compatible endpoint URL (MinIO, Ceph, ...); unset for AWS.
    #[arg(
        long = "evidence-s3-endpoint",
        value_name = "EVIDENCE_S3_ENDPOINT",
        global = true,
        env = "CASEBOOK_EVIDENCE_S3_ENDPOINT"
    )]
    pub s3_endpoint: Option<String>,

    /// S3 region.
    #[arg(
        long = "evidence-s3-region",
        value_name = "EVIDENCE_S3_REGION",
        global = true,
        env = "CASEBOOK_EVIDENCE_S3_REGION",
        default_value = "us-east-1"
    )]
    pub s3_region: String,

    /// S3 access key id (unset: the usual AWS_* variables are used).
    #[arg(
        long = "evidence-s3-access-key-id",
        value_name = "EVIDENCE_S3_ACCESS_KEY_ID",
        global = true,
        env = "CASEBOOK_EVIDENCE_S3_ACCESS_KEY_ID",
        hide_env_values = true
    )]
    pub s3_access_key_id: Option<String>,

    /// S3 secret access key.
    #[arg(
        long = "evidence-s3-secret-access-key",
        value_name = "EVIDENCE_S3_SECRET_ACCESS_KEY",
        global = true,
        env = "CASEBOOK_EVIDENCE_S3_SECRET_ACCESS_KEY",
        hide_env_values = true
    )]
    pub s3_secret_access_key: Option<SecretString>,

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
}

/// What is logged and how it looks.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Logging")]
pub struct LogConfig {
    /// Log filter: a level (error, warn, info, debug, trace) or tracing
    /// directives such as `info,casebook=debug`.
    #[arg(
        long = "log-level",
        value_name = "LOG_LEVEL",
        global = true,
        env = "CASEBOOK_LOG_LEVEL",
        default_value = "info"
    )]
    pub level: String,

    /// Log line format.
    #[arg(long = "log-format", value_name = "LOG_FORMAT", global = true, env = "CASEBOOK_LOG_FORMAT", value_enum, default_value_t = LogFormat::Pretty)]
    pub format: LogFormat,
}

/// A rate limit setting: `N/period`, or `off` (`None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateSetting(pub Option<Rate>);

impl RateSetting {
    pub(super) fn parse(raw: &str) -> Result<Self, String> {
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

fn parse_poll_interval(raw: &str) -> Result<Duration, String> {
    let every = humantime::parse_duration(raw).map_err(|err| err.to_string())?;
    if every < Duration::from_millis(10) || every > Duration::from_secs(60) {
        return Err("must be from 10ms to 1m".into());
    }
    Ok(every)
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
