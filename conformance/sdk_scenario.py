"""The SDK scenario, run with the Python client generated from openapi.yaml.

Usage: python sdk_scenario.py BASE_URL (with the generated `casebook_client`
package importable). Exits non-zero, naming the step, on the first surprise.
"""

import sys
import time
import uuid

import casebook_client as cb
from casebook_client.exceptions import ApiException

BASE_URL = sys.argv[1]
PASSWORD = "correct horse battery staple"


def step(name):
    print(f"python sdk: {name}", flush=True)


def client(token=None):
    configuration = cb.Configuration(host=BASE_URL, access_token=token)
    return cb.ApiClient(configuration)


def main():
    email = f"sdk-{uuid.uuid4().hex[:10]}@example.com"
    public = client()

    step("sign up")
    account = cb.AccountsApi(public).create_account(
        cb.SignUpRequest(email=email, password=PASSWORD, display_name="SDK Python")
    )
    assert account.id.startswith("acct_"), account

    step("sign in")
    session = cb.SessionsApi(public).create_session(cb.SignInRequest(email=email, password=PASSWORD))
    api = client(session.token)

    step("create a workspace")
    workspace = cb.WorkspacesApi(api).create_workspace(cb.CreateWorkspaceRequest(name="SDK team"))
    ws = workspace.id

    step("create a case with an idempotency key, then retry it")
    cases = cb.CasesApi(api)
    key = f"sdk-{uuid.uuid4().hex}"
    request = cb.CreateCaseRequest(summary="Beaconing host", priority=cb.Priority.HIGH, tags=["c2"])
    first = cases.create_case_with_http_info(ws, request, idempotency_key=key)
    retry = cases.create_case_with_http_info(ws, request, idempotency_key=key)
    assert first.status_code == 201 and retry.status_code == 201, (first.status_code, retry.status_code)
    assert retry.data.id == first.data.id, "the retry created another case"
    headers = {name.lower(): value for name, value in (retry.headers or {}).items()}
    assert headers.get("idempotent-replayed") == "true", headers
    case = first.data

    step("update it with its version")
    updated = cases.update_case(ws, case.id, cb.UpdateCaseRequest(version=case.version, status=cb.CaseStatus.IN_PROGRESS))
    assert updated.version == case.version + 1 and updated.status == cb.CaseStatus.IN_PROGRESS, updated

    step("a stale version is a typed conflict")
    try:
        cases.update_case(ws, case.id, cb.UpdateCaseRequest(version=case.version, summary="Stale"))
        raise AssertionError("the stale update was accepted")
    except ApiException as err:
        assert err.status == 409, err.status
        problem = err.data
        assert isinstance(problem, cb.Problem), type(problem)
        assert problem.code == "VERSION_CONFLICT", problem.code

    step("list with a filter and follow the cursor")
    for n in range(3):
        cases.create_case(ws, cb.CreateCaseRequest(summary=f"Phish {n}", priority=cb.Priority.HIGH))
    cases.create_case(ws, cb.CreateCaseRequest(summary="Low one", priority=cb.Priority.LOW))
    seen, cursor = [], None
    while True:
        page = cases.list_cases(ws, priority=[cb.Priority.HIGH], limit=2, cursor=cursor)
        seen.extend(page.items)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == 4 and all(c.priority == cb.Priority.HIGH for c in seen), seen
    assert len({c.id for c in seen}) == 4

    step("upload and download an attachment")
    attachments = cb.AttachmentsApi(api)
    content = b"host,port\n127.0.0.1,22\n"
    uploaded = attachments.upload_case_attachment(
        ws, case.id, file=("hosts.csv", content), description="Open ports", idempotency_key=f"up-{uuid.uuid4().hex}"
    )
    assert uploaded.size == len(content) and uploaded.media_type in ("text/csv", "text/plain"), uploaded
    downloaded = attachments.download_case_attachment(ws, case.id, uploaded.id)
    assert bytes(downloaded) == content, downloaded

    step("run a loopback scan and read its results")
    scans = cb.ScansApi(api)
    # The server's own port is open, so the scan finds at least one.
    own_port = BASE_URL.rsplit(":", 1)[1].split("/")[0]
    scan = scans.create_scan(ws, cb.CreateScanRequest(target="127.0.0.1", ports=f"1-1024,{own_port}", timeout_ms=200))
    deadline = time.monotonic() + 60
    while scan.status not in ("completed", "failed", "cancelled"):
        assert time.monotonic() < deadline, f"scan still {scan.status}"
        time.sleep(0.2)
        scan = scans.get_scan(ws, scan.id)
    assert scan.status == "completed", scan
    results = scans.list_scan_results(ws, scan.id, limit=100)
    assert scan.open >= 1 and len(results.items) == scan.open, (len(results.items), scan.open)
    assert any(r.port == int(own_port) for r in results.items), results.items
    print(f"python sdk: scan done, {scan.open} open of {scan.total}", flush=True)
    service_account_scenario(api, ws)
    custom_field_scenario(api, ws, account.id)
    task_scenario(api, ws, case.id, account.id)
    template_scenario(api, ws)
    observable_scenario(api, ws, case.id)
    webhook_scenario(api, ws)
    activity_scenario(api, ws)
    trash_scenario(api, ws)
    many_cases_scenario(api, ws)
    print("python sdk: scenario passed", flush=True)


