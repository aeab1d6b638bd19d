// Bundles the extension host, the inference worker, the tokenizer thread, the CLI and the webview, and copies the
// runtime assets they load from disk (WASM, grammars, the default model, onnxruntime binaries).
// Usage: node esbuild.mjs [--production] [--watch] [--target=<platform>-<arch>]
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, rmSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const production = args.includes('--production');
const watch = args.includes('--watch');
const targetArg = args.find((a) => a.startsWith('--target='));
const [platform, arch] = (targetArg ? targetArg.slice('--target='.length) : `${process.platform}-${process.arch}`).split('-');
const dist = join(root, 'dist');

/** Native and host-provided modules stay outside the bundle. */
const external = ['vscode', 'onnxruntime-node'];

const nodeCommon = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  minify: production,
  external,
  logLevel: 'info',
  // tiktoken and tree-sitter locate their .wasm next to the bundle through __dirname.
  define: { 'process.env.TOKENWISE_BUILD': JSON.stringify(production ? 'production' : 'development') },
};

const builds = [
  { ...nodeCommon, entryPoints: { extension: join(root, 'src/editor/extension.ts') }, outdir: dist },
  { ...nodeCommon, entryPoints: { worker: join(root, 'src/worker/main.ts') }, outdir: dist },
  // The tokenizer thread (token view, `tokenwise tokens`): pure JS, ended by its watchdog when a request overruns.
  { ...nodeCommon, entryPoints: { tokenizer: join(root, 'src/worker/tokenizerThread.ts') }, outdir: dist },
  { ...nodeCommon, entryPoints: { cli: join(root, 'src/cli/main.ts') }, outdir: dist, banner: { js: '#!/usr/bin/env node' } },
  {
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: true, minify: production,
    // dist/webview/ is the only dist folder panels may load from (localResourceRoots, src/editor/panels/panel.ts).
    entryPoints: { main: join(root, 'webview/main.ts'), metrics: join(root, 'webview/metrics/main.ts') }, outdir: join(dist, 'webview'), logLevel: 'info',
  },
];

function copyIfNewer(from, to) {
  if (!existsSync(from)) return false;
  if (existsSync(to) && statSync(to).mtimeMs >= statSync(from).mtimeMs && statSync(from).isFile()) return true;
  mkdirSync(dirname(to), { recursive: true });
  cpSync(from, to, { recursive: true, preserveTimestamps: true });
  return true;
}

/** Copies only what the bundles open at run time; everything else is inside the bundles. */
function copyAssets() {
  const nm = join(root, 'node_modules');
  copyIfNewer(join(nm, 'tiktoken/tiktoken_bg.wasm'), join(dist, 'tiktoken_bg.wasm'));
  const ts = join(nm, '@vscode/tree-sitter-wasm/wasm');
  if (existsSync(ts)) {
    for (const f of readdirSync(ts)) if (f.endsWith('.wasm')) copyIfNewer(join(ts, f), join(dist, 'tree-sitter', f));
  }
  // The syntax service's tree-sitter queries (src/core/syntax/queries/<language>/<kind>.scm), read at run time.
  rmSync(join(dist, 'tree-sitter/queries'), { recursive: true, force: true });
  copyIfNewer(join(root, 'src/core/syntax/queries'), join(dist, 'tree-sitter/queries'));
  const models = join(root, 'models');
  if (existsSync(models)) {
    for (const name of readdirSync(models)) {
      const dir = join(models, name);
      if (existsSync(join(dir, 'config.json'))) {
        for (const f of ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx'])
          copyIfNewer(join(dir, f), join(dist, 'models', name, f));
      }
    }
  }
  // onnxruntime-node stays a real package (its binding resolves binaries by platform), copied
  // into dist/node_modules with the binaries of the target platform only.
  const ortDest = join(dist, 'node_modules/onnxruntime-node');
  const ortSrc = join(nm, 'onnxruntime-node');
  for (const f of ['package.json', 'dist', 'README.md']) copyIfNewer(join(ortSrc, f), join(ortDest, f));
  const binSrc = join(ortSrc, 'bin/napi-v6', platform, arch);
  if (!existsSync(binSrc)) throw new Error(`onnxruntime-node has no binaries for ${platform}-${arch}`);
  const binRoot = join(ortDest, 'bin/napi-v6');
  if (existsSync(binRoot)) {
    for (const p of readdirSync(binRoot)) if (p !== platform) rmSync(join(binRoot, p), { recursive: true, force: true });
    if (existsSync(join(binRoot, platform)))
      for (const a of readdirSync(join(binRoot, platform))) if (a !== arch) rmSync(join(binRoot, platform, a), { recursive: true, force: true });
  }
  copyIfNewer(binSrc, join(binRoot, platform, arch));
  const common = join(nm, 'onnxruntime-common');
  for (const f of ['package.json', 'dist']) copyIfNewer(join(common, f), join(dist, 'node_modules/onnxruntime-common', f));
}

if (watch) {
  copyAssets();
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[tokenwise] watching for changes…');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  copyAssets();
}
