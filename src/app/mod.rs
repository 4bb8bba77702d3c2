//! Builds the whole server from `Settings`: database, migrations, services,
//! routes and a bound listener. Tests bind port 0 and read the port back.

mod jobs;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use poem::listener::{Acceptor, Listener, TcpAcceptor, TcpListener};
use tokio_util::task::AbortOnDropHandle;

use self::jobs::{forget_idle_limits, index_search, purge_trash, sweep_evidence};
use crate::api;
use crate::config::Settings;
use crate::config::signing_keys as keys;
use crate::http::{self, serve};
use crate::platform::background::Background;
use crate::services::Services;
use crate::services::activity::ActivityService;
use crate::services::attachments::{AttachmentService, AttachmentSettings};
use crate::services::cases::CaseService;
use crate::services::changes::{self, Forgets};
use crate::services::export::ExportService;
use crate::services::fields::FieldService;
use crate::services::health::HealthService;
use crate::services::identity::{IdentityService, IdentitySettings, TokenSigner};
use crate::services::kernel::Access;
use crate::services::links::LinkService;
use crate::services::observables::ObservableService;
use crate::services::outbox::Outbox;
use crate::services::scans::{ScanRunner, ScanService, ScanSettings};
use crate::services::service_accounts::ServiceAccountService;
use crate::services::tasks::TaskService;
use crate::services::telemetry::TelemetryService;
use crate::services::templates::TemplateService;
use crate::services::trash::TrashService;
use crate::services::webhooks::{Deliverer, DeliverySettings, Destinations, SecretBox, WebhookService};
use crate::services::workspaces::WorkspaceService;
use crate::store::Store;
use crate::store::evidence::EvidenceStore;

/// How often idle scan workers look for scans queued by other instances.
const SCAN_POLL: Duration = Duration::from_millis(500);
/// How often idle webhook workers look for events recorded by other
/// instances (this instance's own wake them at once).
const WEBHOOK_POLL: Duration = Duration::from_secs(1);
/// How long a webhook worker's claim on a subscription lasts without renewal.
const WEBHOOK_LEASE: Duration = Duration::from_secs(60);
/// How much lower than request threads webhook deliveries run, in nice
/// steps: requests first, deliveries with the CPU they leave (see
/// [`Background`]).
const DELIVERY_NICENESS: i32 = 10;