def service_account_scenario(api, ws):
    step("create a service account and an API key")
    admin = cb.ServiceAccountsApi(api)
    bot = admin.create_service_account(ws, cb.CreateServiceAccountRequest(name="SIEM bridge", role=cb.Role.EDITOR))
    assert bot.id.startswith("svc_") and bot.role == cb.Role.EDITOR, bot
    issued = admin.create_api_key(ws, bot.id, cb.CreateApiKeyRequest(name="sdk"))
    assert issued.secret.startswith("cbk_") and issued.secret.startswith(issued.key.prefix), issued.key
    listed = admin.list_api_keys(ws, bot.id)
    assert issued.secret not in listed.to_json(), "a listing shows the secret"

    step("drive a case through its life with the key alone")
    machine = client(issued.secret)
    cases = cb.CasesApi(machine)
    case = cases.create_case(ws, cb.CreateCaseRequest(summary="SIEM alert 4711", priority=cb.Priority.HIGH))
    assert case.created_by == bot.id and case.created_by_kind == cb.ActorKind.SERVICE_ACCOUNT, case
    comment = cb.CommentsApi(machine).create_comment(ws, case.id, cb.CreateCommentRequest(body="Enriched"))
    assert comment.author_id == bot.id and comment.author_kind == cb.ActorKind.SERVICE_ACCOUNT, comment
    for status in (cb.CaseStatus.IN_PROGRESS, cb.CaseStatus.RESOLVED, cb.CaseStatus.CLOSED):
        case = cases.update_case(ws, case.id, cb.UpdateCaseRequest(version=case.version, status=status))
    assert case.status == cb.CaseStatus.CLOSED and case.closed_at is not None, case
    events = cases.list_case_events(ws, case.id, limit=100).items
    assert events and all(e.actor_id == bot.id and e.actor_kind == cb.ActorKind.SERVICE_ACCOUNT for e in events)

    step("a key is not a person, and a revoked key is refused")
    expect_problem(lambda: cb.AccountsApi(machine).get_my_account(), 403, "SERVICE_ACCOUNT_NOT_ALLOWED")
    admin.revoke_api_key(ws, bot.id, issued.key.id)
    expect_problem(lambda: cases.get_case(ws, case.id), 401, "API_KEY_REVOKED")


CUSTOM_VALUES = {
    "string": "Finance", "text": "Line one\nline two", "integer": 42, "number": 2.5, "boolean": True,
    "date": "2026-03-01", "datetime": "2026-03-01T08:00:00.000000Z", "url": "https://tickets.example.com/T-1",
    "select": "high", "multi_select": ["low", "high"], "member": None,
}


