//! The evidence store: where attachment bytes live, a local directory or an
//! S3-compatible bucket (both through the `object_store` crate, so several
//! instances can share one bucket).
//!
//! Uploads are written to `staging/<random>` while they stream in, then
//! moved to `blobs/<sha256>` once their hash is known, so identical contents
//! are kept once. The store does not decide when a blob may go: the
//! attachment service does, under the blob's row lock.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures::stream::{BoxStream, StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt, WriteMultipart};
use secrecy::{ExposeSecret, SecretString};

/// Where evidence is kept.
#[derive(Debug, Clone)]
pub enum EvidenceLocation {
    /// A directory on this machine (created if missing).
    Directory(PathBuf),
    /// An S3-compatible bucket.
    S3(S3Location),
}

/// An S3-compatible bucket and how to reach it. `Debug` shows the secret as
/// `[REDACTED]`.
#[derive(Debug, Clone)]
pub struct S3Location {
    /// Bucket name.
    pub bucket: String,
    /// Endpoint URL (for MinIO, Ceph, moto and other S3-compatible servers);
    /// `None` for AWS itself.
    pub endpoint: Option<String>,
    /// Region.
    pub region: String,
    /// Access key id; `None` to use the environment's AWS credentials.
    pub access_key_id: Option<String>,
    /// Secret access key.
    pub secret_access_key: Option<SecretString>,
}

/// Why the evidence store failed.
#[derive(Debug, thiserror::Error)]
pub enum EvidenceStoreError {
    /// The object is not there.
    #[error("evidence object {0} is missing")]
    Missing(String),
    /// The store could not be reached or refused the operation.
    #[error("evidence store: {0}")]
    Backend(#[from] object_store::Error),
    /// The local directory could not be created.
    #[error("evidence directory {path}: {source}")]
    Directory {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// S3 parts must be at least 5 MiB (except the last one).
const S3_PART_SIZE: usize = 5 * 1024 * 1024;
/// Local parts are appended to a file, so they can be small, keeping an
/// upload's memory low.
const LOCAL_PART_SIZE: usize = 256 * 1024;
/// Parts of one upload in flight at once.
const PARTS_IN_FLIGHT: usize = 2;

/// Evidence bytes, in a directory or a bucket.
#[derive(Clone)]
pub struct EvidenceStore {
    inner: Arc<dyn ObjectStore>,
    part_size: usize,
}

impl std::fmt::Debug for EvidenceStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EvidenceStore({})", self.inner)
    }
}

impl EvidenceStore {
    /// Opens the store at `location`.
    pub fn open(location: &EvidenceLocation) -> Result<Self, EvidenceStoreError> {
        match location {
            EvidenceLocation::Directory(path) => {
                std::fs::create_dir_all(path)
                    .map_err(|source| EvidenceStoreError::Directory { path: path.clone(), source })?;
                let local =
                    LocalFileSystem::new_with_prefix(path)?.with_fsync(true).with_automatic_cleanup(true);
                Ok(Self { inner: Arc::new(local), part_size: LOCAL_PART_SIZE })
            }
            EvidenceLocation::S3(s3) => {
                let mut builder = AmazonS3Builder::from_env()
                    .with_bucket_name(&s3.bucket)
                    .with_region(&s3.region)
                    .with_virtual_hosted_style_request(false);
                if let Some(endpoint) = &s3.endpoint {
                    builder =
                        builder.with_allow_http(endpoint.starts_with("http://")).with_endpoint(endpoint);
                }
                if let (Some(id), Some(secret)) = (&s3.access_key_id, &s3.secret_access_key) {
                    builder = builder.with_access_key_id(id).with_secret_access_key(secret.expose_secret());
                }
                Ok(Self { inner: Arc::new(builder.build()?), part_size: S3_PART_SIZE })
            }
        }
    }

    /// Starts writing a new staging object.
    pub async fn stage(&self) -> Result<StagingWriter, EvidenceStoreError> {
        let key = StagingKey(Path::from(format!("staging/{}", uuid::Uuid::new_v4().simple())));
        let upload = self.inner.put_multipart(&key.0).await?;
        Ok(StagingWriter { key, upload: WriteMultipart::new_with_chunk_size(upload, self.part_size) })
    }

