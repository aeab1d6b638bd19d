// The metrics panel's page, bundled from webview/ by esbuild as the extension builds it, served on
// 127.0.0.1 inside the panel's real HTML shell and CSP (src/editor/panels/html.ts) with a stub of
// `acquireVsCodeApi`, driven by Debian's Chromium through playwright-core. Figures come from the
// real core metrics of a fixture file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createNonce, panelHtml } from '../../../src/editor/panels/html';
import { fileRow, loadComparisonTokenizers, measureText, summarize } from '../../../src/core/metrics';
import { SyntaxService } from '../../../src/core/syntax';
import type { ActiveFigures, ScanFigures } from '../../../src/core/protocol/metricsPanel';
import { repoRoot } from '../helpers/paths';

const browserPath = process.env.E2E_BROWSER || '/usr/bin/chromium';
let server: Server;
let browser: Browser;
let origin = '';
let outDir = '';
const violations: string[] = [];

// The stub: records posts and state in window.__posted / localStorage (so a reload restores it, like VS Code's getState).
const stub = `window.__posted = [];
window.acquireVsCodeApi = () => ({
  postMessage: (m) => window.__posted.push(m),
  getState: () => { const s = localStorage.getItem('state'); return s ? JSON.parse(s) : undefined; },
  setState: (s) => localStorage.setItem('state', JSON.stringify(s)),
});
document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));`;

before(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'tw-webview-'));
  await esbuild.build({ bundle: true, platform: 'browser', format: 'iife', target: 'es2022', entryPoints: { metrics: join(repoRoot, 'webview/metrics/main.ts') }, outdir: outDir, logLevel: 'error' });
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/favicon.ico') return void res.writeHead(204).end();
    if (url.pathname === '/') {
      const nonce = createNonce();
      const html = panelHtml({ title: 'metrics', cspSource: origin, nonce, scriptUri: `${origin}/metrics.js`, styleUris: [`${origin}/metrics.css`] });
      // The stub runs first, with the page's nonce (as VS Code's own bootstrap script would).
      res.writeHead(200, { 'content-type': 'text/html' }).end(html.replace('<div id="root"></div>', `<div id="root"></div>\n    <script nonce="${nonce}">${stub}</script>`));
      return;
    }
    const file = join(outDir, url.pathname.slice(1));
    if (!/^\/metrics\.(js|css)$/.test(url.pathname) || !existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': url.pathname.endsWith('.js') ? 'text/javascript' : 'text/css' }).end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await chromium.launch({ executablePath: browserPath, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
});

after(async () => {
  await browser?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  rmSync(outDir, { recursive: true, force: true });
});

async function open(): Promise<{ page: Page; console: string[] }> {
  const page = await browser.newPage();
  const lines: string[] = [];
  page.on('console', (m) => {
    lines.push(`${m.type()}: ${m.text()}`);
    if (/Content Security Policy|CSP violation|Refused to/i.test(m.text())) violations.push(m.text());
  });
  page.on('pageerror', (e) => lines.push(`pageerror: ${e.message}`));
  await page.goto(origin + '/');
  await page.waitForFunction("window.__posted.some((m) => m.type === 'ready')");
  return { page, console: lines };
}

/** Waits for a condition on what the page logged (no sleeps: polls the event loop). */
async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting for the page');
    await new Promise((r) => setImmediate(r));
  }
}

// Functions below run in the page; they are strings because this file is type-checked without the DOM.
const post = (page: Page, message: unknown) => page.evaluate(`window.postMessage(${JSON.stringify(message)}, '*')`);
const lastPosted = (page: Page) => page.evaluate('window.__posted.at(-1)');

async function fixtureFigures(): Promise<{ active: ActiveFigures; scan: ScanFigures; rows: ReturnType<typeof fileRow>[] }> {
  const tokenizers = loadComparisonTokenizers(['cl100k_base'], 'o200k_base');
  const syntax = new SyntaxService();
  const files = [];
  for (const name of ['shapes.py', 'cart.ts']) {
    const text = readFileSync(join(repoRoot, 'test/e2e/fixture-workspace', name), 'utf8');
    files.push(await measureText({ uri: `file:///ws/${name}`, text }, { tokenizers, syntax }));
  }
  syntax.dispose();
  const summary = summarize([files[0]!], 'o200k_base');
  const rows = files.map((f) => ({ ...fileRow(f, 'o200k_base'), label: f.uri.slice('file:///ws/'.length) }));
  return {
    active: { scope: 'file', title: 'shapes.py <script>alert(1)</script>', uri: files[0]!.uri, summary, scoring: false, notes: [] },
    scan: { summary: summarize(files, 'o200k_base'), languages: [], done: 2, total: 2, state: 'done', skipped: '' },
    rows,
  };
}

