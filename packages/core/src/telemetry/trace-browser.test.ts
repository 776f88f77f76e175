import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { recordWorkflowLog } from "./__fixtures__/workflow-log.js";
import { parseEventLines } from "./parse-event-lines.js";
import { renderTraceHtml } from "./trace-html.js";

const CHROMIUM = "/usr/bin/chromium";
const VIEWPORT = { width: 1280, height: 720 };
/** Set KEEL_UPDATE_SCREENSHOTS=1 to refresh the screenshot kept for the docs. */
const DOCS_SHOT = fileURLToPath(new URL("./__screenshots__/trace.png", import.meta.url));

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(png: Buffer) {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.subarray(12, 16).toString("ascii")).toBe("IHDR");
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

// `.ci/run` installs Chromium; only a developer machine without it skips these.
if (!existsSync(CHROMIUM) && process.env.CI)
  throw new Error(`${CHROMIUM} missing: CI must run the browser checks`);
describe.skipIf(!existsSync(CHROMIUM))("keel trace page in headless Chromium", () => {
  let dir: string;
  let context: BrowserContext;
  let page: Page;
  const requests: string[] = [];

  beforeAll(async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 4, 1, 9, 30) });
    const pending = recordWorkflowLog();
    await vi.runAllTimersAsync();
    const lines = await pending;
    vi.useRealTimers();
    dir = await mkdtemp(join(tmpdir(), "keel-trace-"));
    const html = join(dir, "trace.html");
    await writeFile(html, renderTraceHtml(parseEventLines(lines.join("\n")), { source: "events.jsonl" }));
    context = await chromium.launchPersistentContext(join(dir, "profile"), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: VIEWPORT,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = await context.newPage();
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(html).href);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("shows one row per step and per call, with their labels", async () => {
    expect(await page.locator('[data-row="step"]').count()).toBe(5);
    expect(await page.locator('[data-row="model"]').count()).toBe(4);
    expect(await page.locator('[data-row="model"][data-status="failed"]').count()).toBe(2);
    expect(await page.locator('[data-row="retrieval"]').count()).toBe(1);
    expect(await page.locator('[data-row="step"] .label').allTextContents()).toEqual([
      "stepretrieve@1",
      "stepdraft@2",
      "stepcheck@3",
      "steppolish@4",
      "stepdone@5",
    ]);
    expect(await page.locator('[data-row="model"] .label').allTextContents()).toEqual([
      "modelopenai/gpt-4o",
      "modelopenai/gpt-4o",
      "modelanthropic/claude-sonnet-4",
      "modelgoogle/gemini-2.5-flash",
    ]);
  });

  it("shows the totals and the retry, fallback, truncation and eval markers", async () => {
    const total = (key: string) => page.locator(`[data-total="${key}"] b`).textContent();
    expect(await total("steps")).toBe("5");
    expect(await total("calls")).toBe("4");
    expect(await total("failed-calls")).toBe("2");
    expect(await total("tokens")).toBe("1467 / 105");
    expect(await total("retries")).toBe("1");
    expect(await total("fallbacks")).toBe("1");
    expect(await total("cost")).toMatch(/^\$0\.00\d+$/);
    for (const kind of ["retry", "fallback", "truncation", "eval"])
      expect(await page.locator(`[data-marker="${kind}"]`).count(), kind).toBe(1);
    expect(await page.locator('[data-marker="fallback"]').getAttribute("title")).toMatch(
      /claude-sonnet-4 → gemini-2\.5-flash \(overloaded/,
    );
  });

  it("positions bars by time", async () => {
    const boxes = await page.locator('[data-row="model"] .bar').evaluateAll((bars) =>
      bars.map((b) => {
        const r = b.getBoundingClientRect();
        return { left: r.left, right: r.right };
      }),
    );
    // Failed attempt, then the retry after a back-off; then the failed polish call and its fallback.
    expect(boxes[1]!.left).toBeGreaterThan(boxes[0]!.right);
    expect(boxes[2]!.left).toBeGreaterThan(boxes[1]!.right);
    expect(boxes[3]!.left).toBeGreaterThanOrEqual(boxes[2]!.left);
    const track = await page.locator('[data-row="run"] .track').boundingBox();
    const run = await page.locator('[data-row="run"] .bar').boundingBox();
    expect(run!.width).toBeCloseTo(track!.width, 0); // the run bar spans its whole track
    expect(run!.x).toBeCloseTo(track!.x, 0);
  });

  it("opens a row's details on click and loads nothing from the network", async () => {
    const failed = page.locator('[data-row="model"][data-status="failed"]').first();
    const panel = page.locator(`#${await failed.getAttribute("data-details")}`);
    expect(await panel.isVisible()).toBe(false);
    await failed.locator(".label").click();
    expect(await panel.isVisible()).toBe(true);
    expect(await panel.textContent()).toMatch(/overloaded: gpt-4o is overloaded/);
    expect(requests.every((url) => url.startsWith("file://"))).toBe(true);
  });

  it("takes a screenshot of the expected size", async () => {
    await page.locator(".details.open").evaluateAll((open) => {
      for (const p of open) p.classList.remove("open");
    });
    await page.mouse.move(0, 0); // no hover highlight in the picture
    const shot = join(dir, "trace.png");
    await page.screenshot({ path: shot });
    const png = await readFile(shot);
    expect(png.length).toBeGreaterThan(10_000);
    expect(pngSize(png)).toEqual(VIEWPORT);
    if (process.env.KEEL_UPDATE_SCREENSHOTS === "1") {
      await mkdir(join(DOCS_SHOT, ".."), { recursive: true });
      await copyFile(shot, DOCS_SHOT);
    }
  });
});
