//! The test harness: a real Casebook server on a loopback port, over a fresh
//! database that is dropped afterwards, driven over HTTP.

use std::sync::Arc;

use casebook::app::App;
use casebook::config::{RateSetting, Settings};
use casebook::platform::networks::Networks;
use casebook::services::identity::SigningKey;
use casebook::store::DatabaseUrl;
use diesel::Connection as _;
use diesel::connection::SimpleConnection as _;
use diesel_async::{AsyncConnection, AsyncMysqlConnection, AsyncPgConnection, SimpleAsyncConnection};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::sync::oneshot;

use crate::storage::{Storage, evidence_location};
pub use crate::test_db::{Backend, TestDb};

/// A password every test account uses.
pub const PASSWORD: &str = "correct horse battery staple";

/// A running server and an HTTP client for it.
pub struct TestApp {
    pub backend: Backend,
    pub settings: Settings,
    pub base_url: String,
    /// The metrics listener's URL, when metrics have one of their own.
    pub metrics_url: Option<String>,
    pub client: reqwest::Client,
    db: Arc<TestDb>,
    evidence_dir: Arc<tempfile::TempDir>,
    stop: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

/// A response, read whole.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl TestResponse {
    /// The header's value as text ("" when absent).
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }

    /// Asserts this is a problem response with `status` and `code`.
    #[track_caller]
    pub fn assert_problem(&self, status: u16, code: &str) {
        assert_eq!(self.status.as_u16(), status, "unexpected status; body: {}", self.body);
        assert_eq!(self.header("content-type"), "application/problem+json", "{}", self.body);
        assert_eq!(self.body["code"], code, "{}", self.body);
        assert_eq!(self.body["status"], status, "{}", self.body);
        assert!(self.body["title"].as_str().is_some_and(|t| !t.is_empty()), "{}", self.body);
        assert!(self.body["detail"].as_str().is_some_and(|d| !d.is_empty()), "{}", self.body);
        assert!(self.body["type"].as_str().is_some_and(|t| t.starts_with("https://")), "{}", self.body);
        assert_eq!(self.body["request_id"].as_str(), Some(self.header("x-request-id")), "{}", self.body);
    }

    /// The fields named in a validation problem's `errors`.
    pub fn error_fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|errors| errors.iter().filter_map(|e| e["field"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    }
}

impl TestApp {
    /// A server on a fresh database of `backend`; `None` when that backend
    /// is unavailable and not required (a message says so).
    pub async fn spawn(backend: Backend) -> Option<Self> {
        Self::spawn_with_storage(backend, Storage::Local).await
    }

    /// A server on a fresh database of `backend` keeping evidence in `storage`.
    pub async fn spawn_with_storage(backend: Backend, storage: Storage) -> Option<Self> {
        let evidence_dir = Arc::new(tempfile::tempdir().expect("temporary directory"));
        let db = Arc::new(TestDb::create(backend).await?);
        let mut settings = Settings::with_database(db.url().clone());
        evidence_location(storage, evidence_dir.path(), &mut settings).await?;
        settings.server.listen = "127.0.0.1:0".parse().expect("address");
        settings.database.pool_size = Some(4);
        settings.auth.token_keys = vec![SigningKey::generate().expect("random key")];
        // Tests sign in far more often than people; the rate limit tests turn limits back on.
        settings.auth.rate_limit_auth_per_address = RateSetting(None);
        settings.auth.rate_limit_auth_per_email = RateSetting(None);
        settings.auth.rate_limit_per_account = RateSetting(None);
        // Webhook receivers are started by the tests on loopback, which is
        // denied by default: allow it explicitly (plain http included).
        settings.webhooks.allowed_networks = Networks::parse("127.0.0.0/8").expect("loopback");
        Some(Self::start(backend, db, evidence_dir, settings).await)
    }

    async fn start(
        backend: Backend,
        db: Arc<TestDb>,
        evidence_dir: Arc<tempfile::TempDir>,
        settings: Settings,
    ) -> Self {
        let app = App::build(&settings).await.expect("server builds");
        let base_url = format!("http://{}", app.local_addr());
        let metrics_url = app.metrics_addr().map(|addr| format!("http://{addr}"));
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(app.run_until(async move {
            let _ = stopped.await;
        }));
        Self {
            backend,
            settings,
            base_url,
            metrics_url,
            client: reqwest::Client::new(),
            db,
            evidence_dir,
            stop: Some(stop),
            server: Some(server),
        }
    }

