//! A superuser connection beside a test app's PostgreSQL database, to cut
//! the app's connections and watch them come back.

use diesel::sql_types::BigInt;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};

use crate::helpers::TestApp;
use casebook::store::DatabaseUrl;

/// An admin connection (to the `postgres` database) and the app's database.
pub struct PostgresAdmin {
    conn: AsyncPgConnection,
    url: String,
    database: String,
}

impl PostgresAdmin {
    /// Connects beside `app`, which must run on PostgreSQL.
    pub async fn beside(app: &TestApp) -> Self {
        let DatabaseUrl::Postgres(url) = &app.settings.database_url else { panic!("not on PostgreSQL") };
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
