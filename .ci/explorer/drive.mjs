// Drives the explorer (`sahelsim serve`) in headless Chromium as an analyst would: load the
// baseline, add a protection programme in one region, run 2 replicates of a short period,
// scrub and play the map, read the comparison, download the scenario file and the report,
// upload a scenario whose name is markup, reload during a long run and cancel it. Fails on any console error,
// page error, failed request or error status; saves screenshots.
//
// Usage: node drive.mjs URL ARTIFACTS_DIR
import { chromium } from "playwright-core";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [url, art] = process.argv.slice(2);
if (!url || !art) {
  console.error("usage: node drive.mjs URL ARTIFACTS_DIR");
  process.exit(2);
}
mkdirSync(art, { recursive: true });

const problems = [];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
const page = await context.newPage();
page.on("console", (m) => { if (m.type() === "error") problems.push(`console error: ${m.text()}`); });
if (process.env.DEBUG) page.on("request", (r) => console.log(`  > ${r.method()} ${r.url()}`));
page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
// A reload aborts the requests of the page it leaves (its progress stream): that is the
// reload's doing, not a failure.
let reloading = false;
page.on("requestfailed", (r) => {
  if (reloading && r.failure()?.errorText === "net::ERR_ABORTED") return;
  problems.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`);
});
page.on("response", (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`); });

