import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import * as fs from "node:fs";
import {
  ORGANISER,
  buyByApi,
  collectBrowserErrors,
  hydrated,
  registerByApi,
  signUpOnPage,
  totp,
  uniqueName,
} from "./helpers";

// The organiser's console, one story in order: the organiser (made by `tiket staff add`
// for the e2e server) signs in, sets up the second factor, creates a festival with two
// stages and publishes it; a fan buys on its fan pages; the dashboard follows without a reload; the
// orders desk finds the fan by ticket code; the CSV export; the editor without
// JavaScript; staff roles; the doors: a ticket let in by the check-in API, then
// reported again by an offline gate, on the console's door page live (admitted
// of sold, the log, the conflict). Screenshots at 360 and 1280 px go to end2end/screenshots/.
test.describe.configure({ mode: "serial" });

const SHOTS = "screenshots";
const slug = uniqueName("fes").toLowerCase().replace(/[^a-z0-9]/g, "");
let organiser: BrowserContext;
let page: Page;
let errors: string[];
const stageIds: number[] = [];
let fanName = "";

async function shoot(page: Page, name: string) {
  fs.mkdirSync(SHOTS, { recursive: true });
  for (const [label, size] of [
    ["360", { width: 360, height: 780 }],
    ["1280", { width: 1280, height: 900 }],
  ] as const) {
    await page.setViewportSize(size);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${name} at ${label} px scrolls sideways`).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${SHOTS}/console-${name}-${label}.png`, fullPage: true });
  }
}

test.beforeAll(async ({ browser }: { browser: Browser }) => {
  organiser = await browser.newContext();
  page = await organiser.newPage();
  errors = collectBrowserErrors(page);
});

test.afterAll(async () => {
  await organiser.close();
});

test("the organiser signs in and sets up the second factor", async () => {
  await page.goto("/console");
  await expect(page).toHaveURL("/sign-in?next=/console");
  await hydrated(page);
  await page.getByLabel("User name").fill(ORGANISER.name);
  await page.getByLabel("Password", { exact: true }).fill(ORGANISER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL("/staff/second-factor?next=/console");
  await hydrated(page);
  await expect(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  await shoot(page, "second-factor");

  const secret = (await page.locator("[data-secret]").getAttribute("data-secret"))!;
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
  await page.getByLabel("Code", { exact: true }).fill("000000");
  await page.getByRole("button", { name: "Confirm and set up" }).click();
  await expect(page.locator("#code-error")).toBeVisible();
  await page.getByLabel("Code", { exact: true }).fill(totp(secret));
  await page.getByRole("button", { name: "Confirm and set up" }).click();
  await expect(page.getByRole("heading", { name: "Save these recovery codes now" })).toBeVisible();
  await expect(page.locator("[data-recovery-codes] li")).toHaveCount(10);
  await shoot(page, "recovery-codes");
  await page.getByRole("link", { name: /I have saved them/ }).click();
  await expect(page).toHaveURL("/console");
  await expect(page.getByRole("heading", { name: "Festivals" })).toBeVisible();
});

async function addStage(page: Page, name: string, day: string, doors: string, price: string, stock: string) {
  await page.getByRole("link", { name: "Add a stage" }).click();
  await expect(page).toHaveURL(`/console/f/${slug}/stages/new`);
  await hydrated(page);
  await page.getByLabel("Stage name").fill(name);
  await page.getByLabel("Festival day").fill(day);
  await page.getByLabel(/^Doors open/).fill(`2099-03-2${day}T${doors}`);
  await page.getByLabel(/^Show starts/).fill(`2099-03-2${day}T19:00`);
  await page.getByLabel(/^Sale opens/).fill("2020-01-01T12:00");
  await page.getByLabel(/^Sale closes/).fill(`2099-03-2${day}T${doors}`);
  await page.getByLabel("Price in yen").fill(price);
  await page.getByLabel("Tickets in all").fill(stock);
  await page.getByRole("button", { name: "Save stage" }).click();
  await expect(page).toHaveURL(`/console/f/${slug}`);
  await expect(page.getByRole("link", { name, exact: true })).toBeVisible();
}

test("the organiser creates a festival with two stages and publishes it", async () => {
  await page.getByRole("link", { name: "New festival" }).click();
  await expect(page).toHaveURL("/console/festivals/new");
  await hydrated(page);
  await page.getByLabel("Address name").fill(slug);
  await page.getByLabel("Festival name").fill("Indonesia Fes");
  await page.getByLabel("Venue").fill("JIExpo, Jakarta");
  await page.getByLabel("Time zone").fill("Asia/Jakarta");
  await page.getByRole("button", { name: "Create festival (as a draft)" }).click();
  await expect(page).toHaveURL(`/console/f/${slug}`);
  await expect(page.locator("[data-state=draft]").first()).toBeVisible();

  // Published without stages: refused with the sentence.
  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page.getByRole("alert")).toContainText("without stages");

  await addStage(page, "Day one live", "1", "16:00", "5000", "30");
  await addStage(page, "Day two live", "2", "15:00", "6500", "20");
  for (const id of await page.locator("li[data-stage]").evaluateAll((items) => items.map((li) => li.getAttribute("data-stage")))) {
    stageIds.push(Number(id));
  }
  expect(stageIds).toHaveLength(2);
  // Times were read on Jakarta's clock (WIB).
  await expect(page.getByText("doors 2099-03-21 16:00 WIB")).toBeVisible();

  await page.getByRole("button", { name: "Move Day two live up" }).click();
  await expect(page.locator("li[data-stage]").first()).toHaveAttribute("data-stage", String(stageIds[1]));
  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page.locator("[data-state=published]").first()).toBeVisible();
  await expect(page.getByRole("heading", { name: "History" })).toBeVisible();
  await expect(page.getByText("published the festival")).toBeVisible();
  await expect(page.getByText(ORGANISER.name).first()).toBeVisible();
  await shoot(page, "editor");
});

