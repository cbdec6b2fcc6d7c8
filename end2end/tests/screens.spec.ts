import { expect, test } from "@playwright/test";
import { REHEARSAL, hydrated, screenshot, signUpOnPage, uniqueName } from "./helpers";

// Every page at a small phone's width and a desktop's, saved as test artifacts
// (end2end/test-results/) to look at; none may scroll sideways.
for (const [label, size] of [
  ["360", { width: 360, height: 780 }],
  ["1280", { width: 1280, height: 900 }],
] as const) {
  test(`every page at ${label} px`, async ({ page }, testInfo) => {
    await page.setViewportSize(size);
    const shoot = async (name: string) => {
      await hydrated(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${name} scrolls sideways`).toBeLessThanOrEqual(0);
      await screenshot(page, testInfo, `${name}-${label}`);
    };

    await page.goto("/");
    await shoot("stages");
    await page.goto("/f/hololive-5th-fes/stages/1");
    await shoot("stage-signed-out");
    await page.goto("/sign-in?next=/f/hololive-5th-fes/stages/1");
    await shoot("sign-in");
    await page.goto("/sign-up");
    await page.getByLabel("User name").fill("x".repeat(40));
    await page.getByLabel("Password", { exact: true }).fill("password");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.locator("#name-error")).toBeVisible();
    await shoot("sign-up-refused");

    await signUpOnPage(page, uniqueName(`shot${label}`), "/my-tickets");
    await expect(page).toHaveURL("/my-tickets");
    await shoot("my-tickets-empty");
    const bought = await page.request.post("/api/buy-tickets", { data: { stage_id: REHEARSAL.a, qty: 2 } });
    expect(bought.status()).toBe(201);
    await page.goto(`/f/hololive-5th-fes/stages/${REHEARSAL.a}`);
    await shoot("stage-signed-in");
    await page.getByRole("button", { name: /^Buy 1 ticket/ }).click();
    await expect(page).toHaveURL("/my-tickets");
    await expect(page.getByRole("article")).toHaveCount(3);
    await shoot("my-tickets");
    await page.goto("/f/hololive-5th-fes/stages/999");
    await shoot("stage-unknown");
    await page.goto("/no-such-page");
    await shoot("not-found");
  });
}
