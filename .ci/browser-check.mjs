// Opens report.html files in headless Chromium through the DevTools protocol (no packages:
// Node's own WebSocket) and checks that each loads with no console error, no exception and no
// request beyond file: and data: URLs, and that every <img> and <svg> has rendered with a
// non-zero size, and that each figure has its "How to read this" paragraph. Saves a full-page
// screenshot of each report and one of each figure (REPORT-SHOT-<figure id>.png).
//
// usage: node --experimental-websocket .ci/browser-check.mjs DEVTOOLS_WS_URL REPORT.html:SHOT.png...
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [wsUrl, ...jobs] = process.argv.slice(2);
const ws = new WebSocket(wsUrl);
let nextId = 1;
const pending = new Map();
const listeners = [];
ws.onmessage = (m) => {
  const msg = JSON.parse(m.data);
  if (msg.id && pending.has(msg.id)) {
    const { ok, fail } = pending.get(msg.id);
    pending.delete(msg.id);
    msg.error ? fail(new Error(JSON.stringify(msg.error))) : ok(msg.result);
  } else {
    listeners.forEach((l) => l(msg));
  }
};
const send = (method, params = {}, sessionId) =>
  new Promise((ok, fail) => {
    const id = nextId++;
    pending.set(id, { ok, fail });
    ws.send(JSON.stringify({ id, method, params, sessionId }));
  });
const until = (pred, ms, what) =>
  new Promise((ok, fail) => {
    const t = setTimeout(() => fail(new Error(`timed out waiting for ${what}`)), ms);
    listeners.push((m) => {
      if (pred(m)) {
        clearTimeout(t);
        ok(m);
      }
    });
  });

// Evaluated by the driver in the page: the report itself has no script.
const CHECK = `(() => {
  const imgs = [...document.images].map((i) => ({ what: 'img ' + i.alt.slice(0, 40),
    ok: i.complete && i.naturalWidth > 0 && i.naturalHeight > 0 && i.getBoundingClientRect().width > 0 }));
  const svgs = [...document.querySelectorAll('figure > svg')].map((s) => {
    const r = s.getBoundingClientRect();
    return { what: 'svg ' + (s.getAttribute('aria-label') || '').slice(0, 40), ok: r.width > 0 && r.height > 0 };
  });
  const figs = [...document.querySelectorAll('figure')].map((f) => {
    const r = f.getBoundingClientRect();
    return { id: f.id, reading: !!f.querySelector('p.reading'),
      x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height };
  });
  return JSON.stringify({ figures: document.querySelectorAll('figure').length, items: imgs.concat(svgs), figs,
    height: Math.ceil(document.documentElement.scrollHeight), title: document.title });
})()`;

let failures = 0;
ws.onopen = async () => {
  try {
    for (const job of jobs) {
      const [file, shot] = job.split(":");
      const url = pathToFileURL(resolve(file)).href;
      const { targetId } = await send("Target.createTarget", { url: "about:blank" });
      const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true });
      const problems = [];
      listeners.push((m) => {
        if (m.sessionId !== sessionId) return;
        const p = m.params || {};
        if (m.method === "Runtime.consoleAPICalled" && (p.type === "error" || p.type === "warning"))
          problems.push(`console ${p.type}: ${JSON.stringify(p.args)}`);
        if (m.method === "Runtime.exceptionThrown") problems.push(`exception: ${JSON.stringify(p.exceptionDetails)}`);
        if (m.method === "Log.entryAdded" && p.entry.level === "error") problems.push(`log error: ${p.entry.text}`);
        if (m.method === "Network.requestWillBeSent") {
          const u = p.request.url;
          if (!u.startsWith("file:") && !u.startsWith("data:") && u !== "about:blank") problems.push(`request: ${u}`);
        }
      });
      for (const d of ["Page", "Runtime", "Log", "Network"]) await send(`${d}.enable`, {}, sessionId);
      await send("Emulation.setDeviceMetricsOverride", { width: 1280, height: 900, deviceScaleFactor: 1, mobile: false }, sessionId);
      const loaded = until((m) => m.sessionId === sessionId && m.method === "Page.loadEventFired", 30000, "load");
      await send("Page.navigate", { url }, sessionId);
      await loaded;
      const { result } = await send("Runtime.evaluate", { expression: CHECK, returnByValue: true }, sessionId);
      const info = JSON.parse(result.value);
      const bad = info.items.filter((i) => !i.ok);
      if (info.figures === 0) problems.push("no figures");
      if (info.items.length < info.figures) problems.push(`${info.figures} figures but ${info.items.length} pictures`);
      bad.forEach((b) => problems.push(`not rendered: ${b.what}`));
      const height = Math.min(info.height, 16000);
      await send("Emulation.setDeviceMetricsOverride", { width: 1280, height, deviceScaleFactor: 1, mobile: false }, sessionId);
      const { data } = await send("Page.captureScreenshot", { format: "png" }, sessionId);
      writeFileSync(shot, Buffer.from(data, "base64"));
      // Each figure alone, with its caption and "How to read this" paragraph, for review.
      for (const f of info.figs) {
        if (!f.reading) problems.push(`figure ${f.id} has no "How to read this" paragraph`);
        if (f.width <= 0 || f.height <= 0 || f.y + f.height > height) continue;
        const clip = { x: f.x, y: f.y, width: f.width, height: f.height, scale: 1 };
        const fig = await send("Page.captureScreenshot", { format: "png", clip }, sessionId);
        writeFileSync(shot.replace(/\.png$/, `-${f.id.replace(/[^A-Za-z0-9_-]/g, "_")}.png`), Buffer.from(fig.data, "base64"));
      }
      console.log(`${file}: "${info.title}", ${info.figures} figures, ${info.items.length} pictures checked, screenshot ${shot}`);
      problems.forEach((p) => console.log(`  PROBLEM ${p}`));
      failures += problems.length;
      await send("Target.closeTarget", { targetId });
    }
  } catch (e) {
    console.log(`browser check failed: ${e.stack}`);
    failures += 1;
  }
  // Ask Chromium to shut down cleanly, so that no child process is still writing its
  // profile when the shell script removes it.
  await Promise.race([send("Browser.close", {}), new Promise((ok) => setTimeout(ok, 5000))]).catch(() => {});
  ws.close();
  process.exit(failures ? 1 : 0);
};
