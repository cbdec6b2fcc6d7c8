import { expect, test } from "@playwright/test";
import { collectBrowserErrors, screenshot } from "./helpers";

test("an unknown page answers 404 with a friendly server-rendered page", async ({ page, request }, testInfo) => {
  const errors = collectBrowserErrors(page);
  const response = await request.get("/no-such-page");
  expect(response.status()).toBe(404);
  expect(response.headers()["content-type"]).toContain("text/html");
  expect(await response.text()).toContain("This page is not on the programme");

  for (const missing of [request.post("/no-such-page"), request.get("/pkg/no-such-file.js"), request.get("/a/b/c")]) {
    const answer = await missing;
    expect(answer.status(), answer.url()).toBe(404);
    expect(await answer.text(), answer.url()).toContain("This page is not on the programme");
  }

  const visit = await page.goto("/no-such-page");
  expect(visit?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("This page is not on the programme");
  await screenshot(page, testInfo, "not-found-1280");
  await page.getByRole("link", { name: "See all stages" }).click();
  await expect(page).toHaveURL("/");
  await expect(page.getByRole("heading", { level: 3, name: "Honeyworks Stage" })).toBeVisible();
  // The browser logs the 404 document's status as a console error; nothing else may fail.
  expect(errors.filter((e) => !e.includes("404"))).toEqual([]);
});

test("an unknown API path answers 404 in JSON", async ({ request }) => {
  for (const path of ["/api", "/api/no-such-endpoint", "/api/fn/no_such_function", "/api/a/b/c"]) {
    const response = await request.post(path, { data: { qty: 1 } });
    expect(response.status(), path).toBe(404);
    expect(await response.json(), path).toEqual({ error: `there is no API endpoint at ${path}` });
  }
  for (const path of ["/api", "/api/no-such-endpoint"]) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(404);
    expect(response.headers()["content-type"], path).toContain("application/json");
    expect(await response.json(), path).toEqual({ error: `there is no API endpoint at ${path}` });
  }
});

test("static assets are served", async ({ request }) => {
  const favicon = await request.get("/favicon.svg");
  expect(favicon.status()).toBe(200);
  expect(favicon.headers()["content-type"]).toContain("image/svg+xml");
  for (const [file, type] of [
    ["/pkg/tiket.css", "text/css"],
    ["/pkg/tiket.js", "javascript"],
    ["/pkg/tiket.wasm", "application/wasm"],
  ]) {
    const brotli = await request.get(file, { headers: { "accept-encoding": "br" } });
    expect(brotli.status(), file).toBe(200);
    expect(brotli.headers()["content-type"], file).toContain(type);
    expect(brotli.headers()["content-encoding"], file).toBe("br");
    const plain = await request.get(file, { headers: { "accept-encoding": "identity" } });
    expect(plain.headers()["content-encoding"], file).toBeUndefined();
    // Playwright decodes bodies; the header tells the size on the wire.
    const sentBytes = Number(brotli.headers()["content-length"]);
    expect(sentBytes, file).toBeLessThan((await plain.body()).length / 2);
  }
});
