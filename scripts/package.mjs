// `npm run package`: production build, then an offline, per-platform .vsix in the repo root:
//   tokenwise-<version>-<platform>-<arch>.vsix   (e.g. tokenwise-0.1.0-linux-x64.vsix)
// Everything the extension needs at run time is in dist/ (bundles, WASM, grammars, the default
// model, dist/node_modules/onnxruntime-node with this platform's binaries), so vsce runs with
// --no-dependencies. The .vsix is rebuilt only when its inputs changed (content hash), so
// `npm start` and `npm run test:e2e` re-run fast.
//
// Usage: node scripts/package.mjs [--force] [--target=linux-x64]
//   import { packageExtension } from './package.mjs';
//   const { vsix } = await packageExtension();
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withLock } from './setup-code-server.mjs';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const stampFile = join(repoRoot, '.cache', 'package-stamp.json');
const stageDir = join(repoRoot, '.cache', 'vsix-stage');

/** What goes into the .vsix (mirrors .vscodeignore); vsce runs in a staging folder holding only these. */
const PACKAGED = ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'dist', 'media', 'docs/images'];
/** Inputs of the build and of the package; a change in any of them rebuilds the .vsix. */
const INPUTS = ['src', 'webview', 'media', 'docs/images', 'package.json', 'package-lock.json', 'esbuild.mjs', '.vscodeignore',
  'README.md', 'LICENSE', 'CHANGELOG.md', 'scripts/package.mjs'];
/** The files esbuild.mjs copies from each models/<name>/ (corpus and checkpoints are not inputs). */
const MODEL_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx'];

const MIT_LICENSE = `MIT License

Copyright (c) ${new Date().getUTCFullYear()} Tokenwise contributors

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
`;

const defaultLog = (line) => console.log(`[package] ${line}`);

/** The vsce target of this machine, e.g. linux-x64, darwin-arm64, win32-x64, alpine-x64. */
export function currentTarget() {
  let platform = process.platform;
  if (platform === 'linux' && existsSync('/etc/alpine-release')) platform = 'alpine';
  return `${platform}-${process.arch}`;
}

export function vsixPath(target = currentTarget()) {
  const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  return join(repoRoot, `tokenwise-${version}-${target}.vsix`);
}

function listFiles(path) {
  if (!existsSync(path)) return [];
  const st = statSync(path);
  if (st.isFile()) return [path];
  if (!st.isDirectory()) return [];
  return readdirSync(path).sort().flatMap((name) => listFiles(join(path, name)));
}

/** Content hash of every build/package input plus the target. */
export function inputsHash(target = currentTarget()) {
  const files = INPUTS.flatMap((p) => listFiles(join(repoRoot, p)));
  const models = join(repoRoot, 'models');
  if (existsSync(models)) {
    for (const name of readdirSync(models).sort()) {
      if (!existsSync(join(models, name, 'config.json'))) continue;
      for (const f of MODEL_FILES) files.push(...listFiles(join(models, name, f)));
    }
  }
  const hash = createHash('sha256').update(`target=${target}\n`);
  for (const file of files) {
    hash.update(`${relative(repoRoot, file)}\n`);
    hash.update(readFileSync(file));
  }
  return hash.digest('hex');
}

/** Runs a command; quiet: its output is shown only when it fails. */
function run(cmd, args, { quiet = false, ...options } = {}) {
  const result = spawnSync(cmd, args, {
    stdio: ['ignore', quiet ? 'pipe' : 'inherit', quiet ? 'pipe' : 'inherit'], encoding: 'utf8', cwd: repoRoot, ...options,
  });
  if (result.error) throw new Error(`${cmd} ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) {
    if (quiet) process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
    throw new Error(`${args.join(' ')} exited with ${result.status ?? result.signal}`);
  }
}

/** Hard-links (or copies) the packaged files into a clean staging folder. */
function stage() {
  rmSync(stageDir, { recursive: true, force: true });
  const entries = [...PACKAGED, '.vscodeignore'];
  for (const entry of entries) {
    for (const file of listFiles(join(repoRoot, entry))) {
      const to = join(stageDir, relative(repoRoot, file));
      mkdirSync(dirname(to), { recursive: true });
      try { linkSync(file, to); } catch { copyFileSync(file, to); }
    }
  }
}

/**
 * Builds dist/ for production and packages it, unless the .vsix is up to date.
 * @param {{ log?: (line: string) => void, force?: boolean, target?: string, quiet?: boolean }} [options]
 *   quiet: show the build's and vsce's output only when they fail (start and e2e use this).
 * @returns {Promise<{ vsix: string, target: string, rebuilt: boolean, seconds: number }>}
 */
export async function packageExtension(options = {}) {
  return withLock(join(repoRoot, '.cache', 'package.lock'), () => packageLocked(options), options.log ?? defaultLog);
}

async function packageLocked({ log = defaultLog, force = false, target = currentTarget(), quiet = false }) {
  const started = Date.now();
  const licensePath = join(repoRoot, 'LICENSE');
  if (!existsSync(licensePath)) {
    writeFileSync(licensePath, MIT_LICENSE);
    log('created LICENSE (MIT, Tokenwise contributors)');
  }
  const vsix = vsixPath(target);
  const hash = inputsHash(target);
  if (!force && existsSync(vsix) && existsSync(stampFile)) {
    try {
      const stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
      if (stamp.hash === hash && stamp.vsix === vsix && stamp.size === statSync(vsix).size) {
        log(`${relative(repoRoot, vsix)} is up to date`);
        return { vsix, target, rebuilt: false, seconds: (Date.now() - started) / 1000 };
      }
    } catch { /* rebuild */ }
  }
  log(`production build for ${target}`);
  run(process.execPath, ['esbuild.mjs', '--production', `--target=${target}`], { quiet });
  for (const required of ['dist/extension.js', 'dist/node_modules/onnxruntime-node/package.json']) {
    if (!existsSync(join(repoRoot, required))) throw new Error(`the build did not produce ${required}`);
  }
  log(`packaging ${relative(repoRoot, vsix)}`);
  stage();
  rmSync(vsix, { force: true });
  const vsce = join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  try {
    // stdin is closed: a vsce question (missing LICENSE, repository…) fails instead of hanging CI.
    // README images stay relative: VS Code shows them from the installed extension's docs/images.
    run(process.execPath, [vsce, 'package', '--no-dependencies', '--no-rewrite-relative-links', '--target', target, '--out', vsix],
      { cwd: stageDir, quiet });
  } finally {
    rmSync(stageDir, { recursive: true, force: true });
  }
  if (!existsSync(vsix)) throw new Error(`vsce did not write ${vsix}`);
  mkdirSync(dirname(stampFile), { recursive: true });
  writeFileSync(stampFile, JSON.stringify({ hash, vsix, target, size: statSync(vsix).size, builtAt: new Date().toISOString() }, null, 2) + '\n');
  const seconds = (Date.now() - started) / 1000;
  log(`${relative(repoRoot, vsix)} (${(statSync(vsix).size / 1e6).toFixed(1)} MB) in ${seconds.toFixed(1)} s`);
  return { vsix, target, rebuilt: true, seconds };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const targetArg = process.argv.find((a) => a.startsWith('--target='));
  try {
    await packageExtension({ force: process.argv.includes('--force'), target: targetArg ? targetArg.slice('--target='.length) : undefined });
  } catch (error) {
    console.error(`[package] failed: ${error.message}`);
    process.exit(1);
  }
}
