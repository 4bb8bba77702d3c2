// The TypeScript SDK scenario's steps for the workspace's record: the
// activity feed, incremental sync and the trash.

import { ActivityApi, CaseSort, CasesApi, Configuration, EventResourceType, SortOrder, TrashApi } from "./client";
import { check, expectProblem, step } from "./sdk_support";

export async function recordScenario(config: Configuration, workspaceId: string): Promise<void> {
  step("activity: the webhook's history from the workspace's events, filtered and paged; a bad cursor");
  const activity = new ActivityApi(config);
  const resourceType = [EventResourceType.Webhook];
  const first = await activity.listWorkspaceEvents({ workspaceId, resourceType, limit: 2 });
  const rest = await activity.listWorkspaceEvents({ workspaceId, resourceType, limit: 2, cursor: first.nextCursor ?? undefined });
  const types = [...first.items, ...rest.items].map((event) => event.type);
  check(types.join() === "webhook.deleted,webhook.secret_rotated,webhook.updated,webhook.created", `webhook events: ${types}`);
  const changed = (rest.items[0].changes ?? []).map((change) => change.field);
  check(changed.includes("active"), `changed fields: ${changed}`);
  await expectProblem(() => activity.listWorkspaceEvents({ workspaceId, cursor: "not a cursor" }), 422, "VALIDATION_FAILED");

  step("trash: a deleted case leaves the list; an admin restores it, syncs it, then purges it for good");
  const cases = new CasesApi(config);
  const trash = new TrashApi(config);
  const doomed = await cases.createCase({ workspaceId, createCaseRequest: { summary: "Deleted by mistake" } });
  await cases.deleteCase({ workspaceId, caseId: doomed.id });
  await expectProblem(() => cases.getCase({ workspaceId, caseId: doomed.id }), 404, "NOT_FOUND");
  const listed = await trash.listTrashedCases({ workspaceId, limit: 10 });
  check(listed.items.length === 1 && listed.items[0]._case.id === doomed.id, "the case is in the trash");
  check(listed.items[0].purgeAfter > listed.items[0].deletedAt, "purged after its deletion");
  const restored = await trash.restoreCase({ workspaceId, caseId: doomed.id });
  check(restored.version === doomed.version + 1, `restored at version ${restored.version}`);
  const since = await cases.listCases({ workspaceId, updatedAfter: restored.updatedAt, sort: CaseSort.UpdatedAt, order: SortOrder.Asc });
  check(since.items.length === 1 && since.items[0].id === doomed.id, "incremental sync sees the restored case");
  await cases.deleteCase({ workspaceId, caseId: doomed.id });
  await trash.purgeCase({ workspaceId, caseId: doomed.id });
  await expectProblem(() => trash.getTrashedCase({ workspaceId, caseId: doomed.id }), 404, "NOT_FOUND");
}
