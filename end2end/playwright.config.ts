import { defineConfig } from "@playwright/test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

// The release server, started on its own port with a fresh data folder per run,
// set up by `tiket import` from fixtures/: the reference festival's four stages
// (which tests only look at) and four "Rehearsal" stages on day 3 that tests buy
// from, all on sale until 2099; then `tiket staff add` makes the organiser the
// console's tests sign in as (ORGANISER in tests/helpers.ts) and the door staff member
// the door's tests sign in as (DOOR_STAFF). Workers load this
// file too: the environment variable keeps them on one folder.
const port = Number(process.env.TIKET_E2E_PORT ?? 3100);
process.env.TIKET_E2E_DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), "tiket-e2e-"));

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  reporter: [["list"], ["html", { open: "never" }]],
  outputDir: "test-results",
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      // Debian's Chromium: Playwright's own browser download is not reachable here.
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  // The console's story publishes a second festival, which turns `/` from the
  // festival's page into a list of festivals: it runs once the fans' tests are done.
  projects: [
    { name: "fans", testIgnore: /console\.spec\.ts/ },
    { name: "console", testMatch: /console\.spec\.ts/, dependencies: ["fans"] },
  ],
  webServer: {
    command:
      'set -e; "$TIKET_E2E_BIN" import --stages end2end/fixtures/stages.json --tickets end2end/fixtures/tickets.csv ' +
      '--festival-name "hololive 5th fes. Capture the Moment" --slug hololive-5th-fes --venue "Makuhari Messe, Chiba" >/dev/null; ' +
      'printf "%s\\n" "$TIKET_E2E_ORGANISER_PASSWORD" | "$TIKET_E2E_BIN" staff add "$TIKET_E2E_ORGANISER" --role organiser --password-stdin >/dev/null; ' +
      'printf "%s\\n" "$TIKET_E2E_DOOR_PASSWORD" | "$TIKET_E2E_BIN" staff add "$TIKET_E2E_DOOR" --role door --password-stdin >/dev/null; ' +
      'exec "$TIKET_E2E_BIN" serve',
    cwd: "..",
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      TIKET_E2E_BIN: process.env.TIKET_BIN ?? "./target/release/tiket",
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      // `make test-e2e` passes the build's site folder; Leptos.toml's default otherwise.
      LEPTOS_SITE_ROOT: process.env.LEPTOS_SITE_ROOT ?? "target/site",
      TIKET_DATA_DIR: process.env.TIKET_E2E_DATA_DIR,
      // The organiser `tiket staff add` makes (tests/helpers.ts's ORGANISER).
      TIKET_E2E_ORGANISER: "e2eorganiser",
      TIKET_E2E_ORGANISER_PASSWORD: "glowstick-encore-2099",
      // The door staff member (tests/helpers.ts's DOOR_STAFF), for the door page's tests.
      TIKET_E2E_DOOR: "e2edoor",
      TIKET_E2E_DOOR_PASSWORD: "glowstick-encore-2099",
      // Every test fan signs up from 127.0.0.1: one client address.
      TIKET_SIGN_UPS_PER_CLIENT_PER_HOUR: "1000000",
      RUST_LOG: "warn",
    },
  },
});
