/** Types written in JSDoc (src/core/syntax/jsdoc.ts), and what the index makes of them in JavaScript. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { jsDocType, jsDocTypeTag } from '../../../../src/core/syntax/jsdoc';
import { fixtureWorkspace, indexOf, labels, membersAt } from '../index/helpers';

test('a JSDoc type expression reduces to the type it names: optional and nullable marks dropped, import("…").T is T, no type for any, objects or unions of two types', () => {
  assert.equal(jsDocType('ModuleGraph'), 'ModuleGraph');
  assert.equal(jsDocType('ModuleGraph='), 'ModuleGraph');
  assert.equal(jsDocType('?Chunk'), 'Chunk');
  assert.equal(jsDocType('Module | null'), 'Module');
  assert.equal(jsDocType('(undefined | Compilation)'), 'Compilation');
  assert.equal(jsDocType('import("./Compilation").Asset'), 'Asset');
  assert.equal(jsDocType('Set<Chunk>'), 'Set<Chunk>');
  assert.equal(jsDocType('Map<string, { a: number } | null>'), 'Map<string, { a: number } | null>');
  assert.equal(jsDocType('import("./Module")'), undefined);
  assert.equal(jsDocType('*'), undefined);
  assert.equal(jsDocType('any'), undefined);
  assert.equal(jsDocType('{ a: number }'), undefined);
  assert.equal(jsDocType('string | number'), undefined);
  assert.equal(jsDocTypeTag('@type {ChunkGraph | undefined}'), 'ChunkGraph');
  assert.equal(jsDocTypeTag('A map.\n@type {Map<string, {id: number}>}'), 'Map<string, {id: number}>');
});

test('JavaScript: a parameter typed by `@param {T}`, a call of a function documented `@returns {T}` and a field under `/** @type {T} */` resolve to T; TypeScript ignores JSDoc types, as its compiler does', async (t) => {
  const graph = 'class ModuleGraph {\n  getPreOrderIndex(module) {\n    return 0;\n  }\n  getIssuer(module) {}\n}\nmodule.exports = ModuleGraph;\n';
  const root = fixtureWorkspace(t, {
    'ModuleGraph.js': graph,
    'Module.js':
      "const ModuleGraph = require('./ModuleGraph');\n\n/**\n * @param {string} id the id\n * @returns {ModuleGraph | undefined} the graph\n */\nfunction graphOf(id) {\n  return undefined;\n}\n\nclass Module {\n  constructor() {\n    /** @type {ModuleGraph} */\n    this.graph = undefined;\n  }\n}\nmodule.exports = { graphOf };\n",
    'other.ts': 'export class Other {\n  unrelated(): void {}\n}\n',
  });
  const index = await indexOf(root);
  const head = "const ModuleGraph = require('./ModuleGraph');\n";
  const param = await membersAt(index, join(root, 'user.js'), `${head}/**\n * @param {ModuleGraph} moduleGraph the graph\n * @param {number} [depth] how deep\n */\nfunction walk(moduleGraph, depth) {\n  return moduleGraph.`);
  assert.equal(param?.resolvedBy, 'parameter');
  assert.ok(labels(param).includes('getPreOrderIndex'), labels(param).join(' '));
  const returned = await membersAt(index, join(root, 'user.js'), `const { graphOf } = require('./Module');\nfunction f() {\n  return graphOf('a').`);
  assert.ok(labels(returned).includes('getIssuer'), labels(returned).join(' '));
  const field = await membersAt(index, join(root, 'Module.js'), `${head}class Module {\n  constructor() {\n    /** @type {ModuleGraph} */\n    this.graph = undefined;\n  }\n  index() {\n    return this.graph.`);
  assert.ok(labels(field).includes('getPreOrderIndex'), labels(field).join(' '));
  // In TypeScript the JSDoc type is only a comment.
  const ts = await membersAt(index, join(root, 'user.ts'), "import { Other } from './other';\n/** @param {Other} g */\nfunction walk(g) {\n  return g.");
  assert.notEqual(ts?.resolvedBy, 'parameter');
  assert.ok(!labels(ts).includes('unrelated') || ts?.resolvedBy === 'similarity', `${ts?.resolvedBy}: ${labels(ts).join(' ')}`);
});
