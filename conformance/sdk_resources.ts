// The TypeScript SDK scenario's steps for what cases hold and how a
// workspace is set up: service accounts, custom fields, tasks, templates,
// observables, webhooks, links between cases and bulk changes.

import {
  AccountsApi,
  ActorKind,
  BulkCaseOutcome,
  CaseExportFormat,
  CaseLinkType,
  CasesApi,
  CaseStatus,
  CaseTemplatesApi,
  CommentsApi,
  Configuration,
  CustomFieldsApi,
  CustomFieldType,
  CustomFieldValue,
  ObservablesApi,
  ObservableSource,
  ObservableType,
  Priority,
  Role,
  ServiceAccountsApi,
  TasksApi,
  TaskStatus,
  Tlp,
  WebhookEventType,
  WebhooksApi,
} from "./client";
import { baseUrl, check, expectProblem, step } from "./sdk_support";

export async function serviceAccountScenario(config: Configuration, workspaceId: string): Promise<void> {
  step("create a service account and an API key");
  const admin = new ServiceAccountsApi(config);
  const bot = await admin.createServiceAccount({
    workspaceId,
    createServiceAccountRequest: { name: "SOAR playbook", role: Role.Editor },
  });
  check(bot.id.startsWith("svc_"), "service account id");
  const issued = await admin.createApiKey({ workspaceId, serviceAccountId: bot.id, createApiKeyRequest: { name: "sdk" } });
  check(issued.secret.startsWith("cbk_") && issued.secret.startsWith(issued.key.prefix), "the secret and its prefix");
  const listed = await admin.listApiKeysRaw({ workspaceId, serviceAccountId: bot.id });
  check(!(await listed.raw.text()).includes(issued.secret), "a listing does not show the secret");

  step("drive a case through its life with the key alone");
  const machine = new Configuration({ basePath: baseUrl, accessToken: issued.secret });
  const cases = new CasesApi(machine);
  let item = await cases.createCase({ workspaceId, createCaseRequest: { summary: "SOAR alert", priority: Priority.High } });
  check(item.createdBy === bot.id && item.createdByKind === ActorKind.ServiceAccount, "the case names the bot");
  const comment = await new CommentsApi(machine).createComment({
    workspaceId,
    caseId: item.id,
    createCommentRequest: { body: "Enriched" },
  });
  check(comment.authorId === bot.id && comment.authorKind === ActorKind.ServiceAccount, "the comment names the bot");
  for (const status of [CaseStatus.InProgress, CaseStatus.Resolved, CaseStatus.Closed]) {
    item = await cases.updateCase({ workspaceId, caseId: item.id, updateCaseRequest: { version: item.version, status } });
  }
  check(item.status === CaseStatus.Closed, "closed");
  const events = await cases.listCaseEvents({ workspaceId, caseId: item.id, limit: 100 });
  check(events.items.length > 0, "events");
  check(events.items.every((e) => e.actorId === bot.id && e.actorKind === ActorKind.ServiceAccount), "events name the bot");

  step("a key is not a person, and a revoked key is refused");
  await expectProblem(() => new AccountsApi(machine).getMyAccount(), 403, "SERVICE_ACCOUNT_NOT_ALLOWED");
  await admin.revokeApiKey({ workspaceId, serviceAccountId: bot.id, keyId: issued.key.id });
  await expectProblem(() => cases.getCase({ workspaceId, caseId: item.id }), 401, "API_KEY_REVOKED");
}

const customValues: Record<string, CustomFieldValue | null> = {
  string: "Finance",
  text: "Line one\nline two",
  integer: 42,
  number: 2.5,
  boolean: true,
  date: "2026-03-01",
  datetime: "2026-03-01T08:00:00.000000Z",
  url: "https://tickets.example.com/T-1",
  select: "high",
  multi_select: ["low", "high"],
  member: null,
};