def custom_field_scenario(api, ws, me):
    step("define a custom field of every type")
    fields = cb.CustomFieldsApi(api)
    for kind in CUSTOM_VALUES:
        options = ["low", "high"] if kind.endswith("select") else None
        fields.create_custom_field(ws, cb.CreateCustomFieldRequest(
            key=f"f_{kind}", label=kind, type=cb.CustomFieldType(kind), options=options))
    assert len(fields.list_custom_fields(ws).items) == len(CUSTOM_VALUES)
    spare = fields.create_custom_field(ws, cb.CreateCustomFieldRequest(key="spare", label="Spare", type=cb.CustomFieldType.STRING))
    relabelled = fields.update_custom_field(ws, spare.id, cb.UpdateCustomFieldRequest(version=spare.version, label="Kept"))
    assert fields.get_custom_field(ws, spare.id).label == "Kept" == relabelled.label
    fields.delete_custom_field(ws, spare.id)

    step("set and read every type on a case")
    values = {f"f_{kind}": value if kind != "member" else me for kind, value in CUSTOM_VALUES.items()}
    cases = cb.CasesApi(api)
    request = cb.CreateCaseRequest(summary="With custom fields",
                                   custom_fields={k: cb.CustomFieldValue(v) for k, v in values.items()})
    case = cases.create_case(ws, request)
    read = {k: v.actual_instance for k, v in cases.get_case(ws, case.id).custom_fields.items()}
    assert read == values, (read, values)

    step("filter by a custom field, then clear one")
    found = cases.list_cases(ws, custom_field=["f_multi_select=high", "f_integer>=40"]).items
    assert [c.id for c in found] == [case.id], found
    patch = cb.UpdateCaseRequest(version=case.version, custom_fields={"f_integer": cb.NullableCustomFieldValue(None)})
    updated = cases.update_case(ws, case.id, patch)
    assert "f_integer" not in updated.custom_fields and updated.version == case.version + 1, updated


def task_scenario(api, ws, case_id, me):
    step("a checklist of tasks: add, move, finish, and my overdue work")
    tasks = cb.TasksApi(api)
    contain = tasks.create_task(ws, case_id, cb.CreateTaskRequest(
        title="Contain", assignee_id=me, due_at="2020-01-01T00:00:00Z"), idempotency_key=f"t-{uuid.uuid4().hex}")
    collect = tasks.create_task(ws, case_id, cb.CreateTaskRequest(title="Collect"))
    assert (contain.position, collect.position, contain.status) == (1, 2, cb.TaskStatus.TODO), (contain, collect)
    moved = tasks.update_task(ws, case_id, collect.id, cb.UpdateTaskRequest(version=collect.version, position=1))
    assert moved.position == 1 and tasks.get_task(ws, case_id, contain.id).position == 2
    mine = tasks.list_tasks(ws, assignee_id=["me"], overdue=True).items
    assert [t.id for t in mine] == [contain.id], mine
    done = tasks.update_task(ws, case_id, contain.id, cb.UpdateTaskRequest(version=contain.version, status=cb.TaskStatus.DONE))
    assert done.completed_at is not None and not tasks.list_tasks(ws, assignee_id=["me"], overdue=True).items
    assert [t.title for t in tasks.list_case_tasks(ws, case_id).items] == ["Collect", "Contain"]
    tasks.delete_task(ws, case_id, collect.id)
    assert [t.position for t in tasks.list_case_tasks(ws, case_id).items] == [1]