test('the metrics page renders figures, tables and charts from a message, escapes text, and keeps its state', { timeout: 60_000 }, async () => {
  const { active, scan, rows } = await fixtureFigures();
  const { page, console: lines } = await open();
  await post(page, { type: 'active', figures: active });
  await page.waitForSelector('#tokenizer-table');
  // Text is text: the title is shown literally, no element was created from it.
  assert.equal(await page.textContent('#active-title'), active.title);
  assert.equal(await page.locator('#active-title script').count(), 0);
  const ref = active.summary.tokenizers[0]!;
  assert.equal(await page.textContent('#card-bytes .card-value'), active.summary.bytes.toLocaleString('en-US'));
  assert.equal(await page.textContent('#card-bytes-per-token .card-value'), ref.bytesPerToken.mean.toFixed(2));
  const headers = await page.locator('#tokenizer-table thead th').allTextContents();
  assert.deepEqual(headers, ['Metric', 'o200k_base (reference)', 'cl100k_base']);
  // Three charts drawn on canvases (uPlot), each with an accessible name.
  await page.waitForFunction("document.querySelectorAll('#active-view .chart canvas').length === 3");
  assert.ok((await page.getAttribute('#active-chart-token-length', 'aria-label'))!.includes('token lengths'));
  // A worst-fragmented identifier is listed with its pieces.
  assert.ok((await page.locator('#worst li').count()) > 0);

  // Malformed messages change nothing.
  await post(page, { type: 'active', figures: { ...active, summary: { files: 'x' }, title: 'BROKEN' } });
  await post(page, { type: 'active' });
  await post(page, { type: 'scanProgress', figures: scan, rows: [{ uri: 1 }] });
  await until(() => lines.filter((l) => l.includes('ignored a malformed')).length >= 3);
  assert.equal(await page.textContent('#active-title'), active.title);
  assert.equal(lines.filter((l) => l.includes('ignored a malformed')).length, 3, lines.join('\n'));

  // A scan result: the per-file table, sortable by keyboard, and a file opens by its button.
  await post(page, { type: 'scanProgress', figures: scan, rows });
  await page.waitForSelector('#file-table tbody tr');
  assert.equal(await page.locator('#file-table tbody tr').count(), 2);
  await page.focus('#file-table button[data-column="file"]');
  await page.keyboard.press('Enter');
  assert.deepEqual(await page.locator('#file-table tbody td:first-child').allTextContents(), ['cart.ts', 'shapes.py']);
  await page.keyboard.press('Enter');
  assert.deepEqual(await page.locator('#file-table tbody td:first-child').allTextContents(), ['shapes.py', 'cart.ts']);
  await page.click('#file-table tbody tr:first-child button.link');
  assert.deepEqual(await lastPosted(page), { type: 'openFile', uri: 'file:///ws/shapes.py' });
  await page.click('#export-csv');
  assert.deepEqual(await lastPosted(page), { type: 'export', format: 'csv' });

  // Theme change (VS Code sets body classes): charts are redrawn without errors.
  await page.evaluate("document.body.className = 'vscode-high-contrast'");
  await page.waitForFunction("document.querySelectorAll('.chart canvas').length >= 3");

  // Hidden and shown again (the page is discarded and reloaded): the state comes back.
  await page.reload();
  await page.waitForSelector('#file-table tbody tr');
  assert.equal(await page.textContent('#active-title'), active.title);
  assert.equal(await page.locator('#file-table tbody tr').count(), 2);
  assert.equal(await page.getAttribute('#tab-workspace', 'aria-selected'), 'true');
  assert.deepEqual(lines.filter((l) => l.startsWith('pageerror') || l.startsWith('error')), []);
  assert.deepEqual(violations, []);
  await page.close();
});
