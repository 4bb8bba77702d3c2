//! Streams an uploaded file into the evidence store's staging area while
//! hashing it, judging its type from its first bytes and enforcing the size
//! limit as the bytes arrive. Only a few chunks are held in memory at once.

use bytes::{Bytes, BytesMut};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncReadExt};

use super::content::{MediaType, SNIFF_LEN};
use super::error::AttachmentError;
use super::form::FilePart;
use super::model::AttachmentSettings;
use crate::services::validation::ValidationErrors;
use crate::store::evidence::{EvidenceStore, StagingKey, StagingWriter};

/// Bytes asked of the client per read.
const READ_CHUNK: usize = 64 * 1024;

/// A file stored in staging, hashed and judged.
pub(super) struct Staged {
    /// Where the bytes are.
    pub key: StagingKey,
    /// SHA-256, lowercase hex.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// The media type judged from the content.
    pub media_type: MediaType,
}

/// Reads `part` to its end into staging. On any failure nothing is left
/// in the store.
pub(super) async fn stage(
    store: &EvidenceStore,
    mut part: FilePart,
    settings: &AttachmentSettings,
) -> Result<Staged, AttachmentError> {
    let limit = settings.max_size;
    let head = read_head(&mut part.body, limit).await?;
    if head.is_empty() {
        return Err(ValidationErrors::single("file", "must not be empty").into());
    }
    let media_type = settings
        .allowed_types
        .judge(&head, part.declared_type.as_deref())
        .map_err(AttachmentError::UnsupportedType)?;
    let mut writer = store.stage().await?;
    match copy_rest(&mut writer, head, &mut part.body, limit).await {
        Ok((sha256, size)) => Ok(Staged { key: writer.finish().await?, sha256, size, media_type }),
        Err(err) => {
            if let Err(abort) = writer.abort().await {
                tracing::warn!(error = %abort, "could not abort a failed upload's staging object");
            }
            Err(err)
        }
    }
}

/// The file's first bytes, enough to judge its type.
async fn read_head(body: &mut (impl AsyncRead + Unpin), limit: u64) -> Result<Bytes, AttachmentError> {
    let mut head = BytesMut::with_capacity(SNIFF_LEN);
    while head.len() < SNIFF_LEN {
        let read = body.read_buf(&mut head).await.map_err(unreadable)?;
        if read == 0 {
            break;
        }
    }
    if head.len() as u64 > limit {
        return Err(AttachmentError::TooLarge { limit });
    }
    Ok(head.freeze())
}

/// Writes `head` and the rest of `body` to `writer`, hashing; fails as soon
/// as the total passes `limit`.
async fn copy_rest(
    writer: &mut StagingWriter,
    head: Bytes,
    body: &mut (impl AsyncRead + Unpin),
    limit: u64,
) -> Result<(String, u64), AttachmentError> {
    let mut hasher = Sha256::new();
    let mut size = head.len() as u64;
    hasher.update(&head);
    writer.write(head).await?;
    loop {
        let mut chunk = BytesMut::with_capacity(READ_CHUNK);
        let read = body.read_buf(&mut chunk).await.map_err(unreadable)?;
        if read == 0 {
            break;
        }
        size += read as u64;
        if size > limit {
            return Err(AttachmentError::TooLarge { limit });
        }
        hasher.update(&chunk);
        writer.write(chunk.freeze()).await?;
    }
    Ok((crate::platform::hex::lower(&hasher.finalize()), size))
}

fn unreadable(err: std::io::Error) -> AttachmentError {
    AttachmentError::UnreadableForm(err.to_string())
}