def template_scenario(api, ws):
    step("a case template: make one, open a case from it, change it, delete it")
    templates = cb.CaseTemplatesApi(api)
    defaults = cb.CaseTemplateDefaults(summary="Phishing reported", priority=cb.Priority.HIGH, tags=["phishing"],
                                       custom_fields={"f_select": cb.CustomFieldValue("high")}, due_in_seconds=86400)
    steps = [cb.CaseTemplateTask(title="Collect headers", due_in_seconds=3600), cb.CaseTemplateTask(title="Block sender")]
    made = templates.create_case_template(ws, cb.CreateCaseTemplateRequest(name="Phishing", defaults=defaults, tasks=steps),
                                          idempotency_key=f"tpl-{uuid.uuid4().hex}")
    assert made.id.startswith("tpl_") and [t.title for t in made.tasks] == ["Collect headers", "Block sender"], made
    assert [t.id for t in templates.list_case_templates(ws).items] == [made.id]
    case = cb.CasesApi(api).create_case(ws, cb.CreateCaseRequest(template_id=made.id))
    assert (case.template_id, case.summary, case.priority) == (made.id, "Phishing reported", cb.Priority.HIGH), case
    assert case.custom_fields["f_select"].actual_instance == "high" and case.due_at is not None, case
    titles = [t.title for t in cb.TasksApi(api).list_case_tasks(ws, case.id).items]
    assert titles == ["Collect headers", "Block sender"], titles
    changed = templates.update_case_template(ws, made.id, cb.UpdateCaseTemplateRequest(version=made.version, name="Phish", tasks=[]))
    assert (changed.name, changed.tasks, templates.get_case_template(ws, made.id).version) == ("Phish", [], made.version + 1)
    templates.delete_case_template(ws, made.id)
    expect_problem(lambda: templates.get_case_template(ws, made.id), 404, "NOT_FOUND")


def observable_scenario(api, ws, case_id):
    step("observables: canonical values, one per case, found across the workspace")
    observables = cb.ObservablesApi(api)
    request = cb.CreateObservableRequest(type=cb.ObservableType.DOMAIN, value="Evil.Example.", is_ioc=True, tlp=cb.Tlp.RED)
    added = observables.create_observable_with_http_info(ws, case_id, request, idempotency_key=f"obs-{uuid.uuid4().hex}")
    assert added.status_code == 201 and added.data.value == "evil.example" and added.data.id.startswith("obs_"), added
    again = observables.create_observable_with_http_info(ws, case_id, cb.CreateObservableRequest(type=cb.ObservableType.DOMAIN, value="evil.example"))
    assert again.status_code == 200 and again.data.id == added.data.id, again
    other = cb.CasesApi(api).create_case(ws, cb.CreateCaseRequest(summary="Second sighting"))
    shared = observables.create_observable(ws, other.id, cb.CreateObservableRequest(type=cb.ObservableType.DOMAIN, value="EVIL.example"))
    assert shared.other_cases == 1, shared
    found = observables.list_observables(ws, type=[cb.ObservableType.DOMAIN], value="evil.example.").items
    assert sorted(o.case_id for o in found) == sorted([case_id, other.id]), found
    changed = observables.update_observable(ws, case_id, added.data.id, cb.UpdateObservableRequest(version=added.data.version, sighted=True))
    assert changed.sighted and changed.version == added.data.version + 1, changed
    assert [o.id for o in observables.list_case_observables(ws, case_id, is_ioc=True).items] == [added.data.id]
    related = observables.list_related_cases(ws, case_id).items
    assert [(r.other_case.id, r.shared_observables) for r in related] == [(other.id, 1)], related
    batch = observables.create_observable_batch(ws, case_id, cb.CreateObservableBatchRequest(items=[
        cb.CreateObservableRequest(type=cb.ObservableType.IPV4, value="203.0.113.9"),
        cb.CreateObservableRequest(type=cb.ObservableType.IPV4, value="not an address"),
        cb.CreateObservableRequest(type=cb.ObservableType.DOMAIN, value="evil.example")]))
    assert [i.outcome for i in batch.items] == [cb.ObservableBatchOutcome.CREATED, cb.ObservableBatchOutcome.INVALID,
                                                cb.ObservableBatchOutcome.EXISTING], batch
    assert batch.items[1].errors[0].to_dict()["field"] == "value" and batch.items[1].observable is None
    observables.delete_observable(ws, other.id, shared.id)
    assert observables.get_observable(ws, case_id, added.data.id).other_cases == 0
    step("observables: a pasted CSV and plain lines imported, each row answered with its line")
    outcome = cb.ObservableBatchOutcome
    csv = "type,value,is_ioc\nipv4,203.0.113.10,yes\ncolour,red,\n"
    imported = observables.import_observables(ws, case_id, csv, idempotency_key=f"imp-{uuid.uuid4().hex}")
    assert [(i.outcome, i.line) for i in imported.items] == [(outcome.CREATED, 2), (outcome.INVALID, 3)], imported
    assert imported.items[0].observable.source == cb.ObservableSource.IMPORT and imported.items[0].observable.is_ioc
    lines = observables.import_observables(ws, case_id, "203.0.113.10\n203.0.113.11\n", type=cb.ObservableType.IPV4,
                                           _content_type="text/plain")
    assert [(i.outcome, i.line) for i in lines.items] == [(outcome.EXISTING, 1), (outcome.CREATED, 2)], lines


