//! The case template service: admins write templates, members read them.
//! Default custom field values are checked against the workspace's
//! definitions as a case's would be (required fields aside: a case may
//! give those itself).

use std::collections::BTreeMap;

use serde_json::Value;

use super::model::{defaults_json, name_key, tasks_json};
use super::{CaseDefaults, CaseTemplate, NewTemplate, TemplateError, TemplateUpdate};
use crate::ids::{TemplateId, WorkspaceId};
use crate::platform::clock;
use crate::services::fields;
use crate::services::idempotency::{self, Claim, Created};
use crate::services::kernel::{Access, Actor, Failure, Role};
use crate::services::outbox::{Change, EventType, Outbox};
use crate::services::pagination::{Page, PageRequest};
use crate::store::case_templates::{self, TemplateChanges};
use crate::store::{DbConn, StoreError, db_transaction};

/// Case templates of workspaces.
pub struct TemplateService {
    access: Access,
    outbox: Outbox,
}

impl TemplateService {
    /// A service whose work starts from `access`'s workspace scope and
    /// whose changes are reported through `outbox`.
    pub fn new(access: Access, outbox: Outbox) -> Self {
        Self { access, outbox }
    }

    /// Adds a template (admins).
    #[tracing::instrument(skip_all)]
    pub async fn create(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        mut request: NewTemplate,
        claim: Option<Claim>,
    ) -> Result<Created<CaseTemplate>, TemplateError> {
        let mut scope = self.access.writing(caller, workspace, Role::Admin).await?;
        let conn = &mut scope.db();
        request.defaults = checked(conn, workspace, request.defaults).await?;
        db_transaction!(conn, |tx| {
            if let Some(earlier) = idempotency::begin::<CaseTemplate>(tx, claim.as_ref()).await? {
                return Ok(Created { value: earlier, replayed: true });
            }
            let now = clock::now();
            let template = CaseTemplate {
                id: TemplateId::new(),
                workspace_id: workspace,
                name: request.name.clone(),
                description: request.description.clone(),
                defaults: request.defaults.clone(),
                tasks: request.tasks.clone(),
                version: 1,
                created_by: caller.id,
                created_at: now,
                updated_at: now,
            };
            match case_templates::insert(tx, &template.to_row()).await {
                Err(StoreError::UniqueViolation(_)) => return Err(TemplateError::NameTaken(template.name)),
                other => other?,
            }
            self.outbox
                .record(tx, workspace, caller, &[Change::new(EventType::TemplateCreated, &template)])
                .await?;
            idempotency::finish(tx, claim.as_ref(), &template).await?;
            Ok::<_, TemplateError>(Created::new(template))
        })
    }

    /// A page of the workspace's templates by name (any member).
    pub async fn list(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        page: PageRequest<(String, TemplateId)>,
    ) -> Result<Page<CaseTemplate>, TemplateError> {
        let mut scope = self.access.reading(caller, workspace, Role::Viewer).await?;
        let rows = case_templates::list(&mut scope.db(), workspace, page.after.clone(), page.fetch()).await?;
        let templates = rows.into_iter().map(CaseTemplate::try_from).collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_rows(templates, page.limit, |t| (name_key(&t.name), t.id)))
    }

    /// One template (any member).
    pub async fn get(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        id: TemplateId,
    ) -> Result<CaseTemplate, TemplateError> {
        let mut scope = self.access.reading(caller, workspace, Role::Viewer).await?;
        Ok(load(&mut scope.db(), workspace, id).await?)
    }

    /// Changes a template (admins), conditional on `version`. Cases opened
    /// from it before do not change.
    #[tracing::instrument(skip_all)]
    pub async fn update(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        id: TemplateId,
        mut update: TemplateUpdate,
    ) -> Result<CaseTemplate, TemplateError> {
        let mut scope = self.access.writing(caller, workspace, Role::Admin).await?;
        let conn = &mut scope.db();
        if let Some(defaults) = update.defaults.take() {
            update.defaults = Some(checked(conn, workspace, defaults).await?);
        }
        db_transaction!(conn, |tx| {
            let current = load(tx, workspace, id).await?;
            if current.version != update.version {
                return Err(conflict(current.version, update.version));
            }
            let changes = TemplateChanges {
                name: update.name.clone(),
                name_key: update.name.as_deref().map(name_key),
                description: update.description.clone(),
                defaults: update.defaults.as_ref().map(defaults_json),
                tasks: update.tasks.as_deref().map(tasks_json),
                updated_at: Some(clock::now().into()),
            };
            let row = match case_templates::update(tx, id, update.version, changes).await {
                Err(StoreError::UniqueViolation(_)) => {
                    return Err(TemplateError::NameTaken(update.name.clone().unwrap_or_default()));
                }
                other => other?,
            };
            let Some(row) = row else {
                return Err(conflict(load(tx, workspace, id).await?.version, update.version));
            };
            let template = CaseTemplate::try_from(row)?;
            let event = Change::updated(EventType::TemplateUpdated, &current, &template);
            self.outbox.record(tx, workspace, caller, &[event]).await?;
            Ok::<_, TemplateError>(template)
        })
    }

    /// Deletes a template (admins). Cases opened from it keep its id.
    #[tracing::instrument(skip_all)]
    pub async fn delete(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        id: TemplateId,
    ) -> Result<(), TemplateError> {
        let mut scope = self.access.writing(caller, workspace, Role::Admin).await?;
        let conn = &mut scope.db();
        db_transaction!(conn, |tx| {
            let template = load(tx, workspace, id).await?;
            if !case_templates::delete(tx, workspace, id).await? {
                return Err(Failure::NotFound("case template").into());
            }
            self.outbox
                .record(tx, workspace, caller, &[Change::new(EventType::TemplateDeleted, &template)])
                .await?;
            Ok::<_, TemplateError>(())
        })
    }
}

/// The defaults with their custom field values checked and made canonical,
/// each problem named `defaults.custom_fields.<key>`.
async fn checked(
    conn: &mut DbConn<'_>,
    workspace: WorkspaceId,
    mut defaults: CaseDefaults,
) -> Result<CaseDefaults, Failure> {
    if defaults.custom_fields.is_empty() {
        return Ok(defaults);
    }
    let definitions = fields::definitions(conn, workspace).await?;
    let none: BTreeMap<String, Value> = BTreeMap::new();
    defaults.custom_fields =
        fields::apply(conn, workspace, &none, &definitions, &defaults.custom_fields, false).await.map_err(
            |failure| match failure {
                Failure::Validation(errors) => Failure::Validation(errors.within("defaults")),
                other => other,
            },
        )?;
    Ok(defaults)
}

async fn load(
    conn: &mut DbConn<'_>,
    workspace: WorkspaceId,
    id: TemplateId,
) -> Result<CaseTemplate, Failure> {
    super::load(conn, workspace, id).await?.ok_or(Failure::NotFound("case template"))
}

fn conflict(current: i32, given: i32) -> TemplateError {
    Failure::VersionConflict { what: "case template", current, given }.into()
}
