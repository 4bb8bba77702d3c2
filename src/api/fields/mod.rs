//! `/v1/workspaces/{workspace_id}/custom-fields`: a workspace's own fields
//! on its cases (admins define them, members read them).

pub mod wire;

use std::sync::Arc;

use poem_openapi::OpenApi;
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;

use crate::http::auth::Caller;
use crate::http::idempotency::{claim, replayed};
use crate::http::json_body::JsonBody;
use crate::http::responses::{
    DeleteInUseErrors, GetErrors, ListErrors, Problems, UpdateErrors, idempotent_created, one_answer,
};
use crate::http::tags::ApiTags;
use crate::http::wire::WireId;
use crate::ids::{FieldId, WorkspaceId};
use crate::services::fields::{FieldService, FieldUpdate, NewField};
use wire::{CreateFieldRequest, FieldList, FieldView, UpdateFieldRequest};

/// Custom field operations.
pub struct FieldsApi {
    /// Custom field definitions.
    pub(in crate::api) fields: Arc<FieldService>,
}

idempotent_created!(
    /// Answer of `createCustomField`.
    CreateFieldResponse(Json<FieldView>),
    "The field was defined (or, with `Idempotent-Replayed: true`, an earlier create with the same key).",
    "The field's address."
);

one_answer!(
    /// Answer of `listCustomFields`.
    FieldListResponse: 200 Ok(Json<FieldList>),
    "Every custom field of the workspace, by key."
);

one_answer!(
    /// Answer of `getCustomField` and `updateCustomField`.
    FieldResponse: 200 Ok(Json<FieldView>),
    "The custom field."
);

one_answer!(
    /// Answer of `deleteCustomField`.
    FieldDeletedResponse: 204 NoContent,
    "The field is gone, and with `clear_values`, its values on cases."
);

#[OpenApi(tag = "ApiTags::CustomFields")]
impl FieldsApi {
    /// Define a custom field
    ///
    /// Adds a field every case of the workspace can carry in
    /// `custom_fields` (admins). Send an `Idempotency-Key` to make retries
    /// safe. A key another field has answers 409 `CUSTOM_FIELD_KEY_TAKEN`.
    #[oai(
        path = "/v1/workspaces/:workspace_id/custom-fields",
        method = "post",
        operation_id = "createCustomField"
    )]
    async fn create_field(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// A client-chosen key (1 to 255 visible ASCII characters) that makes
        /// retries of this request safe for 24 hours.
        #[oai(name = "Idempotency-Key", validator(min_length = 1, max_length = 255))]
        idempotency_key: Header<Option<String>>,
        body: JsonBody<CreateFieldRequest>,
    ) -> Result<CreateFieldResponse, Problems<UpdateErrors>> {
        let caller = caller.actor();
        let b = body.0;
        let request = NewField::parse(
            &b.key,
            &b.label,
            b.description.as_deref(),
            b.field_type.into(),
            b.options,
            b.required,
        )?;
        let operation = format!("createCustomField:{}", workspace_id.0);
        let claim = claim(caller, idempotency_key.0.as_deref(), &operation, &request)?;
        let created = self.fields.create(caller, workspace_id.0.id(), request, claim).await?;
        let location = format!(
            "/v1/workspaces/{}/custom-fields/{}",
            workspace_id.0,
            WireId::<FieldId>::new(created.value.id)
        );
        Ok(CreateFieldResponse::Created(Json(created.value.into()), location, replayed(created.replayed)))
    }

    /// List custom fields
    ///
    /// Every custom field of the workspace, by key.
    #[oai(
        path = "/v1/workspaces/:workspace_id/custom-fields",
        method = "get",
        operation_id = "listCustomFields"
    )]
    async fn list_fields(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
    ) -> Result<FieldListResponse, Problems<ListErrors>> {
        let fields = self.fields.list(caller.actor(), workspace_id.0.id()).await?;
        Ok(FieldListResponse::Ok(Json(FieldList { items: fields.into_iter().map(Into::into).collect() })))
    }

    /// Get a custom field
    ///
    /// One custom field of the workspace.
    #[oai(
        path = "/v1/workspaces/:workspace_id/custom-fields/:field_id",
        method = "get",
        operation_id = "getCustomField"
    )]
    async fn get_field(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The field.
        field_id: Path<WireId<FieldId>>,
    ) -> Result<FieldResponse, Problems<GetErrors>> {
        let field = self.fields.get(caller.actor(), workspace_id.0.id(), field_id.0.id()).await?;
        Ok(FieldResponse::Ok(Json(field.into())))
    }

    /// Update a custom field
    ///
    /// Changes the label, description, options or requirement (admins); the
    /// key and type never change. Removing options that cases hold answers
    /// 409 `CUSTOM_FIELD_IN_USE` unless `clear_values` is true. A stale
    /// `version` answers 409 `VERSION_CONFLICT`.
    #[oai(
        path = "/v1/workspaces/:workspace_id/custom-fields/:field_id",
        method = "patch",
        operation_id = "updateCustomField"
    )]
    async fn update_field(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The field.
        field_id: Path<WireId<FieldId>>,
        body: JsonBody<UpdateFieldRequest>,
    ) -> Result<FieldResponse, Problems<UpdateErrors>> {
        let b = body.0;
        let update = FieldUpdate::parse(
            b.version,
            b.label.as_deref(),
            b.description.as_deref(),
            b.options,
            b.required,
            b.clear_values.unwrap_or(false),
        )?;
        let field = self.fields.update(caller.actor(), workspace_id.0.id(), field_id.0.id(), update).await?;
        Ok(FieldResponse::Ok(Json(field.into())))
    }

    /// Delete a custom field
    ///
    /// Removes the field (admins). If cases hold values of it, answers 409
    /// `CUSTOM_FIELD_IN_USE` unless `clear_values=true`, which clears them
    /// (each such case gets a new version and an audit event).
    #[oai(
        path = "/v1/workspaces/:workspace_id/custom-fields/:field_id",
        method = "delete",
        operation_id = "deleteCustomField"
    )]
    async fn delete_field(
        &self,
        caller: Caller,
        /// The workspace.
        workspace_id: Path<WireId<WorkspaceId>>,
        /// The field.
        field_id: Path<WireId<FieldId>>,
        /// Clear the field's values from the cases that hold them (default false).
        clear_values: Query<Option<bool>>,
    ) -> Result<FieldDeletedResponse, Problems<DeleteInUseErrors>> {
        let clear = clear_values.0.unwrap_or(false);
        self.fields.delete(caller.actor(), workspace_id.0.id(), field_id.0.id(), clear).await?;
        Ok(FieldDeletedResponse::NoContent)
    }
}
