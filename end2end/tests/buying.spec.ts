import { expect, test, type Page } from "@playwright/test";
import {
  PASSWORD,
  REHEARSAL,
  buyByApi,
  collectBrowserErrors,
  hydrated,
  registerByApi,
  signUpOnPage,
  uniqueName,
} from "./helpers";

function stageCard(page: Page, name: string) {
  return page.getByRole("article").filter({ has: page.getByRole("heading", { level: 3, name, exact: true }) });
}

async function stockOf(request: import("@playwright/test").APIRequestContext, stage: number): Promise<number> {
  const stages = await (await request.get("/api/stages")).json();
  return stages.find((s: { stage_id: number }) => s.stage_id === stage).ticket_stock;
}

test("a fan signs up, signs out, signs in, buys 2 and finds both in My tickets with QR codes", async ({ page, request }) => {
  const errors = collectBrowserErrors(page);
  const name = uniqueName("fan");
  const before = await stockOf(request, REHEARSAL.a);

  await signUpOnPage(page, name, `/f/hololive-5th-fes/stages/${REHEARSAL.a}`);
  await expect(page).toHaveURL(`/f/hololive-5th-fes/stages/${REHEARSAL.a}`);
  await hydrated(page);
  await expect(page.locator(`[data-fan="${name}"]`)).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL("/");
  await expect(page.getByRole("status")).toContainText("signed out");
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();

  await page.goto(`/f/hololive-5th-fes/stages/${REHEARSAL.a}`);
  await page.getByRole("link", { name: "Sign in to buy" }).click();
  await expect(page).toHaveURL(`/sign-in?next=/f/hololive-5th-fes/stages/${REHEARSAL.a}`);
  await hydrated(page);
  await page.getByLabel("User name").fill(name);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`/f/hololive-5th-fes/stages/${REHEARSAL.a}`);
  await hydrated(page);

  await page.getByRole("button", { name: "One more" }).click();
  await expect(page.getByLabel("How many tickets")).toHaveValue("2");
  const buy = page.getByRole("button", { name: "Buy 2 tickets · ¥15,900" });
  await buy.click();

  await expect(page).toHaveURL("/my-tickets");
  await expect(page.getByRole("status")).toContainText("Bought! 2 tickets for Rehearsal A · ¥15,900");
  const passes = page.getByRole("article");
  await expect(passes).toHaveCount(2);
  for (const pass of await passes.all()) {
    await expect(pass.getByRole("img", { name: /QR code of ticket/ }).locator("svg path")).toBeAttached();
    await expect(pass.locator("[data-ticket-code]")).toHaveText(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    await expect(pass).toContainText("New");
  }
  // The same tickets over the JSON API, and the stock fell by exactly two.
  expect(await stockOf(request, REHEARSAL.a)).toBe(before - 2);
  expect(errors).toEqual([]);
});

test("a bad quantity is refused with a message and buys nothing", async ({ page, request }) => {
  await signUpOnPage(page, uniqueName("typo"), `/f/hololive-5th-fes/stages/${REHEARSAL.b}`);
  await expect(page).toHaveURL(`/f/hololive-5th-fes/stages/${REHEARSAL.b}`);
  await hydrated(page);
  const before = await stockOf(request, REHEARSAL.b);
  const quantity = page.getByLabel("How many tickets");

  await quantity.fill("9");
  await page.getByRole("button", { name: /^Buy 9 tickets/ }).click();
  await expect(page.locator("#quantity-error")).toHaveText("One order can hold at most 4 tickets; you asked for 9");
  await expect(quantity).toHaveAttribute("aria-invalid", "true");

  await quantity.fill("two");
  await page.getByRole("button", { name: "Buy tickets" }).click();
  await expect(page.locator("#quantity-error")).toHaveText("Choose how many tickets: a whole number from 1 to 4.");

  await quantity.fill("0");
  await page.getByRole("button", { name: "Buy tickets" }).click();
  await expect(page.locator("#quantity-error")).toHaveText("Choose at least one ticket");
  await expect(page).toHaveURL(`/f/hololive-5th-fes/stages/${REHEARSAL.b}`);
  expect(await stockOf(request, REHEARSAL.b)).toBe(before);
});

test("a sold-out stage is marked and cannot be bought", async ({ page, request }) => {
  const seller = await registerByApi(request, uniqueName("first"));
  const left = await stockOf(request, REHEARSAL.c);
  if (left > 0) expect((await buyByApi(request, seller, REHEARSAL.c, left)).status()).toBe(201);

  await page.goto("/");
  const card = stageCard(page, "Rehearsal C");
  await expect(card).toContainText("Sold out");
  await expect(card.getByRole("link", { name: "Sold out" })).toHaveAttribute("aria-disabled", "true");
  await expect(card.getByRole("link", { name: "Buy tickets" })).toHaveCount(0);

  await signUpOnPage(page, uniqueName("late"), `/f/hololive-5th-fes/stages/${REHEARSAL.c}`);
  await expect(page).toHaveURL(`/f/hololive-5th-fes/stages/${REHEARSAL.c}`);
  await hydrated(page);
  await expect(page.getByRole("button", { name: "Sold out" })).toBeDisabled();
});

