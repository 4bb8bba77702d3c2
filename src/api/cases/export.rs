//! `/v1/workspaces/{workspace_id}/cases/{case_id}/export`: a case and
//! everything it holds as one file, a JSON bundle or a Markdown report.

use std::sync::Arc;

use poem::web::Accept;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Json, Payload};
use poem_openapi::registry::MetaSchemaRef;
use poem_openapi::types::Type;
use poem_openapi::{ApiResponse, Enum, OpenApi, ResponseContent};

use super::export_markdown;
use super::export_wire::CaseExportView;
use crate::http::auth::Caller;
use crate::http::responses::{ListErrors, Problems};
use crate::http::tags::ApiTags;
use crate::http::wire::WireId;
use crate::ids::{CaseId, WorkspaceId};
use crate::services::export::ExportService;

/// Case exports.
pub struct CaseExportApi {
    /// Exports.
    pub(in crate::api) exports: Arc<ExportService>,
}

/// The forms an export comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename = "CaseExportFormat", rename_all = "lowercase")]
pub enum ExportFormat {
    /// The JSON bundle (`application/json`, `CASE-<number>.json`).
    Json,
    /// The Markdown report (`text/markdown`, `CASE-<number>.md`).
    Markdown,
}

impl ExportFormat {
    /// The form `Accept` prefers: the first of its types, by quality, that
    /// names one (`text/markdown` or `text/*` the report; `application/json`,
    /// `application/*` or `*/*` the bundle), types of quality 0 left out;
    /// the bundle when none does.
    fn preferred(accept: &Accept) -> Self {
        let wanted =
            |mime: &&mime::Mime| mime.get_param("q").is_none_or(|q| q.as_str().parse() != Ok(0.0_f32));
        accept
            .0
            .iter()
            .filter(wanted)
            .find_map(|mime| match (mime.type_().as_str(), mime.subtype().as_str()) {
                ("text", "markdown" | "*") => Some(Self::Markdown),
                ("application", "json" | "*") | ("*", "*") => Some(Self::Json),
                _ => None,
            })
            .unwrap_or(Self::Json)
    }
}

/// A Markdown document.
pub struct Markdown(String);

impl Payload for Markdown {
    const CONTENT_TYPE: &'static str = "text/markdown";

    fn schema_ref() -> MetaSchemaRef {
        String::schema_ref()
    }
}

impl poem::IntoResponse for Markdown {
    fn into_response(self) -> poem::Response {
        poem::Response::builder().content_type("text/markdown; charset=utf-8").body(self.0)
    }
}

/// The export in the form asked for.
#[derive(ResponseContent)]
pub enum ExportBody {
    /// The JSON bundle.
    Bundle(Json<Box<CaseExportView>>),
    /// The Markdown report.
    Report(Markdown),
}

/// Answer of `exportCase`.
#[derive(ApiResponse)]
enum ExportResponse {
    /// The case as a file: the JSON bundle or the Markdown report.
    #[oai(status = 200)]
    Ok(
        ExportBody,
        /// `attachment; filename="CASE-<number>.json"` (or `.md`).
        #[oai(header = "Content-Disposition")]
        String,
        /// `Accept`: the answer depends on it.
        #[oai(header = "Vary")]
        String,
    ),
}

#[OpenApi(tag = "ApiTags::Cases")]
impl CaseExportApi {
    /// Export a case
    ///
    /// The case and everything it holds, as a file (any member): the case,
    /// its comments, tasks, observables, links, whole audit trail and
    /// attachment records (with their SHA-256, not their bytes), each as
    /// the API's own operations show it. Two forms: the JSON bundle
    /// (`application/json`, `format=json`), whose `format` field reads
    /// `casebook.case-export.v1`; and a Markdown report a person can read
    /// or print (`text/markdown`, `format=markdown`). The `format` parameter
    /// wins over `Accept`; without it, the first type of `Accept` (by
    /// quality) that names a form chooses it (`text/markdown` or `text/*`
    /// the report, `application/json`, `application/*` or `*/*` the bundle),
    /// and the bundle is the default. `Content-Disposition` names the file
    /// `CASE-<number>.json` or `CASE-<number>.md`.
    #[oai(
        path = "/v1/workspaces/:workspace_id/cases/:case_id/export",
        method = "get",
        operation_id = "exportCase"
    )]
    async fn export_case(
        &self,
        caller: Caller,
        accept: Accept,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The case.
        case_id: Path<WireId<CaseId>>,
        /// `json` or `markdown`; wins over `Accept`.
        format: Query<Option<ExportFormat>>,
    ) -> Result<ExportResponse, Problems<ListErrors>> {
        let form = format.0.unwrap_or_else(|| ExportFormat::preferred(&accept));
        let export = self.exports.export(caller.actor(), workspace_id.0.id(), case_id.0.id()).await?;
        let name = format!("CASE-{}", export.case.number);
        let (body, file) = match form {
            ExportFormat::Json => (ExportBody::Bundle(Json(Box::new(export.into()))), format!("{name}.json")),
            ExportFormat::Markdown => {
                (ExportBody::Report(Markdown(export_markdown::render(&export))), format!("{name}.md"))
            }
        };
        Ok(ExportResponse::Ok(body, format!("attachment; filename=\"{file}\""), "Accept".to_owned()))
    }
}