    /// Whether the blob of `sha256` is stored.
    pub async fn has_blob(&self, sha256: &str) -> Result<bool, EvidenceStoreError> {
        match self.inner.head(&blob_path(sha256)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(err) => Err(err.into()),
        }
    }

    /// Makes a staged object the blob of `sha256` (replacing an equal one).
    pub async fn promote(&self, staged: &StagingKey, sha256: &str) -> Result<(), EvidenceStoreError> {
        Ok(self.inner.rename(&staged.0, &blob_path(sha256)).await?)
    }

    /// Removes a staged object; one already gone is not an error.
    pub async fn discard(&self, staged: &StagingKey) -> Result<(), EvidenceStoreError> {
        ignore_missing(self.inner.delete(&staged.0).await)
    }

    /// Removes the blob of `sha256`; one already gone is not an error.
    pub async fn delete_blob(&self, sha256: &str) -> Result<(), EvidenceStoreError> {
        ignore_missing(self.inner.delete(&blob_path(sha256)).await)
    }

    /// Streams the blob of `sha256`, whole or the byte `range`.
    pub async fn read(
        &self,
        sha256: &str,
        range: Option<Range<u64>>,
    ) -> Result<BoxStream<'static, std::io::Result<Bytes>>, EvidenceStoreError> {
        let options = GetOptions { range: range.map(GetRange::Bounded), ..GetOptions::default() };
        match self.inner.get_opts(&blob_path(sha256), options).await {
            Ok(found) => Ok(found.into_stream().map_err(std::io::Error::other).boxed()),
            Err(object_store::Error::NotFound { .. }) => Err(EvidenceStoreError::Missing(sha256.to_owned())),
            Err(err) => Err(err.into()),
        }
    }

    /// Removes staging objects older than `age` (uploads whose server died
    /// before they finished). Returns how many were removed.
    pub async fn sweep_staging(&self, age: Duration) -> Result<usize, EvidenceStoreError> {
        let cutoff = chrono::Utc::now() - age;
        let prefix = Path::from("staging");
        let stale: Vec<Path> = self
            .inner
            .list(Some(&prefix))
            .try_filter(|meta| futures::future::ready(meta.last_modified < cutoff))
            .map_ok(|meta| meta.location)
            .try_collect()
            .await?;
        for path in &stale {
            ignore_missing(self.inner.delete(path).await)?;
        }
        Ok(stale.len())
    }

    /// Every stored object's key (for tests and checks).
    pub async fn keys(&self) -> Result<Vec<String>, EvidenceStoreError> {
        let metas: Vec<_> = self.inner.list(None).try_collect().await?;
        Ok(metas.into_iter().map(|meta| meta.location.to_string()).collect())
    }
}

/// The key of a staged object.
#[derive(Debug, Clone)]
pub struct StagingKey(Path);

/// An upload being written to staging, part by part.
pub struct StagingWriter {
    key: StagingKey,
    upload: WriteMultipart,
}

impl StagingWriter {
    /// Appends bytes, waiting while too many parts are in flight.
    pub async fn write(&mut self, bytes: Bytes) -> Result<(), EvidenceStoreError> {
        self.upload.wait_for_capacity(PARTS_IN_FLIGHT).await?;
        self.upload.put(bytes);
        Ok(())
    }

    /// Completes the staged object.
    pub async fn finish(self) -> Result<StagingKey, EvidenceStoreError> {
        self.upload.finish().await?;
        Ok(self.key)
    }

    /// Abandons the upload; nothing is left behind.
    pub async fn abort(self) -> Result<(), EvidenceStoreError> {
        Ok(self.upload.abort().await?)
    }
}

fn blob_path(sha256: &str) -> Path {
    Path::from(format!("blobs/{sha256}"))
}

fn ignore_missing(result: object_store::Result<()>) -> Result<(), EvidenceStoreError> {
    match result {
        Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
        Err(err) => Err(err.into()),
    }
}