def webhook_scenario(api, ws):
    step("webhooks: subscribe, ping, list deliveries, change, rotate the secret, refuse a private address, delete")
    hooks = cb.WebhooksApi(api)
    made = hooks.create_webhook(ws, cb.CreateWebhookRequest(url="https://203.0.113.10/casebook", events=["case.created"]))
    assert made.secret.startswith("whsec_") and made.webhook.id.startswith("whk_"), made.webhook
    assert [h.id for h in hooks.list_webhooks(ws).items] == [made.webhook.id]
    ping = hooks.ping_webhook(ws, made.webhook.id)
    assert (ping.event_type, ping.status, ping.id[:4]) == ("ping", cb.WebhookDeliveryStatus.PENDING, "dlv_"), ping
    assert [d.id for d in hooks.list_webhook_deliveries(ws, made.webhook.id).items] == [ping.id]
    changed = hooks.update_webhook(ws, made.webhook.id, cb.UpdateWebhookRequest(version=1, events=["*"], active=False))
    assert (changed.events, changed.active, changed.version) == (["*"], False, 2), changed
    expect_problem(lambda: hooks.ping_webhook(ws, made.webhook.id), 409, "WEBHOOK_INACTIVE")
    rotated = hooks.rotate_webhook_secret(ws, made.webhook.id)
    assert rotated.secret != made.secret and rotated.webhook.previous_secret_expires_at is not None
    expect_problem(lambda: hooks.create_webhook(ws, cb.CreateWebhookRequest(url="https://10.0.0.1/", events=["*"])),
                   422, "VALIDATION_FAILED")
    hooks.delete_webhook(ws, made.webhook.id)
    expect_problem(lambda: hooks.get_webhook(ws, made.webhook.id), 404, "NOT_FOUND")


def activity_scenario(api, ws):
    step("activity: the webhook's history from the workspace's events, filtered and paged; a bad cursor")
    activity = cb.ActivityApi(api)
    webhooks = [cb.EventResourceType.WEBHOOK]
    first = activity.list_workspace_events(ws, resource_type=webhooks, limit=2)
    assert [e.type for e in first.items] == ["webhook.deleted", "webhook.secret_rotated"], first.items
    rest = activity.list_workspace_events(ws, resource_type=webhooks, limit=2, cursor=first.next_cursor)
    assert [e.type for e in rest.items] == ["webhook.updated", "webhook.created"], rest.items
    # The generator names the property `var_field` (`field` is taken by pydantic).
    assert {"events", "active"} <= {change.var_field for change in rest.items[0].changes}, rest.items[0].changes
    assert rest.items[0].actor_kind == cb.EventActorKind.PERSON and rest.items[0].actor_id.startswith("acct_")
    expect_problem(lambda: activity.list_workspace_events(ws, cursor="not a cursor"), 422, "VALIDATION_FAILED")


def trash_scenario(api, ws):
    step("trash: a deleted case leaves the list; an admin restores it, syncs it, then purges it for good")
    cases, trash = cb.CasesApi(api), cb.TrashApi(api)
    doomed = cases.create_case(ws, cb.CreateCaseRequest(summary="Deleted by mistake"))
    cases.delete_case(ws, doomed.id)
    expect_problem(lambda: cases.get_case(ws, doomed.id), 404, "NOT_FOUND")
    listed = trash.list_trashed_cases(ws, limit=10)
    assert [t.case.id for t in listed.items] == [doomed.id], listed.items
    assert listed.items[0].deleted_by_kind == cb.ActorKind.PERSON and listed.items[0].purge_after > listed.items[0].deleted_at
    restored = trash.restore_case(ws, doomed.id)
    assert restored.id == doomed.id and restored.version == doomed.version + 1, restored
    changed = cases.list_cases(
        ws, updated_after=restored.updated_at, sort=cb.CaseSort.UPDATED_AT, order=cb.SortOrder.ASC
    )
    assert [c.id for c in changed.items] == [doomed.id], changed.items
    cases.delete_case(ws, doomed.id)
    trash.purge_case(ws, doomed.id)
    expect_problem(lambda: trash.get_trashed_case(ws, doomed.id), 404, "NOT_FOUND")
    expect_problem(lambda: trash.restore_case(ws, doomed.id), 404, "NOT_FOUND")


