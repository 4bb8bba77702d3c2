//! The `casebook` binary: parse the command line, set up logging, run.

use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

use casebook::app::App;
use casebook::config::{Cli, Command, Settings};
use casebook::services::identity::SigningKey;
use casebook::store::Store;
use casebook::{api, telemetry};

/// mimalloc instead of the system allocator: with glibc's per-thread arenas,
/// memory freed by one burst (19 MiB per password hash, buffers of many
/// connections) stayed resident; the load bench measured the difference.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Blocking threads beyond one per pooled connection, for file I/O (the
/// evidence directory) and name lookups.
const SPARE_BLOCKING_THREADS: usize = 8;

/// mimalloc's `mi_option_purge_delay` (its place in `mi_option_t`, stable
/// across mimalloc's versions: retired options keep their numbers).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Has mimalloc return freed memory to the OS at once rather than after its
/// default delay (1 s in mimalloc v3). A sign-in holds 19
/// MiB for its hash; with the delay, freed pages of bursts stayed resident
/// on top of the hashes in flight and the load bench's peak RSS was 5 MiB
/// higher, for no throughput gained. `MIMALLOC_PURGE_DELAY` in the
/// environment, which mimalloc reads itself, still wins.
fn return_freed_memory_promptly() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // SAFETY: an integer option, no pointers. Called first thing in `main`,
    // before any other thread exists, so nothing reads the option while it
    // is written (mimalloc's options are plain globals).
    #[allow(unsafe_code)]
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0);
    }
}

fn main() -> ExitCode {
    return_freed_memory_promptly();
    let cli = Cli::parse();
    // SQLite runs each query on a blocking thread, so a pool of N needs N of
    // them at once. Tokio's default allows 512, and under load it kept ~40
    // alive, each with its own allocator heap (the bench's SQLite RSS).
    let blocking = usize::try_from(cli.settings.pool_size()).unwrap_or(usize::MAX);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(blocking.saturating_add(SPARE_BLOCKING_THREADS))
        .build();
    let outcome = match runtime {
        Ok(runtime) => runtime.block_on(run(cli)),
        Err(err) => Err(anyhow::Error::new(err).context("starting the async runtime")),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("casebook: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = cli.settings;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Openapi { output: None } => {
            print!("{}", api::openapi_yaml());
            Ok(())
        }
        Command::Openapi { output: Some(path) } => {
            std::fs::write(&path, api::openapi_yaml()).with_context(|| format!("writing {}", path.display()))
        }
        Command::GenerateKey => {
            println!("{}", SigningKey::generate().context("reading the system's random source")?.encode());
            Ok(())
        }
        Command::Migrate => {
            init_logging(&settings)?;
            let store = Store::connect(&settings.database_url, 1).await?;
            let applied = store.run_migrations().await?;
            println!("applied {} migration(s) to {}", applied.len(), settings.database_url);
            Ok(())
        }
        Command::Serve => {
            init_logging(&settings)?;
            let app = App::build(&settings).await?;
            app.run_until(shutdown_signal()).await.context("serving")
        }
    }
}

fn init_logging(settings: &Settings) -> anyhow::Result<()> {
    telemetry::init(&settings.log_level, settings.log_format).context("CASEBOOK_LOG_LEVEL")
}

/// Completes on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = interrupt => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
