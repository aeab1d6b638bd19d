// `npm start`: try Tokenwise in a real VS Code (code-server, in the browser) with the sample workspace.
//   1. installs code-server 4.100.3 into .cache/code-server (first run only, 3–4 minutes);
//   2. builds and packages tokenwise-<version>-<target>.vsix (only when sources changed);
//   3. installs it into .cache/extensions (only when the .vsix changed);
//   4. starts code-server on 127.0.0.1 (port 8080 or the next free one; PORT=… to choose) and prints
//      the URL that opens sample-workspace/. Ctrl-C stops it.
// Settings live in .cache/user-data (kept between runs); delete .cache/user-data to start afresh.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ensureCodeServer, findFreePort, installExtension, launchCodeServer, repoRoot, stopCodeServer,
} from './setup-code-server.mjs';
import { packageExtension } from './package.mjs';
import { checkNode } from './check-node.mjs';

checkNode('npm start');

const cache = join(repoRoot, '.cache');
const extensionsDir = join(cache, 'extensions');
const userDataDir = join(cache, 'user-data');
const workspace = join(repoRoot, 'sample-workspace');
const log = (line) => console.log(`[start] ${line}`);

/** Settings a fresh user-data dir starts with (never overwrites the user's own). */
const DEFAULT_SETTINGS = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'workbench.colorTheme': 'Default Dark Modern',
};

function fileHash(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

async function main() {
  const t0 = Date.now();
  const server = await ensureCodeServer({ log });
  const { vsix } = await packageExtension({ log, quiet: true });

  // Install only when this exact .vsix is not installed yet.
  const stamp = join(cache, 'extensions-installed.json');
  const hash = fileHash(vsix);
  const installed = existsSync(stamp) ? JSON.parse(readFileSync(stamp, 'utf8')) : {};
  if (installed.hash !== hash || !existsSync(extensionsDir)) {
    log(`installing ${vsix.slice(repoRoot.length + 1)} into ${extensionsDir.slice(repoRoot.length + 1)}`);
    installExtension({ entry: server.entry, vsix, extensionsDir, userDataDir });
    writeFileSync(stamp, JSON.stringify({ hash, vsix }) + '\n');
  }

  const settingsFile = join(userDataDir, 'User', 'settings.json');
  if (!existsSync(settingsFile)) {
    mkdirSync(join(userDataDir, 'User'), { recursive: true });
    writeFileSync(settingsFile, JSON.stringify(DEFAULT_SETTINGS, null, 2) + '\n');
  }

  const port = await findFreePort(Number(process.env.PORT) || 8080);
  const cs = await launchCodeServer({
    entry: server.entry, port, userDataDir, extensionsDir, folder: workspace, stdio: 'inherit', log,
  });

  let stopping = false;
  const stop = async (why, code = 0) => {
    if (stopping) return;
    stopping = true;
    log(`${why}: stopping code-server…`);
    await stopCodeServer(cs.child);
    process.exit(code);
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => void stop(sig));
  cs.child.once('exit', (code, signal) => {
    if (!stopping) { log(`code-server exited (${signal ?? code})`); void stop('code-server exited', code ?? 1); }
  });

  const url = cs.url(workspace);
  const bar = '─'.repeat(Math.max(40, url.length + 4));
  console.log(`\n${bar}\n  Tokenwise is running in VS Code (code-server) — open:\n\n  ${url}\n\n  Logs: Output panel → "Tokenwise", or the "Tokenwise: Show Log" command.\n  Ready in ${((Date.now() - t0) / 1000).toFixed(1)} s. Press Ctrl-C to stop.\n${bar}\n`);
}

main().catch((error) => {
  console.error(`[start] failed: ${error.message}`);
  process.exit(1);
});