def many_cases_scenario(api, ws):
    step("links and bulk: a parent and its child seen from both ends; one change to two cases, one stale")
    cases = cb.CasesApi(api)
    parent = cases.create_case(ws, cb.CreateCaseRequest(summary="Phishing wave"))
    child = cases.create_case(ws, cb.CreateCaseRequest(summary="One mailbox"))
    made = cb.CreateCaseLinkRequest(type=cb.CaseLinkType.PARENT_OF, case_id=child.id)
    link = cases.create_case_link(ws, parent.id, made)
    assert link.id.startswith("link_") and link.linked_case.id == child.id, link
    seen = cases.list_case_links(ws, child.id).items
    assert [(l.id, l.type) for l in seen] == [(link.id, cb.CaseLinkType.CHILD_OF)], seen
    again = cb.CreateCaseLinkRequest(type=cb.CaseLinkType.RELATES_TO, case_id=parent.id)
    expect_problem(lambda: cases.create_case_link(ws, child.id, again), 409, "CASE_LINK_EXISTS")
    cases.delete_case_link(ws, child.id, link.id)
    answer = cases.update_cases(ws, cb.UpdateCasesRequest(
        items=[cb.BulkCaseItem(case_id=parent.id), cb.BulkCaseItem(case_id=child.id, version=child.version + 5)],
        changes=cb.BulkCaseChanges(status=cb.CaseStatus.IN_PROGRESS, add_tags=["wave"])))
    assert [i.outcome for i in answer.items] == [cb.BulkCaseOutcome.UPDATED, cb.BulkCaseOutcome.FAILED], answer
    assert answer.items[0].case.tags == ["wave"] and answer.items[1].problem.code == "VERSION_CONFLICT", answer
    gone = cases.delete_cases(ws, cb.DeleteCasesRequest(items=[cb.BulkCaseItem(case_id=child.id)]))
    assert gone.items[0].outcome == cb.BulkCaseOutcome.DELETED and gone.succeeded == 1, gone

    step("merge and export: a duplicate merged into its original, which is then exported as a bundle")
    original = cases.create_case(ws, cb.CreateCaseRequest(summary="Original"))
    copy = cases.create_case(ws, cb.CreateCaseRequest(summary="Copy", tags=["dup"]))
    cb.CommentsApi(api).create_comment(ws, copy.id, cb.CreateCommentRequest(body="Seen twice"))
    merged = cases.merge_case(ws, copy.id, cb.MergeCaseRequest(into_case_id=original.id))
    assert merged.source.merged_into == original.id and merged.moved.comments == 1, merged
    assert merged.into.tags == ["dup"] and merged.source.status == cb.CaseStatus.CLOSED, merged
    again = cb.MergeCaseRequest(into_case_id=original.id)
    expect_problem(lambda: cases.merge_case(ws, copy.id, again), 409, "CASE_MERGED")
    bundle = cases.export_case(ws, original.id, format=cb.CaseExportFormat.JSON)
    assert bundle.format == "casebook.case-export.v1" and bundle.to_dict()["case"]["id"] == original.id, bundle
    assert [c.body for c in bundle.comments] == ["Seen twice"], bundle.comments


def expect_problem(call, status, code):
    try:
        call()
    except ApiException as err:
        assert err.status == status, (err.status, err.body)
        assert code in (err.body or ""), err.body
        return
    raise AssertionError(f"expected {status} {code}")


if __name__ == "__main__":
    main()
