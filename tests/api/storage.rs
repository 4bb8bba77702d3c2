//! Where a test keeps attachment contents: a temporary directory, or a
//! fresh bucket on the S3-compatible test server; and the macro that runs a
//! test on every database and store.

use casebook::config::Settings;

/// The S3-compatible server (moto in CI) the S3 storage tests use.
const S3_ENDPOINT_VAR: &str = "CASEBOOK_TEST_S3_ENDPOINT";
/// When set (CI sets it), a missing S3 server fails the tests instead of skipping them.
const REQUIRE_S3_VAR: &str = "CASEBOOK_REQUIRE_S3";

/// Where attachment contents go in a test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    /// A fresh temporary directory.
    Local,
    /// A fresh bucket on the S3-compatible test server.
    S3,
}

/// A fresh evidence location for one test: a temporary directory, or a new
/// bucket on the S3 test server (`None`, after a loud message, when there is
/// none and none is required).
pub async fn evidence_location(
    storage: Storage,
    dir: &std::path::Path,
    settings: &mut Settings,
) -> Option<()> {
    match storage {
        Storage::Local => settings.evidence.dir = Some(dir.join("evidence")),
        Storage::S3 => {
            let Ok(endpoint) = std::env::var(S3_ENDPOINT_VAR) else {
                assert!(
                    std::env::var_os(REQUIRE_S3_VAR).is_none(),
                    "{REQUIRE_S3_VAR} is set but {S3_ENDPOINT_VAR} is not"
                );
                eprintln!(
                    "\n*** SKIPPED: no S3 test server ({S3_ENDPOINT_VAR} is unset).\n\
                     *** `scripts/s3-test-server` starts one on loopback and prints the variable to set.\n"
                );
                return None;
            };
            let bucket = format!("casebook-test-{}", uuid::Uuid::new_v4().simple());
            // moto creates buckets on an unsigned PUT.
            let created = reqwest::Client::new().put(format!("{endpoint}/{bucket}")).send().await;
            let created =
                created.unwrap_or_else(|err| panic!("S3 test server at {endpoint} unreachable: {err}"));
            assert!(created.status().is_success(), "create bucket: {}", created.status());
            settings.evidence.s3_bucket = Some(bucket);
            settings.evidence.s3_endpoint = Some(endpoint);
            settings.evidence.s3_access_key_id = Some("testing".into());
            settings.evidence.s3_secret_access_key = Some("testing".into());
        }
    }
    Some(())
}

/// Declares each listed `async fn name(app: TestApp)` as six tests: on
/// SQLite, PostgreSQL and MySQL/MariaDB, each with evidence in a directory
/// and in S3.
#[macro_export]
macro_rules! on_every_store {
    ($($name:ident),* $(,)?) => {
        $crate::on_every_store!(@mod sqlite_dir, Sqlite, Local, $($name),*);
        $crate::on_every_store!(@mod postgres_dir, Postgres, Local, $($name),*);
        $crate::on_every_store!(@mod sqlite_s3, Sqlite, S3, $($name),*);
        $crate::on_every_store!(@mod postgres_s3, Postgres, S3, $($name),*);
        $crate::on_every_store!(@mod mysql_dir, Mysql, Local, $($name),*);
        $crate::on_every_store!(@mod mysql_s3, Mysql, S3, $($name),*);
    };
    (@mod $module:ident, $backend:ident, $storage:ident, $($name:ident),*) => {
        mod $module {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let backend = $crate::helpers::Backend::$backend;
                    let storage = $crate::storage::Storage::$storage;
                    if let Some(app) = $crate::helpers::TestApp::spawn_with_storage(backend, storage).await {
                        super::$name(app).await;
                    }
                }
            )*
        }
    };
}