test("two fans race for the last ticket: exactly one wins, the other is told it is sold out", async ({ browser, request }) => {
  const fans = await Promise.all(
    [0, 1].map(async (i) => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await signUpOnPage(page, uniqueName(`racer${i}`), `/f/hololive-5th-fes/stages/${REHEARSAL.d}`);
      await expect(page).toHaveURL(`/f/hololive-5th-fes/stages/${REHEARSAL.d}`);
      await hydrated(page);
      return { context, page };
    }),
  );
  expect(await stockOf(request, REHEARSAL.d)).toBe(1);
  const buttons = fans.map(({ page }) => page.getByRole("button", { name: "Buy 1 ticket · ¥7,950" }));
  await Promise.all(buttons.map((button) => expect(button).toBeEnabled()));
  // Both forms submitted in the same instant, as two thumbs on two phones.
  await Promise.all(
    fans.map(({ page }) => page.locator("form[aria-label='Buy tickets']").evaluate((form: HTMLFormElement) => form.requestSubmit())),
  );

  const winnerIndex = await Promise.race(
    fans.map(({ page }, i) => page.waitForURL("/my-tickets", { timeout: 15_000 }).then(() => i, () => -1)),
  );
  expect(winnerIndex).toBeGreaterThanOrEqual(0);
  const winner = fans[winnerIndex].page;
  const loser = fans[1 - winnerIndex].page;
  await expect(winner.getByRole("article")).toHaveCount(1);
  // The other fan stays on the stage, told it is sold out: by the refusal if
  // their order reached the server second, or by the live stock if the sale
  // reached their page first. Either way the button is disabled.
  await expect(loser).toHaveURL(`/f/hololive-5th-fes/stages/${REHEARSAL.d}`);
  await expect(loser.getByRole("button", { name: "Sold out" })).toBeDisabled();
  await expect(loser.getByText("Sold out", { exact: true }).first()).toBeVisible();
  expect(await stockOf(request, REHEARSAL.d)).toBe(0);
  await loser.goto("/my-tickets");
  await expect(loser.getByText("No tickets yet")).toBeVisible();
  await Promise.all(fans.map(({ context }) => context.close()));
});

test.describe("with JavaScript off", () => {
  test.use({ javaScriptEnabled: false });

  test("signing up, a refused buy and a buy all work as plain HTML forms", async ({ page, request }) => {
    const name = uniqueName("nojs");
    // A refused sign-up comes back with the message beside the field and the name kept.
    await page.goto(`/sign-up?next=/f/hololive-5th-fes/stages/${REHEARSAL.b}`);
    await page.getByLabel("User name").fill(name);
    await page.getByLabel("Password", { exact: true }).fill("short");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page).toHaveURL(`/sign-up?next=%2Ff%2Fhololive-5th-fes%2Fstages%2F${REHEARSAL.b}`);
    await expect(page.locator("#password-error")).toContainText("at least 8 characters");
    await expect(page.getByLabel("User name")).toHaveValue(name);

    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page).toHaveURL(`/f/hololive-5th-fes/stages/${REHEARSAL.b}`);
    const before = await stockOf(request, REHEARSAL.b);

    // Without JavaScript the button keeps the label it was rendered with.
    const buy = page.getByRole("button", { name: /^Buy/ });
    await page.getByLabel("How many tickets").fill("5");
    await buy.click();
    await expect(page).toHaveURL(`/f/hololive-5th-fes/stages/${REHEARSAL.b}`);
    await expect(page.locator("#quantity-error")).toHaveText("One order can hold at most 4 tickets; you asked for 5");
    await expect(page.getByLabel("How many tickets")).toHaveValue("5");
    expect(await stockOf(request, REHEARSAL.b)).toBe(before);

    const orderKey = await page.locator("input[name=order_key]").inputValue();
    await page.getByLabel("How many tickets").fill("3");
    await buy.click();
    await expect(page).toHaveURL("/my-tickets");
    await expect(page.getByRole("status")).toContainText("3 tickets for Rehearsal B · ¥23,850");
    await expect(page.getByRole("article")).toHaveCount(3);
    expect(await stockOf(request, REHEARSAL.b)).toBe(before - 3);

    // The same form sent again (a double press, a resend) buys nothing more.
    const again = await page.request.post("/api/fn/buy_tickets", {
      form: { stage: String(REHEARSAL.b), quantity: "3", order_key: orderKey },
      headers: { Accept: "text/html", Referer: page.url() },
      maxRedirects: 0,
    });
    expect(again.status()).toBe(302);
    expect(again.headers()["location"]).toBe("/my-tickets");
    expect(await stockOf(request, REHEARSAL.b)).toBe(before - 3);
    await page.goto("/my-tickets");
    await expect(page.getByRole("status")).toContainText("Already bought: 3 tickets for Rehearsal B");
    await expect(page.getByRole("article")).toHaveCount(3);
  });
});

test("live stock: a buy in one browser updates the count in another without a reload", async ({ page, request }) => {
  await page.goto("/");
  await hydrated(page);
  await expect(page.locator("[data-live=true]")).toBeAttached();
  const card = stageCard(page, "Rehearsal A");
  const shown = Number(await card.locator("[data-stock]").getAttribute("data-stock"));

  const token = await registerByApi(request, uniqueName("other"));
  expect((await buyByApi(request, token, REHEARSAL.a, 3)).status()).toBe(201);
  const now = await stockOf(request, REHEARSAL.a);
  expect(now).toBeLessThanOrEqual(shown - 3);
  await expect(card.locator("[data-stock]")).toHaveAttribute("data-stock", String(now));
  await expect(card).toContainText(`${now} of 400 tickets left`);
});
