//! `/v1/workspaces/{workspace_id}/case-templates`: recipes for opening a
//! case (admins write them, members read them; `createCase` applies one).

pub mod wire;

use std::sync::Arc;

use poem_openapi::OpenApi;
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;

use crate::http::auth::Caller;
use crate::http::idempotency::{claim, replayed};
use crate::http::json_body::JsonBody;
use crate::http::responses::{
    DeleteErrors, GetErrors, ListErrors, Problems, UpdateErrors, idempotent_created, one_answer,
};
use crate::http::tags::ApiTags;
use crate::http::wire::WireId;
use crate::ids::{TemplateId, WorkspaceId};
use crate::services::pagination::PageRequest;
use crate::services::templates::{NewTemplate, TemplateService, TemplateUpdate};
use wire::{CreateTemplateRequest, TemplateList, TemplateView, UpdateTemplateRequest, raw_tasks};

/// Case template operations.
pub struct TemplatesApi {
    /// Case templates.
    pub(in crate::api) templates: Arc<TemplateService>,
}

idempotent_created!(
    /// Answer of `createCaseTemplate`.
    CreateTemplateResponse(Json<TemplateView>),
    "The template was made (or, with `Idempotent-Replayed: true`, an earlier create with the same key).",
    "The template's address."
);

one_answer!(
    /// Answer of `listCaseTemplates`.
    TemplateListResponse: 200 Ok(Json<TemplateList>),
    "A page of the workspace's case templates, by name."
);

one_answer!(
    /// Answer of `getCaseTemplate` and `updateCaseTemplate`.
    TemplateResponse: 200 Ok(Json<TemplateView>),
    "The case template."
);

one_answer!(
    /// Answer of `deleteCaseTemplate`.
    TemplateDeletedResponse: 204 NoContent,
    "The template is gone; cases opened from it keep their `template_id`."
);

#[OpenApi(tag = "ApiTags::CaseTemplates")]
impl TemplatesApi {
    /// Make a case template
    ///
    /// Adds a recipe for opening cases (admins): defaults for the case's
    /// fields, a relative due time, and a checklist of tasks. Default
    /// custom field values are checked against their fields. A name another
    /// template has (in any case) answers 409 `CASE_TEMPLATE_NAME_TAKEN`.
    /// Send an `Idempotency-Key` to make retries safe.
    #[oai(
        path = "/v1/workspaces/:workspace_id/case-templates",
        method = "post",
        operation_id = "createCaseTemplate"
    )]
    async fn create_template(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// A client-chosen key (1 to 255 visible ASCII characters) that makes
        /// retries of this request safe for 24 hours.
        #[oai(name = "Idempotency-Key", validator(min_length = 1, max_length = 255))]
        idempotency_key: Header<Option<String>>,
        body: JsonBody<CreateTemplateRequest>,
    ) -> Result<CreateTemplateResponse, Problems<UpdateErrors>> {
        let caller = caller.actor();
        let b = body.0;
        let request = NewTemplate::parse(
            &b.name,
            b.description.as_deref(),
            b.defaults.map(Into::into),
            raw_tasks(b.tasks),
        )?;
        let operation = format!("createCaseTemplate:{}", workspace_id.0);
        let claim = claim(caller, idempotency_key.0.as_deref(), &operation, &request)?;
        let created = self.templates.create(caller, workspace_id.0.id(), request, claim).await?;
        let location = format!(
            "/v1/workspaces/{}/case-templates/{}",
            workspace_id.0,
            WireId::<TemplateId>::new(created.value.id)
        );
        Ok(CreateTemplateResponse::Created(Json(created.value.into()), location, replayed(created.replayed)))
    }

    /// List case templates
    ///
    /// A page of the workspace's case templates, by name (any member).
    #[oai(
        path = "/v1/workspaces/:workspace_id/case-templates",
        method = "get",
        operation_id = "listCaseTemplates"
    )]
    async fn list_templates(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// Items per page, 1 to 100 (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> Result<TemplateListResponse, Problems<ListErrors>> {
        let page = PageRequest::parse(limit.0, cursor.0.as_deref())?;
        let page = self.templates.list(caller.actor(), workspace_id.0.id(), page).await?;
        Ok(TemplateListResponse::Ok(Json(page.into())))
    }

    /// Get a case template
    ///
    /// One case template of the workspace (any member).
    #[oai(
        path = "/v1/workspaces/:workspace_id/case-templates/:template_id",
        method = "get",
        operation_id = "getCaseTemplate"
    )]
    async fn get_template(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The template.
        template_id: Path<WireId<TemplateId>>,
    ) -> Result<TemplateResponse, Problems<GetErrors>> {
        let template = self.templates.get(caller.actor(), workspace_id.0.id(), template_id.0.id()).await?;
        Ok(TemplateResponse::Ok(Json(template.into())))
    }

    /// Update a case template
    ///
    /// Changes a template (admins): what is given replaces what is there
    /// (`defaults` whole, `tasks` as a list). Cases opened from it before
    /// do not change. A stale `version` answers 409 `VERSION_CONFLICT`.
    #[oai(
        path = "/v1/workspaces/:workspace_id/case-templates/:template_id",
        method = "patch",
        operation_id = "updateCaseTemplate"
    )]
    async fn update_template(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The template.
        template_id: Path<WireId<TemplateId>>,
        body: JsonBody<UpdateTemplateRequest>,
    ) -> Result<TemplateResponse, Problems<UpdateErrors>> {
        let b = body.0;
        let update = TemplateUpdate::parse(
            b.version,
            b.name.as_deref(),
            b.description.as_deref(),
            b.defaults.map(Into::into),
            raw_tasks(b.tasks),
        )?;
        let (workspace, id) = (workspace_id.0.id(), template_id.0.id());
        let template = self.templates.update(caller.actor(), workspace, id, update).await?;
        Ok(TemplateResponse::Ok(Json(template.into())))
    }

    /// Delete a case template
    ///
    /// Removes a template (admins). Cases opened from it keep their
    /// `template_id`.
    #[oai(
        path = "/v1/workspaces/:workspace_id/case-templates/:template_id",
        method = "delete",
        operation_id = "deleteCaseTemplate"
    )]
    async fn delete_template(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The template.
        template_id: Path<WireId<TemplateId>>,
    ) -> Result<TemplateDeletedResponse, Problems<DeleteErrors>> {
        self.templates.delete(caller.actor(), workspace_id.0.id(), template_id.0.id()).await?;
        Ok(TemplateDeletedResponse::NoContent)
    }
}
