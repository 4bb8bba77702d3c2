//! How long deleted cases wait in the trash, and how often the purge job
//! looks for those whose time is up.

use std::time::Duration;

use clap::Args;

/// Longest retention accepted: ten years.
const MAX_RETENTION: Duration = Duration::from_secs(3650 * 24 * 3600);

/// The trash of deleted cases.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Trash")]
pub struct TrashConfig {
    /// How long a deleted case stays in the trash, where admins can restore
    /// it, before the purge job deletes it for good with everything it
    /// holds (`30days`, `12h`...; at most 10 years).
    #[arg(long = "trash-retention", value_name = "TRASH_RETENTION", global = true,
        env = "CASEBOOK_TRASH_RETENTION", default_value = "30days", value_parser = parse_retention)]
    pub retention: Duration,

    /// How often each instance's purge job looks for cases whose retention
    /// has ended (1s to 1d).
    #[arg(long = "trash-purge-interval", value_name = "TRASH_PURGE_INTERVAL", global = true,
        env = "CASEBOOK_TRASH_PURGE_INTERVAL", default_value = "10m", value_parser = parse_purge_interval)]
    pub purge_interval: Duration,
}

fn parse_retention(raw: &str) -> Result<Duration, String> {
    let retention = humantime::parse_duration(raw).map_err(|err| err.to_string())?;
    if retention < Duration::from_secs(1) || retention > MAX_RETENTION {
        return Err("must be from 1s to 3650days".into());
    }
    Ok(retention)
}

fn parse_purge_interval(raw: &str) -> Result<Duration, String> {
    let every = humantime::parse_duration(raw).map_err(|err| err.to_string())?;
    if every < Duration::from_secs(1) || every > Duration::from_secs(24 * 3600) {
        return Err("must be from 1s to 1d".into());
    }
    Ok(every)
}
