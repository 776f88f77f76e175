import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { twoRuns } from "./__fixtures__/two-runs.js";
import { renderHtmlReport } from "./html-report.js";

const CHROMIUM = "/usr/bin/chromium";

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(png: Buffer) {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

// CI installs Chromium; only a developer machine without it skips these.
if (!existsSync(CHROMIUM) && process.env.CI)
  throw new Error(`${CHROMIUM} missing: CI must run the browser checks`);
describe.skipIf(!existsSync(CHROMIUM))("HTML eval report in headless Chromium", () => {
  let dir: string;
  let context: BrowserContext;
  let page: Page;
  const requests: string[] = [];

  beforeAll(async () => {
    const { run, baseline, comparison } = await twoRuns();
    dir = await mkdtemp(join(tmpdir(), "keel-eval-report-"));
    const file = join(dir, "report.html");
    await writeFile(file, renderHtmlReport(run, comparison, baseline));
    context = await chromium.launchPersistentContext(join(dir, "profile"), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--no-first-run",
        "--disable-sync",
      ],
    });
    page = await context.newPage();
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("shows the verdict and one row per metric with its status", async () => {
    expect(await page.locator("[data-verdict]").getAttribute("data-verdict")).toBe("failed");
    expect(await page.locator('[data-row="metric"]').count()).toBe(2);
    const failed = page.locator('[data-row="metric"][data-status="failed"]');
    expect(await failed.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-metric")))).toEqual([
      "rougeL",
      "squad_em",
    ]);
    expect(await failed.last().textContent()).toMatch(/fell by 0\.3333/);
  });

  it("draws a score distribution per metric (run and baseline) and a latency histogram", async () => {
    expect(await page.locator('[data-chart^="scores:"]').count()).toBe(2);
    const counts = async (cls: string) =>
      (await page
        .locator(`[data-chart="scores:squad_em"] rect.${cls}`)
        .evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-count"))))) as number[];
    // Baseline: all 30 exact; run: 10 wrong (bin 0) and 20 exact (top bin).
    expect((await counts("base"))[9]).toBe(30);
    expect((await counts("run"))[0]).toBe(10);
    expect((await counts("run"))[9]).toBe(20);
    const latencyBars = await page
      .locator('[data-chart="latency"] rect')
      .evaluateAll((els) => els.reduce((s, e) => s + Number(e.getAttribute("data-count")), 0));
    expect(latencyBars).toBe(30);
    const box = await page.locator('[data-chart="scores:squad_em"] svg').boundingBox();
    expect(box?.width).toBeGreaterThan(300);
  });

  it("lists per-case diffs with both outputs, model text escaped", async () => {
    const rows = page.locator('[data-row="diff"][data-metric="squad_em"]');
    expect(await rows.count()).toBe(10);
    expect(await rows.first().locator("td").nth(6).textContent()).toMatch(
      /It is probably \d+ <b>maybe<\/b>\./,
    );
    expect(await page.locator("b").count()).toBe(0);
  });

  it("loads nothing from the network and renders a screenshot", async () => {
    expect(requests.filter((u) => !u.startsWith("file:"))).toEqual([]);
    const shot = join(dir, "report.png");
    await page.screenshot({ path: shot, fullPage: true });
    const size = pngSize(await readFile(shot));
    expect(size.width).toBe(1280);
    expect(size.height).toBeGreaterThan(600);
  });
});