let step = 0;
// One section of the page, for docs/explorer.md.
async function section(selector, name) {
  const file = join(art, `section-${name}.png`);
  await page.locator(selector).screenshot({ path: file });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(50);
  console.log(`  screenshot ${file}`);
}
async function shot(name) {
  step += 1;
  const file = join(art, `explorer-${String(step).padStart(2, "0")}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  // A full-page screenshot leaves headless Chromium scrolled past the end of the page: the
  // next click's first layout scrolls it back and the click lands elsewhere. Start again at
  // the top.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(50);
  console.log(`  screenshot ${file}`);
}
function check(ok, what) {
  if (!ok) throw new Error(`check failed: ${what}`);
  console.log(`  ok: ${what}`);
}
// Clicks a button after taking the focus off the field last filled, so that the field's
// change event and its layout work happen before the click, not between its mouse-down and
// mouse-up (in headless Chromium after a screenshot, the click was otherwise lost).
async function press(selector) {
  await page.evaluate(() => document.activeElement?.blur());
  await page.waitForTimeout(50);
  await page.click(selector);
}
async function stateIs(state, timeout) {
  await page.waitForSelector(`#run-state[data-state="${state}"]`, { timeout });
}

try {
  // 1. The baseline is offered and described.
  await page.goto(url);
  await page.waitForSelector('#scenario-select option[value="baseline.ron"]', { state: "attached" });
  await page.selectOption("#scenario-select", "baseline.ron");
  await page.waitForFunction(() => document.querySelector("#scenario-info").textContent.includes("2017"));
  check((await page.textContent("#scenario-info")).includes("FLM"), "the baseline's groups are shown");
  await shot("baseline");

  // 2. A protection programme in Mopti, 2017 at 0.25°, 2 replicates.
  await page.fill("#policy-name", "protect-mopti");
  await page.fill("#policy-description", "Protection of communities in Mopti from April 2017 (explorer CI).");
  await page.fill("#period-start", "2017-01-01");
  await page.fill("#period-end", "2017-12-31");
  await page.selectOption("#resolution", "0.25");
  await page.fill("#replicates", "2");
  await press("#add-intervention");
  const iv = page.locator("#interventions fieldset.intervention").first();
  await iv.locator('[name="kind"]').selectOption("ProtectCommunities");
  await iv.locator('[name="name"]').fill("protection");
  await iv.locator('[name="start"]').fill("2017-04-01");
  await iv.locator('[name="regions"]').selectOption(["Mopti"]);
  await iv.locator('[name="intensity"]').fill("0.6");
  check(await iv.locator('[name="capacity"]').isVisible(), "protection has a capacity field");
  await shot("policy-form");
  await section("#policy-section", "policy");

  // 3. The file the form writes.
  await press("#compose-button");
  await page.waitForFunction(() => document.querySelector("#scenario-text")?.textContent.includes("ProtectCommunities"));
  const text = await page.textContent("#scenario-text");
  check(text.includes('regions: ["Mopti"]') && text.includes('extends: "baseline.ron"'), "the scenario file names the region and extends the baseline");
  const [download] = await Promise.all([page.waitForEvent("download"), press("#download-scenario")]);
  await download.saveAs(join(art, "explorer-download.ron"));
  check(download.suggestedFilename() === "protect-mopti.ron", `the download is protect-mopti.ron (${download.suggestedFilename()})`);

  // 4. Run with progress.
  await press("#run-button");
  await page.waitForSelector('#run-state[data-state="running"], #run-state[data-state="done"]', { timeout: 30_000 });
  await shot("running");
  await stateIs("done", 300_000);
  check((await page.getAttribute("#progress", "value")) === "100", "progress reached 100 %");

  // 5. The map: scrub, switch layers, play and pause.
  await page.waitForSelector("#month-slider:not([disabled])");
  const max = Number(await page.getAttribute("#month-slider", "max"));
  check(max === 11, `12 months to play (slider max ${max})`);
  const label0 = await page.textContent("#month-label");
  await page.$eval("#month-slider", (el) => { el.value = "7"; el.dispatchEvent(new Event("input", { bubbles: true })); });
  const label7 = await page.textContent("#month-label");
  check(label7 !== label0 && label7.includes("2017-08"), `scrubbing moves the month (${label0.trim()} -> ${label7.trim()})`);
  await shot("map-events");
  await section("#map-section", "map-events");
  await page.selectOption("#layer-select", "control");
  await shot("map-control");
  await section("#map-section", "map-control");
  await page.selectOption("#layer-select", "displaced");
  await page.$eval("#month-slider", (el) => { el.value = "0"; el.dispatchEvent(new Event("input", { bubbles: true })); });
  await press("#play-button");
  await page.waitForTimeout(1200);
  await press("#play-button");
  const played = Number(await page.inputValue("#month-slider"));
  check(played >= 2, `play advances the months (at month ${played} after 1.2 s)`);
  await shot("map-displaced");

  // 6. The comparison: table, difference map, report.
  await page.waitForSelector("#comparison-table tr", { state: "attached" });
  const rows = await page.locator("#comparison-table tbody tr").count();
  check(rows >= 3, `the comparison table has rows (${rows})`);
  await page.waitForFunction(() => {
    const img = document.querySelector("#difference-map");
    return img && img.complete && img.naturalWidth > 0;
  });
  check(true, "the difference map is drawn");
  await page.locator("#comparison-section").scrollIntoViewIfNeeded();
  await shot("comparison");
  await section("#comparison-section", "comparison");
  const [report] = await Promise.all([page.waitForEvent("download"), press("#report-link")]);
  await report.saveAs(join(art, "explorer-report.html"));
  check(report.suggestedFilename() === "report.html", "the report downloads as report.html");

  // 7. An upload whose name is markup is shown as text, never run.
  await page.setInputFiles("#upload-input", {
    name: "markup.ron",
    mimeType: "text/plain",
    buffer: Buffer.from('(extends: "baseline.ron", name: "<img src=x onerror=window.__xss=1>", description: "<b>bold?</b>")'),
  });
  await page.waitForFunction(() => [...document.querySelectorAll("#scenario-select option")].some((o) => o.textContent.includes("<img")));
  await page.waitForTimeout(300);
  check(await page.evaluate(() => window.__xss === undefined && !document.querySelector('img[src="x"]') && !document.querySelector("#scenario-info b")),
    "markup in an uploaded scenario is shown as text");
  await shot("upload-markup");

  // 8. A long run is cancelled.
  await page.selectOption("#scenario-select", "baseline.ron");
  await page.fill("#period-start", "2017-01-01");
  await page.fill("#period-end", "2025-12-31");
  await page.selectOption("#resolution", "");
  await page.fill("#replicates", "40"); // long enough to be cancelled on a fast machine too
  await press("#run-button");
  await stateIs("running", 30_000);
  // A reload finds the run still going and can cancel it.
  reloading = true;
  await page.reload();
  await stateIs("running", 30_000);
  reloading = false;
  check(true, "after a reload the page follows the run still going");
  await page.waitForTimeout(500);
  await press("#cancel-button");
  await stateIs("cancelled", 30_000);
  check(true, "a long run is cancelled");
  await shot("cancelled");
} catch (e) {
  problems.push(String(e && e.stack ? e.stack : e));
  try { await shot("failure"); } catch { /* the page is gone */ }
}
await browser.close();
writeFileSync(join(art, "explorer-problems.txt"), problems.join("\n") + "\n");
if (problems.length) {
  console.error(`explorer check FAILED:\n${problems.join("\n")}`);
  process.exit(1);
}
console.log("explorer check passed");
