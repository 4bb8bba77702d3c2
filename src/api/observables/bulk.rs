//! Adding many observables to a case at once: a JSON batch, or an import
//! of the CSV or plain list an analyst pastes from their tools.

use std::sync::Arc;

use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiRequest, OpenApi};

use super::batch_wire::{BatchRequest, BatchView};
use super::wire::{ObservableTypeWire, TlpWire};
use crate::http::auth::Caller;
use crate::http::idempotency::{claim, replayed};
use crate::http::json_body::JsonBody;
use crate::http::responses::{Problems, UpdateErrors};
use crate::http::tags::ApiTags;
use crate::http::text_body::{Csv, Plain, TextBody};
use crate::http::wire::WireId;
use crate::ids::{CaseId, WorkspaceId};
use crate::services::observables::{
    BatchItem, ImportDefaults, ImportFormat, NewObservable, ObservableImport, ObservableService,
    RawNewObservable, fingerprint,
};

/// Bulk observable operations.
pub struct ObservableBulkApi {
    /// The facts of cases.
    pub(in crate::api) observables: Arc<ObservableService>,
}

/// Answer of `createObservableBatch` and `importObservables`.
#[derive(poem_openapi::ApiResponse)]
enum BatchResponse {
    /// One answer per item, in order (or, with `Idempotent-Replayed: true`,
    /// an earlier request's answer).
    #[oai(status = 200)]
    Ok(
        Json<BatchView>,
        /// `true` when this repeats the response of an earlier request with the same key.
        #[oai(header = "Idempotent-Replayed")]
        Option<String>,
    ),
}

/// The text to import, UTF-8. As `text/csv` (RFC 4180): a first row
/// naming the columns, `value` (required) and any of `type`,
/// `description`, `tlp`, `is_ioc`, `sighted` (`true`/`false`, `yes`/`no`,
/// `1`/`0`) and `tags` (separated by `;` or `|`); other columns are
/// ignored, so a tool's export can be sent as it is, and empty cells take
/// the query's defaults. As `text/plain`: one value per line, all of the
/// query's `type`; blank lines and lines starting with `#` are skipped.
#[derive(ApiRequest)]
enum ImportBody {
    /// A CSV with a header row.
    Csv(TextBody<Csv>),
    /// One value per line.
    Plain(TextBody<Plain>),
}

#[OpenApi(tag = "ApiTags::Observables")]
impl ObservableBulkApi {
    /// Add many observables
    ///
    /// Adds up to 1,000 observables to a case in one transaction (editors
    /// and admins) and answers each item in order: `created`, `existing`
    /// (the case had the value, or an earlier item added it; its
    /// `last_seen_at` is raised) or `invalid` with the item's field errors
    /// (the other items are still added). Send an `Idempotency-Key` to make
    /// retries safe.
    #[oai(
        path = "/v1/workspaces/:workspace_id/cases/:case_id/observable-batches",
        method = "post",
        operation_id = "createObservableBatch"
    )]
    async fn create_observable_batch(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The case.
        case_id: Path<WireId<CaseId>>,
        /// A client-chosen key (1 to 255 visible ASCII characters) that makes
        /// retries of this request safe for 24 hours.
        #[oai(name = "Idempotency-Key", validator(min_length = 1, max_length = 255))]
        idempotency_key: Header<Option<String>>,
        body: JsonBody<BatchRequest>,
    ) -> Result<BatchResponse, Problems<UpdateErrors>> {
        let caller = caller.actor();
        body.0.check_limits()?;
        let items: Vec<BatchItem> = body
            .0
            .items
            .into_iter()
            .map(|item| NewObservable::try_from(RawNewObservable::from(item)))
            .collect();
        let operation = format!("createObservableBatch:{}:{}", workspace_id.0, case_id.0);
        let claim = claim(caller, idempotency_key.0.as_deref(), &operation, &fingerprint(&items))?;
        let (workspace, case) = (workspace_id.0.id(), case_id.0.id());
        let answer = self.observables.add_many(caller, workspace, case, items, claim).await?;
        let replayed = replayed(answer.replayed);
        Ok(BatchResponse::Ok(Json(answer.into()), replayed))
    }

    /// Import observables
    ///
    /// Adds the observables of a pasted list to a case (editors and
    /// admins): a CSV with a header row (`text/csv`), or plain lines of
    /// values of one `type` (`text/plain`), up to 1,000 rows. Each row is
    /// answered as an item of `createObservableBatch` is, with the `line`
    /// it came from; `source` is `import`. A text with no `value` column,
    /// no type, or more than 1,000 rows is refused whole with 422. Send an
    /// `Idempotency-Key` to make retries safe.
    #[oai(
        path = "/v1/workspaces/:workspace_id/cases/:case_id/observable-imports",
        method = "post",
        operation_id = "importObservables"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn import_observables(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The case.
        case_id: Path<WireId<CaseId>>,
        /// The type of rows that give none (required for plain lines, and
        /// for a CSV without a `type` column).
        #[oai(name = "type")]
        kind: Query<Option<ObservableTypeWire>>,
        /// The TLP of rows that give none (otherwise `amber`).
        tlp: Query<Option<TlpWire>>,
        /// Whether rows that do not say are indicators of compromise
        /// (otherwise `false`).
        is_ioc: Query<Option<bool>>,
        /// A client-chosen key (1 to 255 visible ASCII characters) that makes
        /// retries of this request safe for 24 hours.
        #[oai(name = "Idempotency-Key", validator(min_length = 1, max_length = 255))]
        idempotency_key: Header<Option<String>>,
        body: ImportBody,
    ) -> Result<BatchResponse, Problems<UpdateErrors>> {
        let caller = caller.actor();
        let (format, text) = match body {
            ImportBody::Csv(text) => (ImportFormat::Csv, text.0),
            ImportBody::Plain(text) => (ImportFormat::Lines, text.0),
        };
        let defaults =
            ImportDefaults { kind: kind.0.map(Into::into), tlp: tlp.0.map(Into::into), is_ioc: is_ioc.0 };
        let import = ObservableImport { format, text, defaults };
        let operation = format!("importObservables:{}:{}", workspace_id.0, case_id.0);
        let claim = claim(caller, idempotency_key.0.as_deref(), &operation, &import)?;
        let (workspace, case) = (workspace_id.0.id(), case_id.0.id());
        let answer = self.observables.import(caller, workspace, case, &import, claim).await?;
        let replayed = replayed(answer.batch.replayed);
        Ok(BatchResponse::Ok(Json(BatchView::with_lines(answer.batch, &answer.lines)), replayed))
    }
}