/// A built server, bound to its address, not yet serving.
pub struct App {
    acceptor: TcpAcceptor,
    local_addr: SocketAddr,
    services: Services,
    store: Store,
    /// Caches that the change feed keeps fresh.
    caches: Vec<Arc<dyn Forgets>>,
    /// How often the change feed polls, on MySQL/MariaDB.
    change_poll_interval: Duration,
    runner: Arc<ScanRunner>,
    deliverer: Arc<Deliverer>,
    /// The lowered runtime the delivery workers run on.
    background: Background,
    http: http::HttpSettings,
    metrics_acceptor: Option<TcpAcceptor>,
    shutdown_grace: Duration,
    /// How often the trash's purge job runs.
    purge_interval: Duration,
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
    /// The evidence store could not be opened.
    #[error(transparent)]
    Evidence(#[from] crate::store::evidence::EvidenceStoreError),
    /// The runtime for background work could not start.
    #[error("cannot start the background runtime: {0}")]
    Background(std::io::Error),
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
        let signing_keys = keys::resolve(&settings.auth.token_keys, &settings.database.url)?;
        let store = Store::connect(
            &settings.database.url,
            settings.pool_size(),
            settings.database.read_connections.into(),
        )
        .await?;
        let applied = store.run_migrations().await?;
        if !applied.is_empty() {
            tracing::info!(migrations = ?applied, "applied database migrations");
        }
        let tokens = TokenSigner::new(&signing_keys).ok_or(keys::KeysError::MissingForServerDatabase)?;
        let identity = IdentityService::new(
            store.clone(),
            tokens.clone(),
            &IdentitySettings {
                session_lifetime: settings.auth.session_lifetime,
                max_hashes_in_flight: settings.hash_concurrency(),
                attempts_per_email: settings.auth.rate_limit_auth_per_email.0,
                session_cache_ttl: settings.auth.auth_cache_ttl,
            },
        )?;
        let wake = Arc::new(tokio::sync::Notify::new());
        let scan_settings = ScanSettings {
            workers: usize::from(settings.scans.workers),
            lease: settings.scans.lease,
            poll_interval: SCAN_POLL,
            scope: settings.scans.allowed_networks.clone(),
        };
        let outbox = Outbox::new(Arc::new(api::envelopes::WireEnvelopes));
        let runner = Arc::new(ScanRunner::new(store.clone(), outbox.clone(), scan_settings, wake.clone()));
        let identity = Arc::new(identity);
        let evidence = EvidenceStore::open(&settings.evidence_location())?;
        let attachment_settings = AttachmentSettings {
            max_size: settings.evidence.attachment_max_size,
            max_per_owner: settings.evidence.attachment_max_count,
            allowed_types: settings.evidence.attachment_types.clone(),
        };
        let access = Access::new(store.clone(), settings.auth.auth_cache_ttl);
        let secrets = Arc::new(SecretBox::new(&signing_keys));
        let destinations = Arc::new(Destinations::new(
            settings.webhooks.allowed_networks.clone(),
            settings.webhooks.denied_networks.clone(),
        ));
        let (background, delivery_store) = delivery_lane(settings, &store).await?;
        let deliverer = Arc::new(Deliverer::new(
            delivery_store,
            outbox.clone(),
            secrets.clone(),
            destinations.clone(),
            DeliverySettings {
                workers: usize::from(settings.webhooks.workers),
                lease: WEBHOOK_LEASE,
                poll_interval: WEBHOOK_POLL,
            },
        ));
        let caches = vec![identity.session_cache(), identity.key_cache(), access.cache()];
        let service_accounts = Arc::new(ServiceAccountService::new(
            access.clone(),
            tokens,
            identity.key_cache(),
            outbox.clone(),
        ));
        let services = Services {
            activity: Arc::new(ActivityService::new(access.clone(), store.clone(), outbox.clone())),
            attachments: Arc::new(AttachmentService::new(
                store.clone(),
                access.clone(),
                outbox.clone(),
                evidence,
                attachment_settings,
            )),
            health: Arc::new(HealthService::new(store.clone())),
            telemetry: Arc::new(TelemetryService::new(store.clone(), identity.clone())),
            identity,
            cases: Arc::new(CaseService::new(access.clone(), outbox.clone())),
            fields: Arc::new(FieldService::new(access.clone(), outbox.clone())),
            observables: Arc::new(ObservableService::new(access.clone(), outbox.clone())),
            scans: Arc::new(ScanService::new(
                store.clone(),
                access.clone(),
                outbox.clone(),
                settings.scans.allowed_networks.clone(),
                wake,
            )),
            service_accounts,
            tasks: Arc::new(TaskService::new(access.clone(), outbox.clone())),
            templates: Arc::new(TemplateService::new(access.clone(), outbox.clone())),
            links: Arc::new(LinkService::new(access.clone(), outbox.clone())),
            exports: Arc::new(ExportService::new(access.clone())),
            trash: Arc::new(TrashService::new(
                access.clone(),
                store.clone(),
                outbox.clone(),
                settings.trash.retention,
            )),
            webhooks: Arc::new(WebhookService::new(access.clone(), secrets, destinations, outbox.clone())),
            workspaces: Arc::new(WorkspaceService::new(store.clone(), access, outbox)),
        };
        let bind_error = |source| BuildError::Bind { addr: settings.server.listen, source };
        let acceptor = TcpListener::bind(settings.server.listen).into_acceptor().await.map_err(bind_error)?;
        let local_addr = acceptor
            .local_addr()
            .first()
            .and_then(|addr| addr.as_socket_addr().copied())
            .unwrap_or(settings.server.listen);
        let http = http::HttpSettings {
            json_body_limit: settings.server.json_body_limit,
            request_timeout: settings.server.request_timeout,
            cors_allowed_origins: settings.server.cors_allowed_origins.clone(),
            auth_per_address: settings.auth.rate_limit_auth_per_address.0,
            per_account: settings.auth.rate_limit_per_account.0,
            per_api_key: settings.auth.rate_limit_per_api_key.0,
            metrics_on_main: settings.server.metrics_listen.is_none(),
        };
        let metrics_acceptor = match settings.server.metrics_listen {
            Some(addr) => Some(
                TcpListener::bind(addr)
                    .into_acceptor()
                    .await
                    .map_err(|source| BuildError::Bind { addr, source })?,
            ),
            None => None,
        };
        let shutdown_grace = settings.server.shutdown_grace;
        let purge_interval = settings.trash.purge_interval;
        Ok(Self {
            acceptor,
            local_addr,
            services,
            store,
            caches,
            change_poll_interval: settings.database.change_poll_interval,
            runner,
            deliverer,
            background,
            http,
            metrics_acceptor,
            shutdown_grace,
            purge_interval,
        })
    }

