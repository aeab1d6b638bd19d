// `npm run test:e2e`: end-to-end tests of the packaged extension in a real VS Code.
//   1. installs code-server once (.cache/code-server) and packages the .vsix (when changed);
//   2. starts code-server on 127.0.0.1 with a fresh user-data dir and extensions dir under
//      test-results/e2e-profile/, installs the .vsix, opens test/e2e/fixture-workspace/;
//   3. drives Debian's Chromium with playwright-core through the scenarios of scenarios/index.mjs;
//   4. always stops the browser and code-server; leaves screenshots, the Tokenwise log, the
//      code-server log and the browser console under test-results/e2e/.
// Usage: node test/e2e/run.mjs [name-filter…]   (e.g. `node test/e2e/run.mjs token`)
// Env: E2E_TIMEOUT_S (whole run, default 900), E2E_BROWSER (default /usr/bin/chromium),
//      E2E_VSIX=file.vsix (test that .vsix, e.g. a CI artifact, instead of packaging the tree),
//      E2E_PORT (first port tried, default 9080).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import {
  ensureCodeServer, findFreePort, installExtension, launchCodeServer, repoRoot, stopCodeServer,
} from '../../scripts/setup-code-server.mjs';
import { packageExtension } from '../../scripts/package.mjs';
import { checkNode } from '../../scripts/check-node.mjs';
import { scenarios } from './scenarios/index.mjs';
import { Workbench, waitFor } from './lib/workbench.mjs';

const resultsDir = join(repoRoot, 'test-results', 'e2e');
const profileDir = join(repoRoot, 'test-results', 'e2e-profile');
const userDataDir = join(profileDir, 'user-data');
const extensionsDir = join(profileDir, 'extensions');
const fixtureDir = join(repoRoot, 'test', 'e2e', 'fixture-workspace');
const browserPath = process.env.E2E_BROWSER || '/usr/bin/chromium';
const runTimeoutMs = (Number(process.env.E2E_TIMEOUT_S) || 900) * 1000;

/** User settings of the fresh profile: no welcome page, no trust prompt, no telemetry, no noise. */
const SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'editor.minimap.enabled': false,
  'editor.hover.delay': 200,
  'editor.fontSize': 14,
  'files.autoSave': 'off',
  'chat.commandCenter.enabled': false,
  'workbench.colorTheme': 'Default Dark Modern',
  // VS Code's default editor settings otherwise (auto-closing brackets and quotes, auto-indent,
  // the word-suggest popup): completion is tested on Python and TypeScript as users get it. Only
  // the settings.json editors, where scenarios insert JSON, leave what is inserted alone.
  '[json]': { 'editor.autoClosingBrackets': 'never', 'editor.autoClosingQuotes': 'never', 'editor.autoIndent': 'none', 'editor.formatOnType': false, 'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' } },
  '[jsonc]': { 'editor.autoClosingBrackets': 'never', 'editor.autoClosingQuotes': 'never', 'editor.autoIndent': 'none', 'editor.formatOnType': false, 'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' } },
  // The shipped 4M-parameter model rarely reaches the default confidence gate; the gate has its
  // own unit tests, so the e2e scenarios see every suggestion that passes the parse check.
  'tokenwise.completion.minConfidence': 0,
};

const log = (line) => console.log(`[e2e] ${line}`);
const seconds = (since) => ((Date.now() - since) / 1000).toFixed(1);

/** All files under dir (recursive). */
function walk(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/**
 * The Tokenwise output channel's file(s) under the user-data dir: plain channels are written as
 * logs/<time>/exthost1/output_logging_<time>/<n>-Tokenwise.log, log channels as …/<ext id>/Tokenwise.log.
 */
function tokenwiseLogFiles() {
  return walk(join(userDataDir, 'logs')).filter((f) => /(^|[/\\])(\d+-)?Tokenwise\.log$/.test(f))
    .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
}

function readTokenwiseLog() {
  return tokenwiseLogFiles().map((f) => readFileSync(f, 'utf8')).join('\n');
}

/** `node dist/cli.js …args` in the repo root; returns stdout, throws with stderr on failure. */
function cli(...args) {
  const result = spawnSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) {
    throw new Error(`tokenwise ${args.join(' ')} exited with ${result.status ?? result.signal}: ${(result.stderr || result.stdout).trim().slice(0, 500)}`);
  }
  return result.stdout;
}