export async function customFieldScenario(config: Configuration, workspaceId: string, me: string): Promise<void> {
  step("define a custom field of every type");
  const fields = new CustomFieldsApi(config);
  for (const kind of Object.keys(customValues)) {
    const options = kind.endsWith("select") ? ["low", "high"] : undefined;
    await fields.createCustomField({
      workspaceId,
      createCustomFieldRequest: { key: `f_${kind}`, label: kind, type: kind as CustomFieldType, options },
    });
  }
  check((await fields.listCustomFields({ workspaceId })).items.length === Object.keys(customValues).length, "fields");
  const spare = await fields.createCustomField({
    workspaceId,
    createCustomFieldRequest: { key: "spare", label: "Spare", type: CustomFieldType.String },
  });
  await fields.updateCustomField({ workspaceId, fieldId: spare.id, updateCustomFieldRequest: { version: spare.version, label: "Kept" } });
  check((await fields.getCustomField({ workspaceId, fieldId: spare.id })).label === "Kept", "relabelled");
  await fields.deleteCustomField({ workspaceId, fieldId: spare.id });

  step("set and read every type on a case");
  const values: { [key: string]: CustomFieldValue } = {};
  for (const [kind, value] of Object.entries(customValues)) {
    values[`f_${kind}`] = value === null ? me : value;
  }
  const cases = new CasesApi(config);
  const item = await cases.createCase({ workspaceId, createCaseRequest: { summary: "With custom fields", customFields: values } });
  const read = (await cases.getCase({ workspaceId, caseId: item.id })).customFields;
  const sorted = (o: object) => JSON.stringify(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
  check(sorted(read) === sorted(values), `custom fields read back: ${JSON.stringify(read)}`);

  step("filter by a custom field, then clear one");
  const found = await cases.listCases({ workspaceId, customField: ["f_multi_select=high", "f_integer>=40"] });
  check(found.items.length === 1 && found.items[0].id === item.id, "the filter finds the case");
  const updated = await cases.updateCase({
    workspaceId,
    caseId: item.id,
    // typescript-fetch drops `nullable` from the choices of an anyOf, so
    // its type has no null; the server takes one (it clears the field).
    updateCaseRequest: { version: item.version, customFields: { f_integer: null as unknown as CustomFieldValue } },
  });
  check(!("f_integer" in updated.customFields) && updated.version === item.version + 1, "f_integer cleared");
}

export async function taskScenario(config: Configuration, workspaceId: string, caseId: string, me: string): Promise<void> {
  step("a checklist of tasks: add, move, finish, and my overdue work");
  const tasks = new TasksApi(config);
  const contain = await tasks.createTask({
    workspaceId,
    caseId,
    idempotencyKey: `t-${Date.now()}`,
    createTaskRequest: { title: "Contain", assigneeId: me, dueAt: new Date("2020-01-01T00:00:00Z") },
  });
  const collect = await tasks.createTask({ workspaceId, caseId, createTaskRequest: { title: "Collect" } });
  check(contain.position === 1 && collect.position === 2 && contain.status === TaskStatus.Todo, "appended in order");
  const moved = await tasks.updateTask({ workspaceId, caseId, taskId: collect.id, updateTaskRequest: { version: collect.version, position: 1 } });
  check(moved.position === 1 && (await tasks.getTask({ workspaceId, caseId, taskId: contain.id })).position === 2, "moved");
  const mine = await tasks.listTasks({ workspaceId, assigneeId: ["me"], overdue: true });
  check(mine.items.length === 1 && mine.items[0].id === contain.id, "my overdue work");
  const done = await tasks.updateTask({
    workspaceId,
    caseId,
    taskId: contain.id,
    updateTaskRequest: { version: contain.version, status: TaskStatus.Done },
  });
  check(done.completedAt != null, "completed_at is set");
  check((await tasks.listTasks({ workspaceId, assigneeId: ["me"], overdue: true })).items.length === 0, "no longer overdue");
  await tasks.deleteTask({ workspaceId, caseId, taskId: collect.id });
  const left = await tasks.listCaseTasks({ workspaceId, caseId });
  check(left.items.length === 1 && left.items[0].position === 1, "renumbered after a delete");
}

export async function templateScenario(config: Configuration, workspaceId: string): Promise<void> {
  step("a case template: make one, open a case from it, change it, delete it");
  const templates = new CaseTemplatesApi(config);
  const made = await templates.createCaseTemplate({
    workspaceId,
    idempotencyKey: `tpl-${Date.now()}`,
    createCaseTemplateRequest: {
      name: "Phishing",
      defaults: { summary: "Phishing reported", priority: Priority.High, tags: ["phishing"], customFields: { f_select: "high" }, dueInSeconds: 86400 },
      tasks: [{ title: "Collect headers", dueInSeconds: 3600 }, { title: "Block sender" }],
    },
  });
  check(made.id.startsWith("tpl_") && made.tasks.map((t) => t.title).join("|") === "Collect headers|Block sender", "template made");
  const listed = await templates.listCaseTemplates({ workspaceId });
  check(listed.items.length === 1 && listed.items[0].id === made.id, "template listed");
  const item = await new CasesApi(config).createCase({ workspaceId, createCaseRequest: { templateId: made.id } });
  check(item.templateId === made.id && item.summary === "Phishing reported" && item.priority === Priority.High, "case from template");
  check(item.customFields["f_select"] === "high" && item.dueAt != null, "template defaults applied");
  const titles = (await new TasksApi(config).listCaseTasks({ workspaceId, caseId: item.id })).items.map((t) => t.title);
  check(titles.join("|") === "Collect headers|Block sender", `template tasks: ${titles}`);
  const changed = await templates.updateCaseTemplate({
    workspaceId,
    templateId: made.id,
    updateCaseTemplateRequest: { version: made.version, name: "Phish", tasks: [] },
  });
  check(changed.name === "Phish" && changed.tasks.length === 0 && changed.version === made.version + 1, "template changed");
  await templates.deleteCaseTemplate({ workspaceId, templateId: made.id });
  await expectProblem(() => templates.getCaseTemplate({ workspaceId, templateId: made.id }), 404, "NOT_FOUND");
}

export async function observableScenario(config: Configuration, workspaceId: string, caseId: string): Promise<void> {
  step("observables: canonical values, one per case, found across the workspace");
  const observables = new ObservablesApi(config);
  const createObservableRequest = { type: ObservableType.Domain, value: "Evil.Example.", isIoc: true, tlp: Tlp.Red };
  const added = await observables.createObservableRaw({ workspaceId, caseId, idempotencyKey: `obs-${Date.now()}`, createObservableRequest });
  const made = await added.value();
  check(added.raw.status === 201 && made.value === "evil.example" && made.id.startsWith("obs_"), "observable added in canonical form");
  const again = await observables.createObservableRaw({ workspaceId, caseId, createObservableRequest: { type: ObservableType.Domain, value: "evil.example" } });
  check(again.raw.status === 200 && (await again.value()).id === made.id, "the same value is the same observable");
  const other = await new CasesApi(config).createCase({ workspaceId, createCaseRequest: { summary: "Second sighting" } });
  const shared = await observables.createObservable({ workspaceId, caseId: other.id, createObservableRequest: { type: ObservableType.Domain, value: "EVIL.example" } });
  check(shared.otherCases === 1, "correlated with the first case");
  const found = await observables.listObservables({ workspaceId, type: [ObservableType.Domain], value: "evil.example." });
  check(found.items.map((o) => o.caseId).sort().join() === [caseId, other.id].sort().join(), "found in both cases");
  const changed = await observables.updateObservable({ workspaceId, caseId, observableId: made.id, updateObservableRequest: { version: made.version, sighted: true } });
  check(changed.sighted && changed.version === made.version + 1, "observable changed");
  const related = await observables.listRelatedCases({ workspaceId, caseId });
  check(related.items.length === 1 && related.items[0].otherCase.id === other.id && related.items[0].sharedObservables === 1, "related case");
  const batch = await observables.createObservableBatch({
    workspaceId,
    caseId,
    createObservableBatchRequest: {
      items: [
        { type: ObservableType.Ipv4, value: "203.0.113.9" },
        { type: ObservableType.Ipv4, value: "not an address" },
        { type: ObservableType.Domain, value: "evil.example" },
      ],
    },
  });
  check(batch.items.map((i) => i.outcome).join() === "created,invalid,existing", `batch outcomes: ${batch.items.map((i) => i.outcome)}`);
  check(batch.items[1].errors[0].field === "value" && batch.items[1].observable == null, "the invalid item says why");
  await observables.deleteObservable({ workspaceId, caseId: other.id, observableId: shared.id });
  check((await observables.getObservable({ workspaceId, caseId, observableId: made.id })).otherCases === 0, "correlation follows deletes");
  step("observables: a pasted CSV imported, each row answered with its line");
  const imported = await observables.importObservables({
    workspaceId,
    caseId,
    idempotencyKey: `imp-${Date.now()}`,
    body: "type,value,is_ioc\nipv4,203.0.113.10,yes\ncolour,red,\n",
  });
  const rows = imported.items.map((i) => `${i.outcome}@${i.line}`).join();
  check(rows === "created@2,invalid@3", `import outcomes: ${rows}`);
  check(imported.items[0].observable?.source === ObservableSource.Import, "imported observables say so");
}

export async function webhookScenario(config: Configuration, workspaceId: string): Promise<void> {
  step("webhooks: subscribe, ping, list deliveries, change, rotate the secret, refuse a private address, delete");
  const hooks = new WebhooksApi(config);
  const events = (names: string[]) => names as unknown as WebhookEventType[];
  const made = await hooks.createWebhook({
    workspaceId,
    createWebhookRequest: { url: "https://203.0.113.10/casebook", events: events(["case.created"]) },
  });
  check(made.secret.startsWith("whsec_") && made.webhook.id.startsWith("whk_"), "subscribed with a secret");
  const ping = await hooks.pingWebhook({ workspaceId, webhookId: made.webhook.id });
  check(ping.eventType === "ping" && ping.status === "pending" && ping.id.startsWith("dlv_"), "ping queued");
  const sent = await hooks.listWebhookDeliveries({ workspaceId, webhookId: made.webhook.id });
  check(sent.items.length === 1 && sent.items[0].id === ping.id, "the ping is listed");
  const changed = await hooks.updateWebhook({
    workspaceId,
    webhookId: made.webhook.id,
    updateWebhookRequest: { version: 1, events: events(["*"]), active: false },
  });
  check(String(changed.events) === "*" && !changed.active && changed.version === 2, "subscription changed");
  await expectProblem(() => hooks.pingWebhook({ workspaceId, webhookId: made.webhook.id }), 409, "WEBHOOK_INACTIVE");
  const rotated = await hooks.rotateWebhookSecret({ workspaceId, webhookId: made.webhook.id });
  check(rotated.secret !== made.secret && rotated.webhook.previousSecretExpiresAt != null, "secret rotated");
  await expectProblem(
    () => hooks.createWebhook({ workspaceId, createWebhookRequest: { url: "https://10.0.0.1/", events: events(["*"]) } }),
    422,
    "VALIDATION_FAILED",
  );
  await hooks.deleteWebhook({ workspaceId, webhookId: made.webhook.id });
  await expectProblem(() => hooks.getWebhook({ workspaceId, webhookId: made.webhook.id }), 404, "NOT_FOUND");
}

export async function manyCasesScenario(config: Configuration, workspaceId: string): Promise<void> {
  step("links and bulk: a parent and its child seen from both ends; one change to two cases, one stale");
  const cases = new CasesApi(config);
  const parent = await cases.createCase({ workspaceId, createCaseRequest: { summary: "Phishing wave" } });
  const child = await cases.createCase({ workspaceId, createCaseRequest: { summary: "One mailbox" } });
  const link = await cases.createCaseLink({ workspaceId, caseId: parent.id, createCaseLinkRequest: { type: CaseLinkType.ParentOf, caseId: child.id } });
  check(link.id.startsWith("link_") && link.linkedCase.id === child.id, "parent linked to child");
  const seen = await cases.listCaseLinks({ workspaceId, caseId: child.id });
  check(seen.items.length === 1 && seen.items[0].type === CaseLinkType.ChildOf, "the child sees child_of");
  await expectProblem(() => cases.createCaseLink({ workspaceId, caseId: child.id, createCaseLinkRequest: { type: CaseLinkType.RelatesTo, caseId: parent.id } }), 409, "CASE_LINK_EXISTS");
  await cases.deleteCaseLink({ workspaceId, caseId: child.id, linkId: link.id });
  const answer = await cases.updateCases({ workspaceId, updateCasesRequest: {
    items: [{ caseId: parent.id }, { caseId: child.id, version: child.version + 5 }],
    changes: { status: CaseStatus.InProgress, addTags: ["wave"] },
  } });
  check(answer.items[0].outcome === BulkCaseOutcome.Updated && answer.items[1].outcome === BulkCaseOutcome.Failed, "one updated, one stale");
  check(answer.items[1].problem?.code === "VERSION_CONFLICT", "the stale one is a version conflict");
  const gone = await cases.deleteCases({ workspaceId, deleteCasesRequest: { items: [{ caseId: child.id }] } });
  check(gone.items[0].outcome === BulkCaseOutcome.Deleted && gone.succeeded === 1, "the child is in the trash");

  step("merge and export: a duplicate merged into its original, which is then exported as a bundle");
  const original = await cases.createCase({ workspaceId, createCaseRequest: { summary: "Original" } });
  const copy = await cases.createCase({ workspaceId, createCaseRequest: { summary: "Copy", tags: ["dup"] } });
  await new CommentsApi(config).createComment({ workspaceId, caseId: copy.id, createCommentRequest: { body: "Seen twice" } });
  const merged = await cases.mergeCase({ workspaceId, caseId: copy.id, mergeCaseRequest: { intoCaseId: original.id } });
  check(merged.source.mergedInto === original.id && merged.moved.comments === 1, "the copy points at the original");
  check(merged.into.tags.length === 1 && merged.source.status === CaseStatus.Closed, "tags joined, copy closed");
  await expectProblem(() => cases.mergeCase({ workspaceId, caseId: copy.id, mergeCaseRequest: { intoCaseId: original.id } }), 409, "CASE_MERGED");
  const bundle = await cases.exportCase({ workspaceId, caseId: original.id, format: CaseExportFormat.Json });
  check(bundle.format === "casebook.case-export.v1" && bundle._case.id === original.id, "the bundle holds the case");
  check(bundle.comments.length === 1 && bundle.comments[0].body === "Seen twice", "the bundle holds the moved comment");
}