    /// The metrics listener's address, when metrics have one of their own.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        let acceptor = self.metrics_acceptor.as_ref()?;
        acceptor.local_addr().first().and_then(|addr| addr.as_socket_addr().copied())
    }

    /// The address actually bound (with the real port when 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The store, for tools that inspect the database.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Serves until `shutdown` completes, then lets in-flight requests finish
    /// within the shutdown grace period.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) {
        tracing::info!(
            version = env!("CARGO_PKG_VERSION"),
            listen = %self.local_addr,
            database = self.store.backend().name(),
            docs = %format!("http://{}/docs", self.local_addr),
            "casebook is serving"
        );
        let limits = Arc::new(http::RateLimits::new(
            self.http.auth_per_address,
            self.http.per_account,
            self.http.per_api_key,
        ));
        let _janitor = AbortOnDropHandle::new(tokio::spawn(forget_idle_limits(
            limits.clone(),
            self.services.identity.clone(),
        )));
        let _changes = AbortOnDropHandle::new(tokio::spawn(changes::follow(
            self.store.clone(),
            self.caches,
            self.change_poll_interval,
        )));
        let _sweeper =
            AbortOnDropHandle::new(tokio::spawn(sweep_evidence(self.services.attachments.clone())));
        let _purger = AbortOnDropHandle::new(tokio::spawn(purge_trash(
            self.services.trash.clone(),
            self.purge_interval,
        )));
        let _indexer = AbortOnDropHandle::new(tokio::spawn(index_search(self.store.clone())));
        let stop_workers = tokio_util::sync::CancellationToken::new();
        // If serving ends abruptly (this future is dropped), the workers die
        // with it (the background runtime last), their scans and
        // subscriptions keep their leases and are taken over when the leases
        // expire, as if the instance had died.
        let background = self.background;
        let workers: Vec<_> = (self.runner.start(stop_workers.clone()).into_iter())
            .chain(self.deliverer.start(&background, stop_workers.clone()))
            .map(AbortOnDropHandle::new)
            .collect();
        let signalled = stop_workers.clone();
        let activity = self.services.activity.clone();
        let shutdown = async move {
            shutdown.await;
            // Stop claiming scans and hand running ones back to the queue.
            signalled.cancel();
            // End live streams, which would otherwise hold the shutdown
            // for its whole grace period.
            activity.close();
        };
        crate::platform::metrics::METRICS.up.set(1);
        let _metrics_server = self.metrics_acceptor.map(|acceptor| {
            let routes = http::metrics_routes(self.services.clone());
            AbortOnDropHandle::new(tokio::spawn(serve::serve(acceptor, routes, std::future::pending(), None)))
        });
        let routes = api::routes(self.services, self.http, limits);
        serve::serve(self.acceptor, routes, shutdown, Some(self.shutdown_grace)).await;
        stop_workers.cancel();
        for worker in workers {
            let _ = worker.await;
        }
    }
}

/// The lowered runtime for webhook deliveries, and their own small pool
/// of connections made on it (a pool's connections are driven by the
/// runtime that made them; requests must not wait on a lowered one). With
/// no delivery workers, neither is needed and the pool is `store`.
async fn delivery_lane(settings: &Settings, store: &Store) -> Result<(Background, Store), BuildError> {
    let workers = usize::from(settings.webhooks.workers);
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let background = Background::start("casebook-deliver", workers.clamp(1, cores), DELIVERY_NICENESS)
        .map_err(BuildError::Background)?;
    if workers == 0 {
        return Ok((background, store.clone()));
    }
    let (url, size) = (settings.database.url.clone(), u32::from(settings.webhooks.workers) + 1);
    let own = background.spawn(async move { Store::connect(&url, size, 0).await });
    let own = own.await.map_err(|err| BuildError::Background(std::io::Error::other(err)))??;
    Ok((background, own))
}