test("the dashboard follows a fan's purchases without a reload; the orders desk finds them", async ({ browser }) => {
  await page.goto(`/console/f/${slug}/dashboard`);
  await hydrated(page);
  await expect(page.locator("[data-total-sold]")).toHaveText("0");
  await expect(page.locator("svg[data-chart-total]")).toHaveAttribute("data-chart-total", "0");

  // A fan, in a browser of their own, buys on the festival's fan pages.
  const fanContext = await browser.newContext();
  const fanPage = await fanContext.newPage();
  const fan = uniqueName("fan");
  await signUpOnPage(fanPage, fan, `/f/${slug}/stages/${stageIds[0]}`);
  await expect(fanPage).toHaveURL(`/f/${slug}/stages/${stageIds[0]}`);
  await hydrated(fanPage);
  await fanPage.getByRole("button", { name: "One more" }).click();
  await fanPage.getByRole("button", { name: /^Buy 2 tickets/ }).click();
  await expect(fanPage).toHaveURL("/my-tickets");
  await fanPage.goto(`/f/${slug}/stages/${stageIds[1]}`);
  await hydrated(fanPage);
  await fanPage.getByRole("button", { name: /^Buy 1 ticket/ }).click();
  await expect(fanPage).toHaveURL("/my-tickets");
  await expect(fanPage.getByRole("article")).toHaveCount(3);
  await fanContext.close();

  await expect(page.locator("[data-total-sold]")).toHaveText("3", { timeout: 10_000 });
  await expect(page.locator("svg[data-chart-total]")).toHaveAttribute("data-chart-total", "3");
  await expect(page.locator("svg[data-chart-total] rect").first()).toBeVisible();
  await expect(page.locator("[data-latest] li")).toHaveCount(3);
  await shoot(page, "dashboard");

  const code = (await page.locator("[data-latest] li .font-mono").first().textContent())!.trim();
  expect(code).toMatch(/-/);
  await page.goto(`/console/orders?q=${code.replace("-", "").toLowerCase()}`);
  await expect(page.locator(`[data-code="${code}"]`)).toBeVisible();
  await page.locator(`[data-fan="${fan}"]`).click();
  await expect(page).toHaveURL(`/console/orders?q=${fan}`);
  await expect(page.locator("[data-code]")).toHaveCount(3);
  await expect(page.locator("[data-order]")).toHaveCount(2);
  await shoot(page, "orders");
  fanName = fan;
  // The refusals above (a wrong code: 401; publishing without stages: 409) are
  // logged by the browser as failed loads; nothing else may be.
  const expected = /Failed to load resource: the server responded with a status of (401|409)/;
  expect(errors.filter((error) => !expected.test(error))).toEqual([]);
});

