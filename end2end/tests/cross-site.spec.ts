import { expect, test, type Page } from "@playwright/test";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { PASSWORD, registerByApi, signUpOnPage, uniqueName } from "./helpers";

/**
 * Another site's page, served by this test on `localhost` (another site than
 * tiket's 127.0.0.1), that posts a form to tiket as soon as it loads, the way
 * a login-CSRF attack does. tiket must refuse it, whatever the fan's browser
 * sends along.
 */
async function evilSite(form: (tiket: string) => string): Promise<{ url: string; close: () => void }> {
  const server = http.createServer((request, response) => {
    const tiket = decodeURIComponent((request.url ?? "/").slice(1));
    response.writeHead(200, { "content-type": "text/html" });
    response.end(`<!doctype html><body>${form(tiket)}<script>document.forms[0].submit()</script></body>`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://localhost:${port}`, close: () => server.close() };
}

/** Who the browser is signed in as, by the server function the pages ask. */
async function signedInAs(page: Page): Promise<string | null> {
  const response = await page.request.post("/api/fn/current_fan", {
    headers: { "content-type": "application/x-www-form-urlencoded" },
    data: "",
  });
  expect(response.status()).toBe(200);
  return (await response.json()) as string | null;
}

test("another site cannot sign a fan in as someone else, or sign them out", async ({ page, baseURL }) => {
  const attacker = uniqueName("atk");
  await registerByApi(page.request, attacker);
  const victim = uniqueName("vic");
  await signUpOnPage(page, victim);
  await expect.poll(() => signedInAs(page)).toBe(victim);

  const signIn = await evilSite(
    (tiket) => `<form method="post" action="${tiket}/api/fn/sign_in">
      <input name="name" value="${attacker}"><input name="password" value="${PASSWORD}">
      <input name="next" value="/my-tickets"></form>`,
  );
  const refused = page.waitForResponse((r) => r.url().includes("/api/fn/sign_in"));
  await page.goto(`${signIn.url}/${encodeURIComponent(baseURL!)}`);
  expect((await refused).status()).toBe(403);
  signIn.close();
  await expect.poll(() => signedInAs(page)).toBe(victim);

  const signOut = await evilSite((tiket) => `<form method="post" action="${tiket}/api/fn/sign_out"></form>`);
  const refusedOut = page.waitForResponse((r) => r.url().includes("/api/fn/sign_out"));
  await page.goto(`${signOut.url}/${encodeURIComponent(baseURL!)}`);
  expect((await refusedOut).status()).toBe(403);
  signOut.close();
  await expect.poll(() => signedInAs(page)).toBe(victim);
});
