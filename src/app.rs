//! Builds the whole server from `Settings`: database, migrations, services,
//! routes and a bound listener. Tests bind port 0 and read the port back.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use poem::Server;
use poem::listener::{Acceptor, Listener, TcpAcceptor, TcpListener};

use crate::config::Settings;
use crate::services::Services;
use crate::services::cases::CaseService;
use crate::services::identity::{IdentityService, IdentitySettings, TokenSigner};
use crate::services::workspaces::WorkspaceService;
use crate::store::Store;
use crate::{api, keys};

/// How long in-flight requests may take to finish after a shutdown signal.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// A built server, bound to its address, not yet serving.
pub struct App {
    acceptor: TcpAcceptor,
    local_addr: SocketAddr,
    services: Services,
    store: Store,
}

/// Why the server could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The database could not be opened or migrated.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// No token signing keys.
    #[error(transparent)]
    Keys(#[from] keys::KeysError),
    /// A service could not start.
    #[error(transparent)]
    Identity(#[from] crate::services::identity::IdentityError),
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

impl App {
    /// Connects to the database, applies migrations, builds every service and
    /// binds the listener.
    pub async fn build(settings: &Settings) -> Result<Self, BuildError> {
        let signing_keys = keys::resolve(&settings.token_keys, &settings.database_url)?;
        let store = Store::connect(&settings.database_url, settings.pool_size).await?;
        let applied = store.run_migrations().await?;
        if !applied.is_empty() {
            tracing::info!(migrations = ?applied, "applied database migrations");
        }
        let tokens = TokenSigner::new(&signing_keys).ok_or(keys::KeysError::MissingForPostgres)?;
        let identity = IdentityService::new(
            store.clone(),
            tokens,
            &IdentitySettings {
                session_lifetime: settings.session_lifetime,
                max_hashes_in_flight: settings.hash_concurrency(),
            },
        )?;
        let services = Services {
            identity: Arc::new(identity),
            cases: Arc::new(CaseService::new(store.clone())),
            workspaces: Arc::new(WorkspaceService::new(store.clone())),
        };
        let bind_error = |source| BuildError::Bind { addr: settings.listen, source };
        let acceptor = TcpListener::bind(settings.listen).into_acceptor().await.map_err(bind_error)?;
        let local_addr = acceptor
            .local_addr()
            .first()
            .and_then(|addr| addr.as_socket_addr().copied())
            .unwrap_or(settings.listen);
        Ok(Self { acceptor, local_addr, services, store })
    }

    /// The address actually bound (with the real port when 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The store, for tools that inspect the database.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Serves until `shutdown` completes, then lets in-flight requests finish.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        tracing::info!(
            version = env!("CARGO_PKG_VERSION"),
            listen = %self.local_addr,
            database = self.store.backend().name(),
            docs = %format!("http://{}/docs", self.local_addr),
            "casebook is serving"
        );
        Server::new_with_acceptor(self.acceptor)
            .run_with_graceful_shutdown(api::routes(self.services), shutdown, Some(SHUTDOWN_GRACE))
            .await
    }
}
