//! The `casebook` binary: parse the command line, set up logging, run.

use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

use casebook::api;
use casebook::app::App;
use casebook::config::{Cli, Command, Settings};
use casebook::platform::logging;
use casebook::services::identity::SigningKey;
use casebook::services::search;
use casebook::store::Store;

/// mimalloc instead of the system allocator: with glibc's per-thread arenas,
/// memory freed by one burst (19 MiB per password hash, buffers of many
/// connections) stayed resident; the load bench measured the difference.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Blocking threads beyond one per pooled connection, for file I/O (the
/// evidence directory) and name lookups.
const SPARE_BLOCKING_THREADS: usize = 8;

/// mimalloc options set at startup: (its place in `mi_option_t`, stable
/// across mimalloc's versions since retired options keep their numbers;
/// the environment variable that overrides it, which mimalloc reads itself;
/// the value Casebook sets).
///
/// - `purge_delay` 0: return freed memory to the OS at once rather than
///   after mimalloc v3's default second. A sign-in holds 19 MiB for its
///   hash; with the delay, pages freed by bursts stayed resident on top of
///   the hashes in flight and the load bench's peak RSS was 5 MiB higher,
///   for no throughput gained.
/// - `page_reclaim_on_free` -1: a thread freeing into a full page that its
///   own heap gave up does not take that page back; the page returns to the
///   shared pool, where any thread's next allocation of that size reuses
///   it. Otherwise each runtime thread gathers partly used pages of every
///   size, and a sign-in flood left 1.5-2 MiB more resident (load bench,
///   reads during the flood), again for no throughput gained.
const ALLOCATOR_OPTIONS: [(libmimalloc_sys::mi_option_t, &str, std::ffi::c_long); 2] =
    [(15, "MIMALLOC_PURGE_DELAY", 0), (35, "MIMALLOC_PAGE_RECLAIM_ON_FREE", -1)];

/// Sets [`ALLOCATOR_OPTIONS`], each unless its variable is in the
/// environment.
fn tune_allocator() {
    for (option, variable, value) in ALLOCATOR_OPTIONS {
        if std::env::var_os(variable).is_some() {
            continue;
        }
        // SAFETY: an integer option, no pointers. Called first thing in
        // `main`, before any other thread exists, so nothing reads the option
        // while it is written (mimalloc's options are plain globals).
        #[allow(unsafe_code)]
        unsafe {
            libmimalloc_sys::mi_option_set(option, value);
        }
    }
}

fn main() -> ExitCode {
    tune_allocator();
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
            let store = Store::connect(&settings.database.url, 1, 0).await?;
            let applied = store.run_migrations().await?;
            println!("applied {} migration(s) to {}", applied.len(), settings.database.url);
            let indexed = search::catch_up(&store).await?;
            println!("indexed {indexed} case(s) for search");
            Ok(())
        }
        Command::Serve => {
            init_logging(&settings)?;
            let app = App::build(&settings).await?;
            app.run_until(shutdown_signal()).await;
            Ok(())
        }
    }
}

fn init_logging(settings: &Settings) -> anyhow::Result<()> {
    logging::init(&settings.log.level, settings.log.format).context("CASEBOOK_LOG_LEVEL")
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