test("the festival's tickets download as CSV from the dashboard", async () => {
  await page.goto(`/console/f/${slug}/dashboard`);
  const href = (await page.getByRole("link", { name: "Download tickets (CSV)" }).getAttribute("href"))!;
  expect(href).toBe(`/api/organiser/festivals/${slug}/tickets.csv`);
  const answer = await page.request.get(href);
  expect(answer.status()).toBe(200);
  expect(answer.headers()["content-type"]).toContain("text/csv");
  const bytes = await answer.body();
  // UTF-8 with a byte-order mark, so Excel opens it in the right encoding.
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = bytes.subarray(3).toString("utf8");
  expect(text.split("\n")[0]).toContain("code");
  expect(text).toContain("Day one live");
  expect(text).toContain(fanName);
});

test("the editor works with JavaScript off: a stage refused at its field, then created", async ({ browser }) => {
  const plain = await browser.newContext({ javaScriptEnabled: false, storageState: await organiser.storageState() });
  const off = await plain.newPage();
  await off.goto(`/console/f/${slug}/stages/new`);
  await off.getByLabel("Stage name").fill("Encore without script");
  await off.getByLabel("Festival day").fill("3");
  await off.getByLabel(/^Doors open/).fill("2099-03-23T16:00");
  await off.getByLabel(/^Show starts/).fill("2099-03-23T17:00");
  await off.getByLabel(/^Sale opens/).fill("2020-01-01T12:00");
  await off.getByLabel(/^Sale closes/).fill("2099-03-23T16:00");
  await off.getByLabel("Price in yen").fill("a lot");
  await off.getByLabel("Tickets in all").fill("10");
  await off.getByRole("button", { name: "Save stage" }).click();
  await expect(off).toHaveURL(`/console/f/${slug}/stages/new`);
  await expect(off.locator("#price-error")).toContainText("Price in yen");
  await expect(off.getByLabel("Stage name")).toHaveValue("Encore without script");
  await expect(off.getByLabel("Price in yen")).toHaveValue("a lot");
  await off.getByLabel("Price in yen").fill("4000");
  await off.getByRole("button", { name: "Save stage" }).click();
  await expect(off).toHaveURL(`/console/f/${slug}`);
  await expect(off.getByRole("link", { name: "Encore without script", exact: true })).toBeVisible();
  await plain.close();
});

test("staff: a role given to an existing account and taken away; the last organiser keeps theirs", async () => {
  await page.goto("/console/staff");
  await hydrated(page);
  await expect(page.locator(`[data-member="${ORGANISER.name}"]`)).toContainText("Set up");
  await page.getByLabel("Account name").fill("nobody-by-that-name");
  await page.getByRole("button", { name: "Give role" }).click();
  await expect(page.locator("#name-error")).toContainText("no account named");
  await page.getByLabel("Account name").fill(fanName);
  await page.getByLabel("Role", { exact: true }).selectOption("door");
  await page.getByRole("button", { name: "Give role" }).click();
  await expect(page.locator(`[data-member="${fanName}"]`)).toContainText("Door");
  await shoot(page, "staff");
  await page.getByRole("button", { name: `Take the role Organiser from ${ORGANISER.name}` }).click();
  await expect(page.getByRole("alert")).toContainText("last organiser");
  await page.getByRole("button", { name: `Take the role Door from ${fanName}` }).click();
  await expect(page.locator(`[data-member="${fanName}"]`)).toHaveCount(0);
});

