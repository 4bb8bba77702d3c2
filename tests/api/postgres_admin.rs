//! A superuser connection beside a test app's PostgreSQL database, to cut
//! the app's connections and watch them come back.

use std::future::Future;
use std::time::{Duration, Instant};

use diesel::sql_types::BigInt;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};

use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, TestResponse};
use crate::team::Team;
use casebook::store::DatabaseUrl;

/// An app on PostgreSQL with a team, one case, and that case's path;
/// `None` where PostgreSQL is not configured for tests.
pub async fn a_case_on_postgres() -> Option<(TestApp, Team, Value, String)> {
    let app = TestApp::spawn(Backend::Postgres).await?;
    let team = Team::create(&app).await;
    let case = app.create_case(&team.editor, team.id(), json!({"summary": "Beacon"})).await;
    let path = format!("/v1/workspaces/{}/cases/{}", team.id(), case["id"].as_str().expect("id"));
    Some((app, team, case, path))
}

/// How long a request may take to reach a lock it is to wait on.
const LOCK_DEADLINE: Duration = Duration::from_secs(10);

/// An admin connection (to the `postgres` database) and the app's database.
pub struct PostgresAdmin {
    conn: AsyncPgConnection,
    url: String,
    database: String,
}

impl PostgresAdmin {
    /// Connects beside `app`, which must run on PostgreSQL.
    pub async fn beside(app: &TestApp) -> Self {
        let DatabaseUrl::Postgres(url) = &app.settings.database.url else { panic!("not on PostgreSQL") };
        let (base, database) = url.rsplit_once('/').expect("database name");
        let conn = AsyncPgConnection::establish(&format!("{base}/postgres")).await.expect("admin");
        Self { conn, url: url.clone(), database: database.to_owned() }
    }

    /// Refuses new connections to the app's database and ends the open ones
    /// whose `application_name` is `named`.
    pub async fn cut(&mut self, named: &str) {
        let database = &self.database;
        self.conn
            .batch_execute(&format!(
                "ALTER DATABASE {database} ALLOW_CONNECTIONS false; \
                 SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = '{database}' AND application_name = '{named}';"
            ))
            .await
            .expect("cut connections");
    }

    /// Accepts new connections to the app's database again.
    pub async fn allow(&mut self) {
        let database = &self.database;
        self.conn
            .batch_execute(&format!("ALTER DATABASE {database} ALLOW_CONNECTIONS true;"))
            .await
            .expect("allow");
    }

    /// The connections open on the app's database whose `application_name` is `named`.
    pub async fn count(&mut self, named: &str) -> i64 {
        self.count_where(named, "true").await
    }

    /// Of those, the ones waiting for a lock.
    pub async fn waiting_for_locks(&mut self, named: &str) -> i64 {
        self.count_where(named, "wait_event_type = 'Lock'").await
    }

    /// Ends the app's connections named `named` that wait for a lock.
    pub async fn end_those_waiting(&mut self, named: &str) {
        let database = &self.database;
        self.conn
            .batch_execute(&format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}' \
                 AND application_name = '{named}' AND wait_event_type = 'Lock';"
            ))
            .await
            .expect("end connections");
    }

    /// Waits until one of the app's connections named `named` waits for a lock.
    pub async fn until_one_waits(&mut self, named: &str) {
        let started = Instant::now();
        while self.waiting_for_locks(named).await == 0 {
            assert!(started.elapsed() < LOCK_DEADLINE, "no {named} connection reached the lock");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Holds `request` up on a lock of `table`, ends its connection (one
    /// named `named`) under it, as an administrator or a server shutting
    /// down would, and returns its answer.
    pub async fn end_under_a_lock(
        &mut self,
        table: &str,
        named: &str,
        request: impl Future<Output = TestResponse>,
    ) -> TestResponse {
        let mut locked = self.lock(table).await;
        let end_it = async {
            self.until_one_waits(named).await;
            self.end_those_waiting(named).await;
        };
        let (answer, ()) = tokio::join!(request, end_it);
        locked.batch_execute("ROLLBACK").await.expect("unlock");
        answer
    }

    /// A connection to the app's database holding `table` locked against
    /// everyone, until it is dropped or rolls back.
    pub async fn lock(&self, table: &str) -> AsyncPgConnection {
        let mut conn = AsyncPgConnection::establish(&self.url).await.expect("connect");
        conn.batch_execute(&format!("BEGIN; LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE;"))
            .await
            .expect("lock");
        conn
    }

    async fn count_where(&mut self, named: &str, condition: &str) -> i64 {
        let database = &self.database;
        diesel::select(diesel::dsl::sql::<BigInt>(&format!(
            "(SELECT count(*) FROM pg_stat_activity WHERE datname = '{database}' \
             AND application_name = '{named}' AND {condition})"
        )))
        .get_result(&mut self.conn)
        .await
        .expect("count connections")
    }
}
