// The SDK scenario, run with the TypeScript (typescript-fetch) client
// generated from openapi.yaml. Compiled with tsc next to the generated code
// (`./client`), run with Node: node sdk_scenario.js BASE_URL.

import {
  AccountsApi,
  AttachmentsApi,
  CasesApi,
  CaseStatus,
  Configuration,
  Priority,
  ProblemFromJSON,
  ResponseError,
  ScansApi,
  SessionsApi,
  WorkspacesApi,
} from "./client";
import { recordScenario } from "./sdk_record";
import {
  customFieldScenario,
  manyCasesScenario,
  observableScenario,
  serviceAccountScenario,
  taskScenario,
  templateScenario,
  webhookScenario,
} from "./sdk_resources";
import { baseUrl, check, expectProblem, step } from "./sdk_support";

const password = "correct horse battery staple";

async function main(): Promise<void> {
  const email = `sdk-${Math.random().toString(16).slice(2, 12)}@example.com`;
  const publicConfig = new Configuration({ basePath: baseUrl });

  step("sign up");
  const account = await new AccountsApi(publicConfig).createAccount({
    signUpRequest: { email, password, displayName: "SDK TypeScript" },
  });
  check(account.id.startsWith("acct_"), "account id");

  step("sign in");
  const session = await new SessionsApi(publicConfig).createSession({ signInRequest: { email, password } });
  const config = new Configuration({ basePath: baseUrl, accessToken: session.token });

  step("create a workspace");
  const workspace = await new WorkspacesApi(config).createWorkspace({ createWorkspaceRequest: { name: "SDK team" } });
  const workspaceId = workspace.id;

  step("create a case with an idempotency key, then retry it");
  const cases = new CasesApi(config);
  const key = `sdk-${Date.now()}-${Math.random()}`;
  const request = { workspaceId, idempotencyKey: key, createCaseRequest: { summary: "Beaconing host", priority: Priority.High } };
  const first = await cases.createCaseRaw(request);
  const retry = await cases.createCaseRaw(request);
  const created = await first.value();
  const replayed = await retry.value();
  check(first.raw.status === 201 && retry.raw.status === 201, "both 201");
  check(replayed.id === created.id, "the retry returns the same case");
  check(retry.raw.headers.get("idempotent-replayed") === "true", "Idempotent-Replayed on the retry");

  step("update it with its version");
  const updated = await cases.updateCase({
    workspaceId,
    caseId: created.id,
    updateCaseRequest: { version: created.version, status: CaseStatus.InProgress },
  });
  check(updated.version === created.version + 1 && updated.status === CaseStatus.InProgress, "updated");

  step("a stale version is a typed conflict");
  try {
    await cases.updateCase({
      workspaceId,
      caseId: created.id,
      updateCaseRequest: { version: created.version, summary: "Stale" },
    });
    throw new Error("the stale update was accepted");
  } catch (err) {
    check(err instanceof ResponseError, `a ResponseError, not ${err}`);
    const response = (err as ResponseError).response;
    const problem = ProblemFromJSON(await response.json());
    check(response.status === 409 && problem.code === "VERSION_CONFLICT", `conflict code ${problem.code}`);
  }

  step("list with a filter and follow the cursor");
  for (const n of [0, 1, 2]) {
    await cases.createCase({ workspaceId, createCaseRequest: { summary: `Phish ${n}`, priority: Priority.High } });
  }
  await cases.createCase({ workspaceId, createCaseRequest: { summary: "Low one", priority: Priority.Low } });
  const seen = new Set<string>();
  let cursor: string | undefined = undefined;
  do {
    const page = await cases.listCases({ workspaceId, priority: [Priority.High], limit: 2, cursor });
    for (const item of page.items) {
      check(item.priority === Priority.High, "filtered");
      seen.add(item.id);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  check(seen.size === 4, `four high cases, saw ${seen.size}`);

  step("upload and download an attachment");
  const attachments = new AttachmentsApi(config);
  const content = "host,port\n127.0.0.1,22\n";
  const uploaded = await attachments.uploadCaseAttachment({
    workspaceId,
    caseId: created.id,
    file: new Blob([content], { type: "text/csv" }),
    description: "Open ports",
  });
  check(uploaded.size === content.length, "uploaded size");
  const downloaded = await attachments.downloadCaseAttachment({ workspaceId, caseId: created.id, attachmentId: uploaded.id });
  check((await downloaded.text()) === content, "downloaded bytes");

  step("run a loopback scan and read its results");
  const scans = new ScansApi(config);
  const ownPort = new URL(baseUrl).port;
  let scan = await scans.createScan({
    workspaceId,
    createScanRequest: { target: "127.0.0.1", ports: `1-1024,${ownPort}`, timeoutMs: 200 },
  });
  const deadline = Date.now() + 60_000;
  while (!["completed", "failed", "cancelled"].includes(scan.status)) {
    check(Date.now() < deadline, `scan still ${scan.status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    scan = await scans.getScan({ workspaceId, scanId: scan.id });
  }
  check(scan.status === "completed", `scan ${scan.status}`);
  const results = await scans.listScanResults({ workspaceId, scanId: scan.id, limit: 100 });
  check(scan.open >= 1 && results.items.length === scan.open, "results match the count");
  check(results.items.some((r) => r.port === Number(ownPort)), "the server's own port is open");
  console.log(`typescript sdk: scan done, ${scan.open} open of ${scan.total}`);
  await serviceAccountScenario(config, workspaceId);
  await customFieldScenario(config, workspaceId, account.id);
  await taskScenario(config, workspaceId, created.id, account.id);
  await templateScenario(config, workspaceId);
  await observableScenario(config, workspaceId, created.id);
  await webhookScenario(config, workspaceId);
  await recordScenario(config, workspaceId);
  await manyCasesScenario(config, workspaceId);
  console.log("typescript sdk: scenario passed");
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