async function main() {
  checkNode('npm run test:e2e');
  const t0 = Date.now();
  const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const selected = scenarios.filter((s) => filters.length === 0 || filters.some((f) => s.name.includes(f)));
  if (selected.length === 0) throw new Error(`no scenario matches ${filters.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`);

  rmSync(resultsDir, { recursive: true, force: true });
  rmSync(profileDir, { recursive: true, force: true });
  mkdirSync(resultsDir, { recursive: true });
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(SETTINGS, null, 2) + '\n');

  const results = [];
  const timings = {};
  let server;
  let browser;
  let page;
  let codeServerLog = '';
  const consoleLines = [];
  const cleanup = async () => {
    await browser?.close().catch(() => {});
    browser = undefined;
    if (server) {
      codeServerLog = server.output();
      await stopCodeServer(server.child);
      server = undefined;
    }
  };
  const onSignal = (sig) => {
    log(`${sig}: stopping the browser and code-server`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  // Last resort if the process ends some other way: never leave code-server running.
  process.once('exit', () => {
    if (server?.child.pid) try { process.kill(-server.child.pid, 'SIGKILL'); } catch { /* gone */ }
  });
  const watchdog = setTimeout(() => {
    console.error(`[e2e] the whole run exceeded ${runTimeoutMs / 1000} s (E2E_TIMEOUT_S); aborting`);
    void cleanup().finally(() => { console.log(`0 passed, ${selected.length} failed`); process.exit(1); });
  }, runTimeoutMs);
  watchdog.unref();

  try {
    let t = Date.now();
    const cs = await ensureCodeServer({ log: (l) => log(`code-server: ${l}`) });
    timings.codeServerSetupS = Number(seconds(t));
    t = Date.now();
    let vsix;
    if (process.env.E2E_VSIX) {
      vsix = resolve(process.env.E2E_VSIX);
      if (!existsSync(vsix)) throw new Error(`E2E_VSIX=${vsix} does not exist`);
      log(`testing ${vsix} (E2E_VSIX; the tree is not packaged)`);
    } else {
      const packaged = await packageExtension({ log: (l) => log(`package: ${l}`), quiet: true });
      vsix = packaged.vsix;
      timings.packageS = Number(seconds(t));
      log(`${relative(repoRoot, vsix)} ${packaged.rebuilt ? 'built' : 'up to date'} (${timings.packageS} s)`);
    }

    t = Date.now();
    installExtension({ entry: cs.entry, vsix, extensionsDir, userDataDir });
    timings.installExtensionS = Number(seconds(t));
    log(`installed into a fresh extensions dir (${timings.installExtensionS} s)`);

    t = Date.now();
    const port = await findFreePort(Number(process.env.E2E_PORT) || 9080);
    server = await launchCodeServer({ entry: cs.entry, port, userDataDir, extensionsDir, folder: fixtureDir, log });
    if (!existsSync(browserPath)) throw new Error(`no browser at ${browserPath}: apt-get install -y chromium (or set E2E_BROWSER)`);
    browser = await chromium.launch({
      executablePath: browserPath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
      // This script handles signals: Playwright's own handlers would exit before code-server is stopped.
      handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
    });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
    page = await context.newPage();
    page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
    await page.goto(server.url(fixtureDir), { waitUntil: 'domcontentloaded', timeout: 60_000 });
    const wb = new Workbench(page);
    await wb.waitUntilReady(90_000).catch((e) => { throw new Error(`the workbench did not load: ${e.message}`); });
    timings.workbenchReadyS = Number(seconds(t));
    log(`workbench ready (${timings.workbenchReadyS} s)`);

    for (const [index, scenario] of selected.entries()) {
      const started = Date.now();
      const prefix = `${String(index + 1).padStart(2, '0')}-${scenario.name}`;
      let currentStep = 'start';
      const ctx = {
        page, wb, repoRoot, fixtureDir, resultsDir, userDataDir, cli, waitFor,
        log: (line) => console.log(`      ${line}`),
        /** Saves test-results/e2e/<NN>-<scenario>-<name>.png and returns its path. */
        screenshot: async (name) => {
          const path = join(resultsDir, `${prefix}-${name}.png`);
          await page.screenshot({ path });
          return path;
        },
        extensionLog: readTokenwiseLog,
        /** Waits until the Tokenwise log matches `pattern`; returns the match. */
        waitForLog: (pattern, { timeoutMs = 30_000 } = {}) => waitFor(() => readTokenwiseLog().match(pattern), {
          timeoutMs, intervalMs: 250,
          message: () => `the Tokenwise log (${tokenwiseLogFiles().map((f) => relative(userDataDir, f)).join(', ') || 'no file yet'}) has no line matching ${pattern}`,
        }),
        /** Labels a step: a failure inside says which step failed. */
        step: async (name, fn) => {
          currentStep = name;
          console.log(`    · ${name}`);
          return fn();
        },
      };
      console.log(`  ▶ ${scenario.name}: ${scenario.description ?? ''}`);
      let timer;
      try {
        await Promise.race([
          scenario.run(ctx),
          new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${scenario.timeoutMs / 1000} s`)), scenario.timeoutMs); }),
        ]);
        results.push({ name: scenario.name, ok: true, seconds: Number(seconds(started)) });
        console.log(`  ✔ ${scenario.name} (${seconds(started)} s)`);
      } catch (error) {
        let message = `step "${currentStep}": ${error?.message ?? error}`;
        // Context for the reader: notifications on screen and the end of the extension's log.
        const toasts = await page.locator('.notifications-toasts .notification-toast .notification-list-item-message')
          .allInnerTexts().catch(() => []);
        if (toasts.length) message += `\nnotifications: ${toasts.map((m) => JSON.stringify(m)).join(', ')}`;
        const tail = readTokenwiseLog().trim().split('\n').slice(-5).join('\n');
        if (tail) message += `\nTokenwise log (last lines):\n${tail}`;
        results.push({ name: scenario.name, ok: false, seconds: Number(seconds(started)), error: message });
        console.log(`  ✘ ${scenario.name} (${seconds(started)} s)\n      ${message.replace(/\n/g, '\n      ')}`);
        await page.screenshot({ path: join(resultsDir, `${prefix}-FAILED.png`) }).catch(() => {});
      } finally {
        clearTimeout(timer);
      }
      await wb.reset();
    }
  } catch (error) {
    console.error(`[e2e] setup failed: ${error?.stack ?? error}`);
    await page?.screenshot({ path: join(resultsDir, 'setup-FAILED.png') }).catch(() => {});
    for (const s of selected) if (!results.some((r) => r.name === s.name)) results.push({ name: s.name, ok: false, error: `not run: ${error?.message ?? error}` });
  } finally {
    await cleanup();
    clearTimeout(watchdog);
    // Artifacts: the extension's log, code-server's output, the browser console, a summary.
    const logs = tokenwiseLogFiles();
    if (logs.length) copyFileSync(logs[logs.length - 1], join(resultsDir, 'Tokenwise.log'));
    for (const f of walk(join(userDataDir, 'logs')).filter((p) => /exthost\d*[/\\](remoteexthost|exthost)\.log$/.test(p)).slice(-1)) {
      copyFileSync(f, join(resultsDir, 'exthost.log'));
    }
    writeFileSync(join(resultsDir, 'code-server.log'), codeServerLog);
    writeFileSync(join(resultsDir, 'browser-console.log'), consoleLines.join('\n') + '\n');
    timings.totalS = Number(seconds(t0));
    writeFileSync(join(resultsDir, 'summary.json'), JSON.stringify({ results, timings }, null, 2) + '\n');
  }

  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  log(`artifacts in ${relative(repoRoot, resultsDir)}/ (screenshots, Tokenwise.log, code-server.log); total ${timings.totalS} s`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (error) => {
  console.error(`[e2e] ${error?.stack ?? error}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
