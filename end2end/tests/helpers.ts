import { createHmac } from "node:crypto";
import { expect, type APIRequestContext, type Page, type TestInfo } from "@playwright/test";

/** Saves a full-page screenshot as a test artifact (end2end/test-results/, not committed). */
export async function screenshot(page: Page, testInfo: TestInfo, name: string) {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

/** Collects script errors and console errors (hydration mismatches log one). */
export function collectBrowserErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console error: ${message.text()}`);
  });
  return errors;
}

/** A user name no other test (or run of this test) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`.slice(0, 32);
}

export const PASSWORD = "glowstick-encore-2099";

/** The fixture's stages that tests may buy from (see playwright.config.ts); `e` is the
 * languages tests', whose stock no test counts. */
export const REHEARSAL = { a: 5, b: 6, c: 7, d: 8, e: 9 } as const;

/** Waits until the page has hydrated (the app marks <body>'s first page with data-hydrated). */
export async function hydrated(page: Page) {
  await expect(page.locator("[data-hydrated=true]").first()).toBeAttached();
}

/** Signs a fan up through the page's form, ending where `next` points. */
export async function signUpOnPage(page: Page, name: string, next = "/") {
  await page.goto(`/sign-up?next=${encodeURIComponent(next)}`);
  await page.getByLabel("User name").fill(name);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
}

/** Registers a fan through the JSON API and returns its bearer token. */
export async function registerByApi(request: APIRequestContext, name: string): Promise<string> {
  const response = await request.post("/api/register", { data: { username: name, password: PASSWORD } });
  expect(response.status(), await response.text()).toBe(201);
  return (await response.json()).token;
}

/** Buys through the JSON API. */
export async function buyByApi(request: APIRequestContext, token: string, stage: number, qty: number) {
  return request.post("/api/buy-tickets", {
    data: { stage_id: stage, qty },
    headers: { Authorization: `Bearer ${token}` },
  });
}

/** The organiser the e2e server is given by `tiket staff add` (playwright.config.ts). */
export const ORGANISER = { name: "e2eorganiser", password: PASSWORD } as const;

/** Base32 (RFC 4648, as authenticator apps take a secret) to bytes. */
function base32Decode(text: string): Buffer {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of text.toUpperCase().replace(/=+$/, "")) {
    const index = alphabet.indexOf(char);
    if (index < 0) throw new Error(`not base32: ${char}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The 6-digit one-time code an authenticator app shows for `secret` (RFC 6238:
 * HMAC-SHA1, 30-second steps), with Node's own crypto. */
export function totp(secret: string, at = Date.now()): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const hmac = createHmac("sha1", base32Decode(secret)).update(counter).digest();
  const offset = hmac[hmac.length - 1] & 0x0f;
  const number = (hmac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return number.toString().padStart(6, "0");
}

/** The door staff member the e2e server is given by `tiket staff add --role door`. */
export const DOOR_STAFF = { name: "e2edoor", password: PASSWORD } as const;

/** Signs the door staff member in through the sign-in page, ending on the door page. */
export async function signInAtTheDoor(page: Page) {
  await page.goto("/door");
  await expect(page).toHaveURL("/sign-in?next=/door");
  await hydrated(page);
  await page.getByLabel("User name").fill(DOOR_STAFF.name);
  await page.getByLabel("Password", { exact: true }).fill(DOOR_STAFF.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL("/door");
  await hydrated(page);
}
