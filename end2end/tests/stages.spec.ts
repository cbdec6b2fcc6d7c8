import { expect, test, type Page } from "@playwright/test";
import { collectBrowserErrors } from "./helpers";

const STAGES = [
  { name: "Stage 1", day: "Day 1" },
  { name: "Stage 2", day: "Day 1" },
  { name: "Honeyworks Stage", day: "Day 2" },
  { name: "Stage 3", day: "Day 2" },
];

function stageCard(page: Page, name: string) {
  return page.getByRole("article").filter({
    has: page.getByRole("heading", { level: 3, name, exact: true }),
  });
}

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the server's HTML lists all four stages with day, times, price and stock", async ({ page, request }) => {
    const raw = await (await request.get("/")).text();
    for (const { name } of STAGES) expect(raw).toContain(name);

    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("hololive 5th fes. Capture the Moment");
    for (const { name, day } of STAGES) {
      const card = stageCard(page, name);
      await expect(card).toBeVisible();
      await expect(card).toContainText(day);
      await expect(card).toContainText("¥7,950");
      await expect(card).toContainText(/Doors\s*\d\d:\d\d JST/);
      await expect(card).toContainText(/Start\s*\d\d:\d\d JST/);
      await expect(card).toContainText("40 of 40 tickets left");
    }
    await expect(page.getByRole("heading", { level: 2, name: /Day 1/ })).toBeVisible();
    await expect(page.getByRole("heading", { level: 2, name: /Day 2/ })).toBeVisible();
    // The day filter needs JavaScript, so it is not offered without it.
    await expect(page.getByRole("button", { name: /^(Both|All) days$/ })).toHaveCount(0);
    await expect(page.locator("[data-hydrated]")).toHaveCount(0);
  });
});

test("the page hydrates: the day filter appears and filters stages", async ({ page }) => {
  const errors = collectBrowserErrors(page);
  await page.goto("/");
  await expect(page.locator("[data-hydrated=true]")).toBeVisible();

  await page.getByRole("button", { name: /^Day 2/ }).click();
  await expect(page.getByRole("button", { name: /^Day 2/ })).toHaveAttribute("aria-pressed", "true");
  await expect(stageCard(page, "Stage 1")).toBeHidden();
  await expect(stageCard(page, "Stage 2")).toBeHidden();
  await expect(stageCard(page, "Honeyworks Stage")).toBeVisible();
  await expect(stageCard(page, "Stage 3")).toBeVisible();

  await page.getByRole("button", { name: /^(Both|All) days$/ }).click();
  for (const { name } of STAGES) await expect(stageCard(page, name)).toBeVisible();
  expect(errors).toEqual([]);
});

test("a stage's old address leads to its page under the festival's, and the festival has its own", async ({ page }) => {
  const response = await page.goto("/stages/3");
  expect(response?.status()).toBe(200);
  await expect(page).toHaveURL("/f/hololive-5th-fes/stages/3");
  await expect(page.getByRole("heading", { level: 1, name: "Honeyworks Stage" })).toBeVisible();
  await page.getByRole("link", { name: "← All stages" }).click();
  await expect(page).toHaveURL("/f/hololive-5th-fes");
  await expect(stageCard(page, "Stage 3")).toBeVisible();
});