test("the doors: a check-in by the API and an offline gate's second admission show live, with the conflict", async ({ request }) => {
  // A door account (given the role on the staff page) and a fan with a ticket, both by the API.
  const doorName = uniqueName("door");
  const doorToken = await registerByApi(request, doorName);
  await page.goto("/console/staff");
  await hydrated(page);
  await page.getByLabel("Account name").fill(doorName);
  await page.getByLabel("Role", { exact: true }).selectOption("door");
  await page.getByRole("button", { name: "Give role" }).click();
  await expect(page.locator(`[data-member="${doorName}"]`)).toContainText("Door");
  const fanToken = await registerByApi(request, uniqueName("fan"));
  const bought = await buyByApi(request, fanToken, stageIds[1], 1);
  expect(bought.status(), await bought.text()).toBe(201);
  const code: string = (await bought.json()).tickets[0].code;

  // The organiser finds the doors from the festival's dashboard: nobody in yet.
  await page.goto(`/console/f/${slug}/dashboard`);
  await hydrated(page);
  await page.getByRole("link", { name: "Doors" }).click();
  await expect(page).toHaveURL(`/console/f/${slug}/door`);
  await hydrated(page);
  const stage = page.locator(`li[data-stage="${stageIds[1]}"]`);
  await expect(stage.locator("[data-sold]")).toHaveText("2");
  await expect(stage.locator("[data-admitted]")).toHaveText("0");
  await expect(page.locator("[data-total-admitted]")).toHaveText("0");
  await expect(page.getByText("Nobody has been let in yet.")).toBeVisible();
  await expect(page.locator("[data-conflicts]")).toHaveAttribute("data-conflicts", "0");
  await expect(page.getByRole("heading", { name: /^No conflicts/ })).toBeVisible();

  const redeem = (body: object) =>
    request.post("/api/door/redeem", { data: body, headers: { Authorization: `Bearer ${doorToken}` } });
  const admitted = await redeem({ code, gate: "North", scan_id: uniqueName("scan") });
  expect(admitted.status(), await admitted.text()).toBe(200);
  expect((await admitted.json()).result).toBe("admitted");

  // The open page follows without a reload.
  await expect(stage.locator("[data-admitted]")).toHaveText("1", { timeout: 10_000 });
  await expect(page.locator("[data-total-admitted]")).toHaveText("1");
  await expect(page.locator("[data-check-ins] li")).toHaveCount(1);
  await expect(page.locator("[data-check-ins] li").first()).toContainText(code);
  await expect(page.locator("[data-check-ins] li").first()).toContainText("gate North");
  await expect(page.locator("[data-check-ins] li").first()).toContainText(`by ${doorName}`);
  // Times on the festival's clock (Jakarta).
  await expect(page.locator("[data-check-ins] time").first()).toContainText("WIB");

  // An offline gate reports that it let the same ticket in a minute ago: kept, as a conflict.
  const offline = await redeem({
    code,
    gate: "East",
    scan_id: uniqueName("offline"),
    at: new Date(Date.now() - 60_000).toISOString(),
    force: true,
  });
  expect(offline.status(), await offline.text()).toBe(200);
  await expect(page.locator("[data-check-ins] li")).toHaveCount(2, { timeout: 10_000 });
  // The ticket counts once.
  await expect(stage.locator("[data-admitted]")).toHaveText("1");
  const newest = page.locator("[data-check-ins] li").first();
  await expect(newest).toContainText("gate East");
  await expect(newest.locator("[data-forced]")).toHaveText("offline");
  await expect(newest.locator("[data-conflict]")).toHaveText("Let in twice");
  const conflicts = page.locator("section[data-conflicts]");
  await expect(conflicts).toHaveAttribute("data-conflicts", "1");
  await expect(conflicts.getByRole("heading", { name: "Conflicts to check: 1" })).toBeVisible();
  await expect(conflicts.locator("[data-conflict-row]")).toContainText(code);
  await expect(conflicts.locator("[data-first]")).toContainText("First let in at gate North");
  await shoot(page, "door");

  // Without JavaScript the page shows the same, as the server drew it.
  const plain = await page.context().browser()!.newContext({ javaScriptEnabled: false, storageState: await organiser.storageState() });
  const off = await plain.newPage();
  await off.goto(`/console/f/${slug}/door`);
  await expect(off.locator(`li[data-stage="${stageIds[1]}"] [data-admitted]`)).toHaveText("1");
  await expect(off.locator("section[data-conflicts]")).toHaveAttribute("data-conflicts", "1");
  // In Japanese, at a phone's width (saved to look at).
  await plain.addCookies([{ name: "tiket_lang", value: "ja", url: off.url() }]);
  await off.setViewportSize({ width: 360, height: 780 });
  await off.goto(`/console/f/${slug}/door`);
  await expect(off.getByRole("heading", { name: "入場状況：Indonesia Fes" })).toBeVisible();
  await expect(off.getByRole("heading", { name: "確認が必要な競合：1 件" })).toBeVisible();
  expect(await off.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  await off.screenshot({ path: `${SHOTS}/console-door-ja-360.png`, fullPage: true });
  await plain.close();
});