    /// Stops this server and starts another on the same database, with
    /// settings changed by `change`.
    pub async fn restart_with(mut self, change: impl FnOnce(&mut Settings)) -> Self {
        self.stop().await;
        let mut settings = self.settings.clone();
        change(&mut settings);
        Self::start(self.backend, self.db.clone(), self.evidence_dir.clone(), settings).await
    }

    /// Another server instance on the same database (as behind a load
    /// balancer), with settings changed by `change`.
    pub async fn sibling(&self, change: impl FnOnce(&mut Settings)) -> Self {
        let mut settings = self.settings.clone();
        change(&mut settings);
        Self::start(self.backend, self.db.clone(), self.evidence_dir.clone(), settings).await
    }

    /// Kills this server abruptly — its scan workers die holding their
    /// leases, as if the process had crashed — and starts another on the
    /// same database, with settings changed by `change`.
    pub async fn crash_and_restart_with(mut self, change: impl FnOnce(&mut Settings)) -> Self {
        self.stop.take();
        if let Some(server) = self.server.take() {
            server.abort();
            let _ = server.await;
        }
        let mut settings = self.settings.clone();
        change(&mut settings);
        Self::start(self.backend, self.db.clone(), self.evidence_dir.clone(), settings).await
    }

    async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("server task stopped cleanly");
        }
    }

    /// Sends a request; `body` (if any) as JSON; `token` (if any) as bearer.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> TestResponse {
        let mut request = self.client.request(method, format!("{}{path}", self.base_url));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        Self::read(request.send().await.expect("request sent")).await
    }

    /// Sends a raw body with a given content type.
    pub async fn send_raw(&self, method: Method, path: &str, content_type: &str, body: &str) -> TestResponse {
        let request = self
            .client
            .request(method, format!("{}{path}", self.base_url))
            .header("content-type", content_type)
            .body(body.to_owned());
        Self::read(request.send().await.expect("request sent")).await
    }

    /// Reads a response whole, parsing JSON bodies.
    pub async fn read(response: reqwest::Response) -> TestResponse {
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        TestResponse { status, headers, body }
    }

    /// Runs SQL on the test's database directly, behind the server's back.
    pub async fn execute_sql(&self, sql: &str) {
        match &self.settings.database.url {
            DatabaseUrl::Postgres(url) => {
                let mut conn = AsyncPgConnection::establish(url).await.expect("connect");
                conn.batch_execute(sql).await.expect("sql");
            }
            DatabaseUrl::Mysql(url) => {
                let mut conn = AsyncMysqlConnection::establish(url).await.expect("connect");
                conn.batch_execute(sql).await.expect("sql");
            }
            DatabaseUrl::Sqlite(path) => {
                let mut conn = diesel::SqliteConnection::establish(&path.to_string_lossy()).expect("open");
                conn.batch_execute("PRAGMA busy_timeout = 5000;").expect("pragma");
                conn.batch_execute(sql).expect("sql");
            }
        }
    }

    /// The first column (named `text`) of every row `sql` reads, straight
    /// from the test's database.
    pub async fn query_texts(&self, sql: &str) -> Vec<String> {
        #[derive(diesel::QueryableByName)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::Text)]
            text: String,
        }
        let query = diesel::sql_query(sql);
        let rows: Vec<Row> = match &self.settings.database.url {
            DatabaseUrl::Postgres(url) => {
                let mut conn = AsyncPgConnection::establish(url).await.expect("connect");
                diesel_async::RunQueryDsl::load(query, &mut conn).await.expect("sql")
            }
            DatabaseUrl::Mysql(url) => {
                let mut conn = AsyncMysqlConnection::establish(url).await.expect("connect");
                diesel_async::RunQueryDsl::load(query, &mut conn).await.expect("sql")
            }
            DatabaseUrl::Sqlite(path) => {
                let mut conn = diesel::SqliteConnection::establish(&path.to_string_lossy()).expect("open");
                diesel::RunQueryDsl::load(query, &mut conn).expect("sql")
            }
        };
        rows.into_iter().map(|row| row.text).collect()
    }

    /// Makes the database refuse rows of `table` whose `column` is `value`,
    /// as a failing disk or a lost connection would refuse a write halfway
    /// through a transaction.
    pub async fn refuse_inserts(&self, table: &str, column: &str, value: &str) {
        let sql = match &self.settings.database.url {
            DatabaseUrl::Sqlite(_) => format!(
                "CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table} WHEN NEW.{column} = '{value}' \
                 BEGIN SELECT RAISE(ABORT, 'injected failure'); END;"
            ),
            DatabaseUrl::Postgres(_) => format!(
                "CREATE FUNCTION refuse_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
                 IF NEW.{column} = '{value}' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$; \
                 CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION refuse_{table}();"
            ),
            DatabaseUrl::Mysql(_) => format!(
                "CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table} FOR EACH ROW BEGIN \
                 IF NEW.{column} = '{value}' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected failure'; \
                 END IF; END"
            ),
        };
        self.execute_sql(&sql).await;
    }

    /// Undoes [`Self::refuse_inserts`] on `table`.
    pub async fn allow_inserts(&self, table: &str) {
        let on_table = match self.settings.database.url {
            DatabaseUrl::Postgres(_) => format!(" ON {table}"),
            _ => String::new(),
        };
        self.execute_sql(&format!("DROP TRIGGER refuse_{table}{on_table}")).await;
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> TestResponse {
        self.request(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> TestResponse {
        self.request(Method::POST, path, token, Some(body)).await
    }

    /// Posts `body` with an `Idempotency-Key`.
    pub async fn post_with_key(&self, path: &str, token: &str, key: &str, body: Value) -> TestResponse {
        let request = self.client.post(format!("{}{path}", self.base_url)).bearer_auth(token);
        Self::read(request.header("Idempotency-Key", key).json(&body).send().await.expect("request sent"))
            .await
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: Value) -> TestResponse {
        self.request(Method::PATCH, path, token, Some(body)).await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> TestResponse {
        self.request(Method::DELETE, path, token, None).await
    }

    /// Signs up `email` with [`PASSWORD`]; returns the account.
    pub async fn sign_up(&self, email: &str) -> Value {
        let response = self
            .post(
                "/v1/accounts",
                None,
                json!({"email": email, "password": PASSWORD, "display_name": "Test User"}),
            )
            .await;
        assert_eq!(response.status, StatusCode::CREATED, "sign-up failed: {}", response.body);
        response.body
    }

    /// Signs in; returns the whole response.
    pub async fn sign_in_as(&self, email: &str, password: &str) -> TestResponse {
        self.post("/v1/sessions", None, json!({"email": email, "password": password})).await
    }

    /// Signs in with [`PASSWORD`]; returns the token.
    pub async fn sign_in(&self, email: &str) -> String {
        let response = self.sign_in_as(email, PASSWORD).await;
        assert_eq!(response.status, StatusCode::CREATED, "sign-in failed: {}", response.body);
        response.body["token"].as_str().expect("token").to_owned()
    }

    /// Signs up and signs in a fresh account; returns its token.
    pub async fn signed_in_user(&self, email: &str) -> String {
        self.sign_up(email).await;
        self.sign_in(email).await
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Declares each listed `async fn name(app: TestApp)` as three tests:
/// `sqlite::name`, `postgres::name` and `mysql::name`.
#[macro_export]
macro_rules! on_every_backend {
    ($($name:ident),* $(,)?) => {
        $crate::on_every_backend!(@mod sqlite, Sqlite, $($name),*);
        $crate::on_every_backend!(@mod postgres, Postgres, $($name),*);
        $crate::on_every_backend!(@mod mysql, Mysql, $($name),*);
    };
    (@mod $module:ident, $backend:ident, $($name:ident),*) => {
        mod $module {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(app) = $crate::helpers::TestApp::spawn($crate::helpers::Backend::$backend).await {
                        super::$name(app).await;
                    }
                }
            )*
        }
    };
}
