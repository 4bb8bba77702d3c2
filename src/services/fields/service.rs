//! The custom field service: definitions per workspace. Admins write them,
//! members read them. Renaming a label or adding an option touches no case;
//! removing an option or a field that cases use is refused unless the
//! request asks for those values to be cleared.

use super::clear::{Removal, clear};
use super::model::options_json;
use super::{FieldDefinition, FieldError, FieldUpdate, NewField, index_entries};
use crate::ids::{FieldId, WorkspaceId};
use crate::platform::clock;
use crate::services::idempotency::{self, Claim, Created};
use crate::services::kernel::{Access, Actor, Failure, Role};
use crate::services::outbox::{Change, EventType, Outbox};
use crate::services::validation::ValidationErrors;
use crate::store::custom_fields::{self, FieldChanges};
use crate::store::{DbConn, StoreError, db_transaction, field_values};

/// Custom field definitions of workspaces.
pub struct FieldService {
    access: Access,
    outbox: Outbox,
}

impl FieldService {
    /// A service whose work starts from `access`'s workspace scope, and
    /// whose clearing of values publishes through `outbox`.
    pub fn new(access: Access, outbox: Outbox) -> Self {
        Self { access, outbox }
    }

    /// Defines a field (admins).
    #[tracing::instrument(skip_all)]
    pub async fn create(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        request: NewField,
        claim: Option<Claim>,
    ) -> Result<Created<FieldDefinition>, FieldError> {
        let mut scope = self.access.writing(caller, workspace, Role::Admin).await?;
        let conn = &mut scope.db();
        db_transaction!(conn, |tx| {
            if let Some(earlier) = idempotency::begin::<FieldDefinition>(tx, claim.as_ref()).await? {
                return Ok(Created { value: earlier, replayed: true });
            }
            let now = clock::now();
            let field = FieldDefinition {
                id: FieldId::new(),
                workspace_id: workspace,
                key: request.key.clone(),
                label: request.label.clone(),
                description: request.description.clone(),
                field_type: request.field_type,
                options: request.options.clone(),
                required: request.required,
                version: 1,
                created_by: caller.id,
                created_at: now,
                updated_at: now,
            };
            match custom_fields::insert(tx, &field.to_row()).await {
                Err(StoreError::UniqueViolation(_)) => return Err(FieldError::KeyTaken(field.key)),
                other => other?,
            }
            self.outbox
                .record(tx, workspace, caller, &[Change::new(EventType::CustomFieldCreated, &field)])
                .await?;
            idempotency::finish(tx, claim.as_ref(), &field).await?;
            Ok::<_, FieldError>(Created::new(field))
        })
    }

    /// Every field of a workspace, by key (any member).
    pub async fn list(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
    ) -> Result<Vec<FieldDefinition>, FieldError> {
        let mut scope = self.access.reading(caller, workspace, Role::Viewer).await?;
        let rows = custom_fields::list(&mut scope.db(), workspace).await?;
        Ok(rows.into_iter().map(FieldDefinition::try_from).collect::<Result<_, _>>()?)
    }

    /// One field (any member).
    pub async fn get(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        id: FieldId,
    ) -> Result<FieldDefinition, FieldError> {
        let mut scope = self.access.reading(caller, workspace, Role::Viewer).await?;
        load(&mut scope.db(), workspace, id).await
    }

    /// Changes a field (admins), conditional on `version`. Options that
    /// cases hold may be removed only with `clear_values`, which clears them
    /// from those cases in the same transaction.
    #[tracing::instrument(skip_all)]
    pub async fn update(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        id: FieldId,
        update: FieldUpdate,
    ) -> Result<FieldDefinition, FieldError> {
        let mut scope = self.access.writing(caller, workspace, Role::Admin).await?;
        let conn = &mut scope.db();
        db_transaction!(conn, |tx| {
            let current = load(tx, workspace, id).await?;
            if current.version != update.version {
                return Err(conflict(current.version, update.version));
            }
            if update.options.is_some() && !current.field_type.has_options() {
                let message = format!("only select fields have options, not {}", current.field_type.as_str());
                return Err(ValidationErrors::single("options", message).into());
            }
            let removed: Vec<String> = match &update.options {
                Some(options) => current.options.iter().filter(|o| !options.contains(o)).cloned().collect(),
                None => Vec::new(),
            };
            let now = clock::now();
            if !removed.is_empty() {
                let keys: Vec<String> = removed
                    .iter()
                    .flat_map(|o| index_entries(&current, &serde_json::Value::from(o.clone())))
                    .map(|(key, _)| key)
                    .collect();
                let holders = field_values::cases_with(tx, workspace, id, &keys).await?;
                if !holders.is_empty() && !update.clear_values {
                    return Err(FieldError::InUse { cases: holders.len() });
                }
                clear(tx, &self.outbox, caller, &current, &Removal::Options(&removed), &holders, now).await?;
            }
            let changes = FieldChanges {
                label: update.label.clone(),
                description: update.description.clone(),
                options: update.options.as_deref().map(options_json),
                required: update.required,
                updated_at: Some(now.into()),
            };
            let Some(row) = custom_fields::update(tx, id, update.version, changes).await? else {
                return Err(conflict(load(tx, workspace, id).await?.version, update.version));
            };
            let field = FieldDefinition::try_from(row)?;
            let event = Change::updated(EventType::CustomFieldUpdated, &current, &field);
            self.outbox.record(tx, workspace, caller, &[event]).await?;
            Ok::<_, FieldError>(field)
        })
    }

    /// Deletes a field (admins). If cases hold values of it, only with
    /// `clear_values`, which clears them (with an audit event on each case).
    #[tracing::instrument(skip_all)]
    pub async fn delete(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        id: FieldId,
        clear_values: bool,
    ) -> Result<(), FieldError> {
        let mut scope = self.access.writing(caller, workspace, Role::Admin).await?;
        let conn = &mut scope.db();
        db_transaction!(conn, |tx| {
            let field = load(tx, workspace, id).await?;
            let holders = field_values::cases_with(tx, workspace, id, &[]).await?;
            if !holders.is_empty() && !clear_values {
                return Err(FieldError::InUse { cases: holders.len() });
            }
            clear(tx, &self.outbox, caller, &field, &Removal::Field, &holders, clock::now()).await?;
            custom_fields::delete(tx, id).await?;
            self.outbox
                .record(tx, workspace, caller, &[Change::new(EventType::CustomFieldDeleted, &field)])
                .await?;
            Ok::<_, FieldError>(())
        })
    }
}

async fn load(
    conn: &mut DbConn<'_>,
    workspace: WorkspaceId,
    id: FieldId,
) -> Result<FieldDefinition, FieldError> {
    let row = custom_fields::find(conn, workspace, id).await?.ok_or(Failure::NotFound("custom field"))?;
    Ok(row.try_into()?)
}

fn conflict(current: i32, given: i32) -> FieldError {
    Failure::VersionConflict { what: "custom field", current, given }.into()
}
