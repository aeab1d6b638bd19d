// Installs code-server (a real VS Code: browser workbench + Node extension host) once into the
// git-ignored cache folder .cache/code-server/, offline except for the npm registry and Debian's
// archive. Used by `npm start` (scripts/start.mjs) and `npm run test:e2e` (test/e2e/run.mjs).
// Recipe and reasons: docs/environment.md, "Real VS Code for end-to-end tests".
//
// Usage: node scripts/setup-code-server.mjs [--force]
//   import { ensureCodeServer } from './setup-code-server.mjs';
//   const { entry, version } = await ensureCodeServer();  // spawn(process.execPath, [entry, ...args])
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import {
  existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, statSync, mkdtempSync, copyFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CODE_SERVER_VERSION = '4.100.3';
export const codeServerDir = join(repoRoot, '.cache', 'code-server');
/** Path of code-server's Node entry point; run it with the current Node (20, as code-server needs). */
export const codeServerEntry = join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const stampFile = join(codeServerDir, `.installed-${CODE_SERVER_VERSION}`);

/**
 * Debian packages the install and the tests need, installed only when missing and never
 * upgrading anything already installed (--no-upgrade): the -dev libraries and pkg-config build
 * code-server's native modules (kerberos, keytar, native-keymap), ripgrep is VS Code's search,
 * chromium is the browser the e2e tests drive (most of the download: with its libraries about
 * 48 packages, ~440 MB on a bare Debian 12).
 */
export const APT_PACKAGES = ['libkrb5-dev', 'libsecret-1-dev', 'libxkbfile-dev', 'libx11-dev', 'pkg-config', 'ripgrep', 'chromium'];

// VS Code's @vscode/ripgrep postinstall downloads ripgrep from GitHub unless this file is cached.
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_RELEASE = 'v13.0.0-10';
const RIPGREP_TRIPLES = { x64: 'x86_64-unknown-linux-musl', arm64: 'aarch64-unknown-linux-musl' };

const defaultLog = (line) => console.log(`[code-server] ${line}`);

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', ...options });
  if (result.error) throw new Error(`${cmd} ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  return result;
}

/** Packages of APT_PACKAGES not installed (dpkg's view); null where dpkg is not available. */
export function missingAptPackages(packages = APT_PACKAGES) {
  const probe = spawnSync('dpkg-query', ['-W', '-f=${Package} ${db:Status-Status}\n', ...packages], { encoding: 'utf8' });
  if (probe.error) return null;
  const installed = new Set(
    probe.stdout.split('\n').filter((l) => l.endsWith(' installed')).map((l) => l.split(' ')[0].split(':')[0]),
  );
  return packages.filter((p) => !installed.has(p));
}

function ensureAptPackages(log) {
  const missing = missingAptPackages();
  if (missing === null) {
    log('dpkg-query not found (not Debian/Ubuntu?): make sure the equivalents of these are installed: ' + APT_PACKAGES.join(' '));
    return;
  }
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    const cmd = `sudo apt-get update && sudo apt-get install -y --no-install-recommends --no-upgrade ${missing.join(' ')}`;
    throw new Error(`code-server needs Debian packages that are not installed: ${missing.join(', ')}.\nInstall them, then run again:\n\n  ${cmd}\n`);
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const first = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', '--no-upgrade', ...missing], { stdio: 'inherit', env });
  if (first.status !== 0) {
    log('apt-get install failed; running apt-get update and trying again');
    run('apt-get', ['update'], { env });
    run('apt-get', ['install', '-y', '--no-install-recommends', '--no-upgrade', ...missing], { env });
  }
}

/** Puts Debian's rg where @vscode/ripgrep's postinstall looks before it would download one. */
function seedRipgrepCache(log) {
  const triple = RIPGREP_TRIPLES[process.arch];
  if (process.platform !== 'linux' || !triple) {
    log(`no ripgrep seeding for ${process.platform}-${process.arch}; the postinstall will try to download it`);
    return;
  }
  const cacheDir = join(tmpdir(), `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  const tarball = join(cacheDir, `ripgrep-${RIPGREP_RELEASE}-${triple}.tar.gz`);
  if (existsSync(tarball) && statSync(tarball).size > 0) return;
  const rg = ['/usr/bin/rg', '/usr/local/bin/rg'].find((p) => existsSync(p));
  if (!rg) throw new Error('ripgrep (rg) not found: install the Debian package "ripgrep"');
  mkdirSync(cacheDir, { recursive: true });
  const staging = mkdtempSync(join(tmpdir(), 'tokenwise-rg-'));
  try {
    copyFileSync(rg, join(staging, 'rg'));
    run('tar', ['-czf', tarball, '-C', staging, 'rg']);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  log(`seeded ${tarball} from ${rg}`);
}

function pidAlive(pid) {
  try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}

/**
 * Runs fn holding a lock file (its content: the holder's pid; a dead holder's lock is taken over),
 * so that `npm start` and `npm run test:e2e` started together do not install or package at once.
 */
export async function withLock(lock, fn, log = defaultLog) {
  mkdirSync(dirname(lock), { recursive: true });
  for (let waited = 0; ; waited++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let holder = 0;
      let ageMs = 0;
      try {
        holder = Number(readFileSync(lock, 'utf8')) || 0;
        ageMs = Date.now() - statSync(lock).mtimeMs;
      } catch { continue; } // released meanwhile
      // An empty lock is being written by its holder right now, unless it is old.
      if (holder ? !pidAlive(holder) : ageMs > 10_000) { rmSync(lock, { force: true }); continue; }
      if (waited % 30 === 0) log(`waiting for process ${holder} (lock ${lock})…`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try { return await fn(); } finally { rmSync(lock, { force: true }); }
}

export function isCodeServerInstalled() {
  return existsSync(stampFile) && existsSync(codeServerEntry);
}

/**
 * Installs code-server CODE_SERVER_VERSION into .cache/code-server once (a stamp file makes
 * re-runs instant) and returns how to run it.
 * @param {{ log?: (line: string) => void, force?: boolean }} [options]
 * @returns {Promise<{ entry: string, version: string, dir: string, installedNow: boolean, seconds: number }>}
 */
export async function ensureCodeServer({ log = defaultLog, force = false } = {}) {
  const started = Date.now();
  if (!force && isCodeServerInstalled()) {
    return { entry: codeServerEntry, version: CODE_SERVER_VERSION, dir: codeServerDir, installedNow: false, seconds: 0 };
  }
  return withLock(join(codeServerDir, '.install-lock'), async () => {
    if (!force && isCodeServerInstalled()) {
      return { entry: codeServerEntry, version: CODE_SERVER_VERSION, dir: codeServerDir, installedNow: false, seconds: 0 };
    }
    log(`installing code-server ${CODE_SERVER_VERSION} into ${codeServerDir} (once; 1–4 minutes)`);
    ensureAptPackages(log);
    seedRipgrepCache(log);
    rmSync(stampFile, { force: true });
    // A package.json of its own, so npm installs here and not into the extension's node_modules.
    writeFileSync(join(codeServerDir, 'package.json'), JSON.stringify({
      name: 'tokenwise-code-server-cache', private: true, description: 'code-server for npm start and e2e tests; see scripts/setup-code-server.mjs',
    }, null, 2) + '\n');
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    run(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error', `code-server@${CODE_SERVER_VERSION}`], {
      cwd: codeServerDir,
      env: {
        ...process.env,
        npm_config_yes: 'true',
        npm_config_unsafe_perm: 'true',
        ONNXRUNTIME_NODE_INSTALL: 'skip',
      },
    });
    if (!existsSync(codeServerEntry)) throw new Error(`code-server installed but ${codeServerEntry} is missing`);
    const seconds = Math.round((Date.now() - started) / 1000);
    writeFileSync(stampFile, JSON.stringify({ version: CODE_SERVER_VERSION, node: process.version, installedAt: new Date().toISOString(), seconds }) + '\n');
    log(`code-server ${CODE_SERVER_VERSION} installed in ${seconds} s`);
    return { entry: codeServerEntry, version: CODE_SERVER_VERSION, dir: codeServerDir, installedNow: true, seconds };
  }, log);
}

// ---- Running code-server: shared by scripts/start.mjs and test/e2e/run.mjs -------------------

/** The first free TCP port on host at or after `preferred` (tries 100 ports). */
export async function findFreePort(preferred = 8080, host = '127.0.0.1') {
  for (let port = preferred; port < preferred + 100; port++) {
    const free = await new Promise((done) => {
      const server = createServer();
      server.once('error', () => done(false));
      server.listen({ port, host, exclusive: true }, () => server.close(() => done(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port in ${preferred}–${preferred + 99} on ${host}`);
}

/** Installs a .vsix into an extensions dir with code-server's own CLI. */
export function installExtension({ entry = codeServerEntry, vsix, extensionsDir, userDataDir }) {
  mkdirSync(extensionsDir, { recursive: true });
  const args = [entry, '--extensions-dir', extensionsDir, ...(userDataDir ? ['--user-data-dir', userDataDir] : []),
    '--install-extension', vsix, '--force'];
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', env: codeServerEnv(userDataDir) });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  if (result.status !== 0 || /failed|error/i.test(output) && !/successfully installed/i.test(output)) {
    throw new Error(`installing ${vsix} failed (exit ${result.status}):\n${output}`);
  }
  return output;
}

/** Keeps code-server's default config file out of the user's home. */
function codeServerEnv(userDataDir) {
  return userDataDir ? { ...process.env, XDG_CONFIG_HOME: join(userDataDir, '..', 'xdg-config') } : process.env;
}

/**
 * Starts code-server in its own process group (so that stopCodeServer can end it and every child:
 * extension hosts, file watchers, language servers) and resolves once it answers HTTP.
 * @returns {Promise<{ child: import('node:child_process').ChildProcess, port: number, url: (folder?: string) => string, output: () => string }>}
 */
export async function launchCodeServer({
  entry = codeServerEntry, port, host = '127.0.0.1', userDataDir, extensionsDir, folder, stdio = 'pipe',
  timeoutMs = 60_000, log = defaultLog,
}) {
  mkdirSync(userDataDir, { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  const args = [entry, '--auth', 'none', '--bind-addr', `${host}:${port}`, '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir,
    '--config', join(userDataDir, 'code-server-config.yaml'), ...(folder ? [folder] : [])];
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', stdio, stdio], env: codeServerEnv(userDataDir) });
  let output = '';
  if (stdio === 'pipe') {
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
  }
  let exited = null;
  child.once('exit', (code, signal) => { exited = signal ?? code; });
  const base = `http://${host}:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited !== null) throw new Error(`code-server exited (${exited}) before it answered on ${base}\n${output}`);
    try {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) {
      stopCodeServer(child);
      throw new Error(`code-server did not answer on ${base} within ${timeoutMs / 1000} s\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  log(`code-server ${CODE_SERVER_VERSION} listening on ${base} (pid ${child.pid})`);
  return {
    child, port,
    url: (dir) => (dir ? `${base}/?folder=${encodeURI(dir)}` : `${base}/`),
    output: () => output,
  };
}

/** Ends code-server's whole process group: SIGTERM, then SIGKILL after graceMs. */
export async function stopCodeServer(child, graceMs = 5000) {
  if (!child || child.pid === undefined) return;
  const groupAlive = () => { try { process.kill(-child.pid, 0); return true; } catch { return false; } };
  const signal = (sig) => { try { process.kill(-child.pid, sig); } catch { /* already gone */ } };
  if (!groupAlive()) return;
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupAlive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (groupAlive()) signal('SIGKILL');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const r = await ensureCodeServer({ force: process.argv.includes('--force') });
    console.log(r.installedNow ? `code-server ${r.version} ready (${r.seconds} s)` : `code-server ${r.version} already installed: ${r.entry}`);
  } catch (error) {
    console.error(`[code-server] setup failed: ${error.message}`);
    process.exit(1);
  }
}
