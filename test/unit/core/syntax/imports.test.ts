import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImportInfo } from '../../../../src/core/syntax';
import { doc, fixture, service } from './fixtures';

const brief = (i: ImportInfo) =>
  `${i.form} ${i.module}${i.relative ? ' (relative)' : ''}${i.sideEffect ? ' (side effect)' : ''}${i.typeOnly ? ' (type)' : ''}: ` +
  i.names.map((n) => `${n.kind}:${n.name}${n.alias ? ' as ' + n.alias : ''}${n.local && n.local !== (n.alias ?? n.name) ? ' local ' + n.local : ''}`).join(', ');

test('Python imports: import a.b [as c], from . import x as y, relative packages, star', async () => {
  assert.deepEqual((await service.imports(fixture('sample.py'))).map(brief), [
    'import os.path: module:os.path as osp',
    'import sys: module:sys',
    'import numpy.linalg: module:numpy.linalg local numpy',
    'from . (relative): named:x as y',
    'from ..pkg.mod (relative): named:a, named:b as c',
    'from m: star:*',
  ]);
  const future = await service.imports(doc('from __future__ import annotations\n', 'python'));
  assert.deepEqual(future.map(brief), ['from __future__: named:annotations']);
});

test('TypeScript / JavaScript imports: default, named, aliases, namespace, type-only, side effect, require, re-exports, dynamic', async () => {
  assert.deepEqual((await service.imports(fixture('sample.ts'))).map(brief), [
    'es react: default:default as React, named:useState as useS, named:useMemo',
    'es node:path: namespace:* as path',
    'es ./options (relative) (type): named:Options',
    'es ./polyfill (relative) (side effect): ',
    'require fs: namespace:* as fs',
    'export-from ./helper (relative): named:helper as help',
    'export-from ../all (relative): star:*',
    'require node:fs/promises: named:readFile, named:writeFile as write',
    'require lodash: namespace:* as lodash',
    'dynamic ./lazy (relative): ',
  ]);
  const cjs = await service.imports(doc("require('./setup');\nconst { a } = require('x').nested;\nconst b = require('y').b;\n", 'javascript'));
  assert.deepEqual(cjs.map(brief), ['require ./setup (relative) (side effect): ', 'require x: ', 'require y: named:b']);
});

test('Java, Go and Rust imports', async () => {
  assert.deepEqual((await service.imports(fixture('sample.java'))).map(brief), [
    'import java.util: named:List',
    'import java.lang.Math: named:max',
    'import java.io: star:*',
  ]);
  assert.deepEqual((await service.imports(fixture('sample.go'))).map(brief), [
    'import fmt: module:fmt',
    'import strings: module:strings as str',
    'import math: star:*',
    'import embed (side effect): ',
  ]);
  assert.deepEqual((await service.imports(fixture('sample.rs'))).map(brief), [
    'use std::collections: named:HashMap',
    'use crate::util (relative): named:parse, named:render as draw',
    'use crate::util::extra (relative): star:*',
    'use serde: module:serde',
  ]);
});
