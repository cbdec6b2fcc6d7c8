import { test, type Page } from "@playwright/test";

// Time to interactive of `/`: from navigation start until the page has
// hydrated (the app sets data-hydrated=true once its first effect runs, which
// is when buttons start working). Each visit uses a fresh browser context, so
// nothing is cached. Measured as-is and with the CPU slowed 4× (a mid-range
// phone); printed, never asserted.
const VISITS = 7;

async function visit(page: Page): Promise<Record<string, number>> {
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.querySelector("[data-hydrated=true]")) {
        (window as unknown as { __hydratedAt: number }).__hydratedAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-hydrated"] });
  });
  await page.goto("/");
  await page.waitForFunction(() => (window as unknown as { __hydratedAt?: number }).__hydratedAt !== undefined);
  return page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    const paint = performance.getEntriesByName("first-contentful-paint")[0];
    const wasm = performance
      .getEntriesByType("resource")
      .find((entry) => entry.name.endsWith(".wasm")) as PerformanceResourceTiming | undefined;
    return {
      html: nav.responseEnd,
      fcp: paint?.startTime ?? NaN,
      interactive: (window as unknown as { __hydratedAt: number }).__hydratedAt,
      wasmBytes: wasm?.transferSize ?? NaN,
    };
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

for (const slowdown of [1, 4]) {
  test(`time to interactive of / (CPU ${slowdown}×)`, async ({ browser }) => {
    const runs: Record<string, number>[] = [];
    for (let i = 0; i < VISITS; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: slowdown });
      runs.push(await visit(page));
      await context.close();
    }
    const row = (key: string) => median(runs.map((run) => run[key])).toFixed(0);
    console.log(
      `CPU ${slowdown}×, median of ${VISITS} cold visits to /: HTML ${row("html")} ms, ` +
        `first paint ${row("fcp")} ms, interactive ${row("interactive")} ms, wasm ${row("wasmBytes")} bytes on the wire`,
    );
  });
}
