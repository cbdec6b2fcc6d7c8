import base from "./playwright.config";
import { defineConfig } from "@playwright/test";

// `make measure-tti`: the time-to-interactive measurement, not a test (it
// asserts nothing about speed); same release server as the tests.
export default defineConfig({
  ...base,
  testDir: "./measure",
  workers: 1,
  timeout: 120_000,
  reporter: [["list"]],
});
