/**
 * The architecture, checked over the TypeScript import graph (compiler API; see
 * helpers/architecture.ts, whose every rule is proven by a violating fixture in
 * architecture-rules.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildImportGraph, checkArchitecture, formatViolations, type ArchitectureRules } from './helpers/architecture';
import { repoRoot } from './helpers/paths';

/** Core folders, lower layers first: a folder imports only from its own folder and lower layers. */
export const coreLayers = [['base'], ['tokenize', 'syntax', 'workspace'], ['index'], ['search'], ['model'], ['inference'], ['completion', 'entropy'], ['metrics'], ['protocol']];

export const rules: ArchitectureRules = {
  noTransitiveImport: { from: 'src/core', package: 'vscode' },
  noDynamicImportOf: ['vscode', 'onnxruntime-node', 'tiktoken', '@huggingface/tokenizers', '@vscode/tree-sitter-wasm', 'web-tree-sitter'],
  // Benchmarks load their dev-dependency peers (transformers.js) by name at run time.
  allowNonLiteralImportIn: ['src/tools'],
  exactlyOneImporter: [
    { package: 'onnxruntime-node', importer: 'src/core/inference/onnx/ort.ts' },
    { package: 'tiktoken', importer: 'src/core/tokenize/tiktoken.ts' },
    { package: '@huggingface/tokenizers', importer: 'src/core/tokenize/huggingface.ts' },
    { package: '@vscode/tree-sitter-wasm', importer: 'src/core/syntax/runtime.ts' },
    { package: 'undici', importer: 'src/worker/httpTransport.ts' },
    // The TypeScript compiler (a devDependency) only for the evaluation's checker oracle, loaded there at run time.
    { package: 'typescript', importer: 'src/tools/eval/tsOracle.ts' },
  ],
  layers: { root: 'src/core', order: coreLayers },
  forbiddenImports: [
    { from: 'src/core', to: 'src/editor' },
    { from: 'src/core', to: 'src/worker' },
    { from: 'src/core', to: 'src/cli' },
    { from: 'src/core', to: 'src/tools' },
    { from: 'src/core', to: 'node:child_process' },
    { from: 'src/worker', to: 'src/editor' },
    { from: 'src/worker', to: 'vscode' },
    { from: 'src/cli', to: 'src/editor' },
    { from: 'src/cli', to: 'vscode' },
    { from: 'src/tools', to: 'src/editor' },
    { from: 'src/tools', to: 'vscode' },
  ],
  noUnresolvedImports: true,
};

test('the source tree keeps its architecture (layers, one importer per wrapped package, no vscode in core)', () => {
  const violations = checkArchitecture(buildImportGraph(repoRoot, ['src']), rules);
  assert.deepEqual(violations, [], formatViolations(violations));
});
