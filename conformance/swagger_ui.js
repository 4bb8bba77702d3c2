// Drives Swagger UI at /docs in headless Chromium, as a person would:
// authorize with a token, "Try it out" on createCase, execute, and read the
// 201 the page shows; then the same with a service account's API key.
// Usage: node swagger_ui.js BASE_URL SCREENSHOT_PATH

const { chromium } = require("playwright-core");

const baseUrl = process.argv[2];
const screenshot = process.argv[3];
const password = "correct horse battery staple";

async function api(path, body, token) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${baseUrl}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

async function main() {
  const email = `swagger-${Date.now()}@example.com`;
  await api("/v1/accounts", { email, password, display_name: "Swagger UI" });
  const { token } = await api("/v1/sessions", { email, password });
  const workspace = await api("/v1/workspaces", { name: "Swagger team" }, token);

  const bot = await api(`/v1/workspaces/${workspace.id}/service-accounts`, { name: "Swagger bot", role: "editor" }, token);
  const issued = await api(`/v1/workspaces/${workspace.id}/service-accounts/${bot.id}/keys`, { name: "ui" }, token);

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox"],
  });
  try {
    const byPerson = await fileCase(browser, token, workspace.id, screenshot);
    if (byPerson.created_by_kind !== "person") throw new Error(`filed by ${byPerson.created_by_kind}`);
    console.log("swagger ui: createCase answered 201 on the page");
    const byKey = await fileCase(browser, issued.secret, workspace.id, null);
    if (byKey.created_by !== bot.id || byKey.created_by_kind !== "service_account") {
      throw new Error(`filed with the key by ${byKey.created_by} (${byKey.created_by_kind})`);
    }
    console.log("swagger ui: authorized with an API key, createCase answered 201 as the service account");
  } finally {
    await browser.close();
  }
}

// Authorizes with `token` on a fresh page, files a case with "Try it out",
// and returns the case the page shows.
async function fileCase(browser, token, workspaceId, screenshot) {
  const page = await browser.newPage();
  await page.goto(`${baseUrl}/docs`);
  await page.waitForSelector("#operations-Cases-createCase", { timeout: 30000 });
  console.log("swagger ui: page loaded");

  await page.click("button.authorize");
  await page.fill(".auth-container input[type=text], .auth-container input:not([type])", token);
  await page.click(".auth-btn-wrapper button.authorize");
  await page.click("button.btn-done");
  console.log("swagger ui: authorized");

  const operation = page.locator("#operations-Cases-createCase");
  await operation.locator(".opblock-summary").first().click();
  await operation.locator("button.try-out__btn").click();
  await operation.locator('tr[data-param-name="workspace_id"] input').fill(workspaceId);
  await operation.locator("textarea.body-param__text").fill(
    JSON.stringify({ summary: "Filed from Swagger UI", priority: "high" }),
  );
  await operation.locator("button.execute").click();
  const status = operation.locator(".live-responses-table .response .response-col_status").first();
  await status.waitFor({ timeout: 30000 });
  const shown = (await status.innerText()).trim();
  const body = (await operation.locator(".live-responses-table .response-col_description pre").first().innerText()).trim();
  await status.scrollIntoViewIfNeeded();
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: false });
  if (!shown.startsWith("201")) throw new Error(`the page shows ${shown}: ${body}`);
  if (!body.includes("Filed from Swagger UI")) throw new Error(`unexpected body: ${body}`);
  await page.close();
  return JSON.parse(body);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
