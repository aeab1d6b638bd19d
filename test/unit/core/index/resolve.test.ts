/** Import and receiver resolution per language, on fixture projects indexed with the real syntax service. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureWorkspace, indexOf, labels, membersAt, pyRoot, tsRoot } from './helpers';
import { IgnoreRules, parseJsonc, joinPath } from '../../../../src/core/index';
import { parseReceiver } from '../../../../src/core/index/receivers';

const ts = (p: string) => join(tsRoot, p);
const py = (p: string) => join(pyRoot, p);

test('TypeScript: relative paths, index files, tsconfig paths (JSONC), .js written for .ts', async () => {
  const index = await indexOf(tsRoot);
  const app = ts('src/app.ts');
  assert.equal(index.resolveImport(app, './lib/math'), ts('src/lib/math.ts'));
  assert.equal(index.resolveImport(app, './lib/math.js'), ts('src/lib/math.ts'));
  assert.equal(index.resolveImport(app, './lib'), ts('src/lib/index.ts'));
  assert.equal(index.resolveImport(app, '@lib/index'), ts('src/lib/index.ts'));
  assert.equal(index.resolveImport(app, '@lib/logger'), ts('src/lib/logger.ts'));
  assert.equal(index.resolveImport(app, 'react'), undefined);
  assert.deepEqual(parseJsonc('{"a": [1, 2,], // x\n "b": "//not a comment" /* y */}'), { a: [1, 2], b: '//not a comment' });
});

test('TypeScript: re-exports (star, renamed, default as), default exports, CommonJS', async () => {
  const index = await indexOf(tsRoot);
  const barrel = index.exportsOf(ts('src/lib/index.ts'));
  assert.ok(barrel.has('add') && barrel.has('Vector'), 'export * from');
  const plus = barrel.get('plus');
  assert.equal(plus?.kind === 'symbol' && plus.ref.symbol.name, 'add', 'export { add as plus }');
  const logger = barrel.get('Logger');
  assert.equal(logger?.kind === 'symbol' && logger.ref.symbol.kind, 'class', 'export { default as Logger }');
  assert.equal(barrel.has('default'), false, 'export * does not re-export default');
  const def = index.exportsOf(ts('src/lib/logger.ts')).get('default');
  assert.equal(def?.kind === 'symbol' && def.ref.symbol.name, 'Logger');
  const cjs = index.exportsOf(ts('src/cjs/util.js'));
  assert.ok(cjs.has('slugify') && cjs.has('capitalize'), [...cjs.keys()].join());
  // Bindings of the app's imports.
  const app = ts('src/app.ts');
  const vector = index.importedBinding(app, 'Vector');
  assert.equal(vector?.kind === 'symbol' && vector.ref.uri, ts('src/lib/math.ts'));
  assert.deepEqual(index.importedBinding(app, 'm'), { kind: 'module', uri: ts('src/lib/math.ts') });
  assert.deepEqual(index.importedBinding(app, 'u'), { kind: 'module', uri: ts('src/cjs/util.js') });
  const log = index.importedBinding(app, 'Logger');
  assert.equal(log?.kind === 'symbol' && log.ref.symbol.name, 'Logger');
});

test('Python: absolute and relative imports, packages, `from m import x as y`, `import a.b as c`, submodules', async () => {
  const index = await indexOf(pyRoot);
  const app = py('app.py');
  const tools = py('pkg/sub/tools.py');
  assert.equal(index.resolveImport(app, 'pkg'), py('pkg/__init__.py'));
  assert.equal(index.resolveImport(app, 'pkg.sub.tools'), tools);
  assert.equal(index.resolveImport(tools, '..core'), py('pkg/core.py'));
  assert.equal(index.resolveImport(tools, '.'), py('pkg/sub/__init__.py'));
  assert.equal(index.resolveImport(app, 'os.path'), undefined);
  assert.deepEqual(index.importedBinding(app, 't'), { kind: 'module', uri: tools }, 'import a.b as c');
  assert.deepEqual(index.importedBinding(app, 'tools'), { kind: 'module', uri: tools }, 'from pkg.sub import tools (a submodule)');
  assert.deepEqual(index.importedBinding(app, 'pkg'), { kind: 'module', uri: py('pkg/__init__.py') }, 'import pkg.core binds pkg');
  const motor = index.importedBinding(app, 'Motor');
  assert.equal(motor?.kind === 'symbol' && `${motor.ref.uri}:${motor.ref.symbol.name}`, `${py('pkg/core.py')}:Engine`, 'a re-export through __init__.py with an alias');
  const settings = index.importedBinding(tools, 'read_settings');
  assert.equal(settings?.kind === 'symbol' && settings.ref.symbol.name, 'load_config', 'from ..core import load_config as read_settings');
});

test('ignore rules: .gitignore semantics', () => {
  const rules = IgnoreRules.fromGitignore('/r', '# c\n*.log\n/build\ngen/\n!keep.log\nsrc/**/tmp\n');
  assert.equal(rules.ignores('/r/a/x.log'), true);
  assert.equal(rules.ignores('/r/keep.log'), false);
  assert.equal(rules.ignores('/r/build/a.ts'), true);
  assert.equal(rules.ignores('/r/src/build/a.ts'), false, 'anchored');
  assert.equal(rules.ignores('/r/x/gen/a.ts'), true);
  assert.equal(rules.ignores('/r/src/a/b/tmp/c.py'), true);
  assert.equal(rules.ignores('/r/src/a.py'), false);
  assert.equal(joinPath('file:///a/b', '../c/./d'), 'file:///a/c/d');
});

test('receivers: a chain broken over lines (`client\\n  .getCache()\\n  .`) resolves member by member, a field too', async () => {
  const text = 'const q = client\n  .getCache()\n  .';
  const chain = parseReceiver(text, text.length)!;
  assert.equal(chain.text, 'client.getCache()');
  assert.deepEqual(chain.chain.map((c) => c.name), ['client', 'getCache']);
  const index = await indexOf(tsRoot);
  const app = ts('src/app.ts');
  const head = "import { Vector } from './lib/math';\n";
  const broken = await membersAt(index, app, `${head}const v = new Vector(1, 2);\nconst w = v\n  .scale(2)\n  .`);
  assert.equal(broken?.resolvedBy, 'chain');
  assert.deepEqual(broken?.target, { kind: 'class', uri: ts('src/lib/math.ts'), name: 'Vector', instance: true });
  const field = await membersAt(index, app, `${head}class S {\n  v = new Vector(1, 2);\n  run() {\n    return this.v\n      .scale(2)\n      .`);
  assert.equal(field?.resolvedBy, 'chain');
  assert.deepEqual(field?.target, { kind: 'class', uri: ts('src/lib/math.ts'), name: 'Vector', instance: true });
});

test('receivers: a type alias of an object type is a receiver type like an interface (a factory returning it, a parameter typed by it)', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'tokenwise-typealias-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'src'));
  const scripts = join(root, 'src/scripts.ts');
  // Members after an arrow-typed property (`=>` closes no bracket), the alias not exported.
  writeFileSync(scripts, 'type Scripts<T extends { id: string } = { id: string }> = {\n  onDone: (\n    id: string,\n  ) => boolean\n  finish(): void;\n  fail(error: Error): void;\n  readonly pending: T[];\n};\n\nexport type Id = string | number;\n\nexport function createScripts(): Scripts {\n  return { finish() {}, fail() {}, pending: [] };\n}\n');
  const index = await indexOf(root);
  const app = join(root, 'src/app.ts');
  const head = "import { createScripts, type Id } from './scripts';\n";
  const made = await membersAt(index, app, `${head}const s = createScripts();\ns.`);
  assert.equal(made?.resolvedBy, 'constructor');
  assert.deepEqual(made?.target, { kind: 'class', uri: scripts, name: 'Scripts', instance: true });
  assert.deepEqual(labels(made).sort(), ['fail', 'finish', 'onDone', 'pending']);
  const typed = await membersAt(index, scripts, `${readFileSync(scripts, 'utf8')}function run(scripts: Scripts) {\n  scripts.`);
  assert.ok(typed?.resolvedBy === 'parameter' || typed?.resolvedBy === 'annotation', typed?.resolvedBy);
  assert.deepEqual(labels(typed).sort(), ['fail', 'finish', 'onDone', 'pending']);
  // A type alias that is no object type has no members: no receiver type.
  const union = await membersAt(index, app, `${head}function show(id: Id) {\n  id.`);
  assert.ok(!(union?.target.kind === 'class' && union.target.name === 'Id'), JSON.stringify(union?.target));
});

test('receivers: a variable assigned from a chain broken over lines takes the whole chain (`const e = client\\n  .getCache()\\n  .find()`)', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'tokenwise-rhs-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const lib = join(root, 'lib.ts');
  writeFileSync(lib, 'export class Entry {\n  touch(): void {}\n}\nexport class Cache {\n  find(): Entry {\n    return new Entry();\n  }\n}\nexport class Client {\n  getCache(): Cache {\n    return new Cache();\n  }\n}\n');
  const index = await indexOf(root);
  const e = await membersAt(index, join(root, 'app.ts'), "import { Client } from './lib';\nexport function f(client: Client) {\n  const e = client\n    .getCache()\n    .find();\n  e.");
  assert.deepEqual(e?.target, { kind: 'class', uri: lib, name: 'Entry', instance: true });
  assert.deepEqual(labels(e), ['touch']);
});

test('receivers: a call of a method declared to return `this` keeps the receiver\'s class (interface and class methods, one a base declares)', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'tokenwise-this-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const lib = join(root, 'lib.ts');
  writeFileSync(
    lib,
    'export interface Schema {\n  optional(): this;\n  describe(text: string): this;\n}\nexport interface Str extends Schema {\n  min(length: number, params?: { message: (n: number) => string }): this;\n  email(): Str;\n}\nexport function string(): Str {\n  return null as unknown as Str;\n}\nexport class Query {\n  where(column: string): this {\n    return this;\n  }\n  run(): void {}\n}\n',
  );
  const index = await indexOf(root);
  const app = join(root, 'app.ts');
  const fluent = await membersAt(index, app, "import { string, Query } from './lib';\nconst s = string().min(3).optional().");
  assert.deepEqual(fluent?.target, { kind: 'class', uri: lib, name: 'Str', instance: true });
  assert.deepEqual(labels(fluent).sort(), ['describe', 'email', 'min', 'optional']);
  const chained = await membersAt(index, app, "import { string, Query } from './lib';\nconst q = new Query().where('a');\nq.");
  assert.deepEqual(chained?.target, { kind: 'class', uri: lib, name: 'Query', instance: true });
});

test('receivers: a local of a block closed before the cursor (another function\'s const, a class field, an object key) does not shadow an import', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'tokenwise-scope-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const channel = join(root, 'channel.ts');
  const pipe = join(root, 'pipe.ts');
  writeFileSync(channel, 'export function pipeTo(): void {}\nexport function concatMap(): void {}\n');
  writeFileSync(pipe, 'export class Pipe {\n  drain(): void {}\n}\n');
  const index = await indexOf(root);
  const app = join(root, 'app.ts');
  const head = "import * as channel from './channel';\nimport { Pipe } from './pipe';\nclass Sink {\n  constructor(readonly channel: Pipe) {}\n}\nexport const make = () => {\n  const channel = new Pipe();\n  return { channel: channel };\n};\n";
  const outside = await membersAt(index, app, `${head}export const run = () => channel.`);
  assert.deepEqual(outside?.target, { kind: 'module', uri: channel });
  assert.deepEqual(labels(outside).sort(), ['concatMap', 'pipeTo']);
  // Inside the block that declares it, the local wins.
  const inside = await membersAt(index, app, `${head}export const other = () => {\n  const channel = new Pipe();\n  if (channel) {\n    channel.`);
  assert.deepEqual(inside?.target, { kind: 'class', uri: pipe, name: 'Pipe', instance: true });
});

test('receivers: a call of a constant bound to another name calls that (`const stringType = ZodString.create`, exported renamed)', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'tokenwise-alias-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const types = join(root, 'types.ts');
  writeFileSync(types, 'export class ZodString {\n  email(): ZodString {\n    return this;\n  }\n  static create = (params?: { coerce?: true }): ZodString => new ZodString();\n}\nexport function makeString(): ZodString {\n  return new ZodString();\n}\nconst stringType = ZodString.create;\nconst str = makeString;\nexport { stringType as string, str };\n');
  const index = await indexOf(root);
  const app = join(root, 'app.ts');
  const head = "import * as z from './types';\n";
  const viaStatic = await membersAt(index, app, `${head}const s = z.string();\ns.`);
  assert.deepEqual(viaStatic?.target, { kind: 'class', uri: types, name: 'ZodString', instance: true });
  assert.ok(labels(viaStatic).includes('email'));
  const viaFunction = await membersAt(index, app, `${head}z.str().`);
  assert.deepEqual(viaFunction?.target, { kind: 'class', uri: types, name: 'ZodString', instance: true });
});

test('receivers: a TypeScript namespace lists its functions and constants (`util.`), a merged interface + namespace is left as it is', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'tokenwise-namespace-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const util = join(root, 'util.ts');
  writeFileSync(util, 'export namespace util {\n  export type Key = string;\n  export function arrayToEnum(items: string[]): Record<string, string> {\n    return {};\n  }\n  export const objectKeys = (o: object): string[] => Object.keys(o);\n}\nexport interface Effect {\n  run(): void;\n}\nexport declare namespace Effect {\n  function succeed(): Effect;\n}\n');
  const index = await indexOf(root);
  const app = join(root, 'app.ts');
  const ns = await membersAt(index, app, "import { util } from './util';\nutil.");
  assert.deepEqual(ns?.target, { kind: 'class', uri: util, name: 'util', instance: false });
  assert.deepEqual(labels(ns).sort(), ['arrayToEnum', 'objectKeys']);
  assert.equal(index.exportsOf(util).has('arrayToEnum'), false, 'a namespace member is no export of the module');
  const merged = await membersAt(index, app, "import type { Effect } from './util';\nfunction f(e: Effect) {\n  e.");
  assert.deepEqual(labels(merged), ['run']);
});

test('receivers: a callback parameter of an array method takes the element type (`this.#observers.map((observer) => observer.`), not once the call is closed', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'tokenwise-callback-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const lib = join(root, 'lib.ts');
  writeFileSync(lib, 'export class QueryObserver {\n  getCurrentQuery(): void {}\n  refetch(): void {}\n}\n');
  const index = await indexOf(root);
  const app = join(root, 'app.ts');
  const head = "import { QueryObserver } from './lib';\nexport class QueriesObserver<\n  TResult = Array<QueryObserver>,\n> extends Base<TResult> {\n  #observers: Array<QueryObserver>\n  run(list: QueryObserver[]) {\n";
  const field = await membersAt(index, app, `${head}    return this.#observers.map((observer) => observer.`);
  assert.equal(field?.resolvedBy, 'loop');
  assert.deepEqual(field?.target, { kind: 'class', uri: lib, name: 'QueryObserver', instance: true });
  assert.deepEqual(labels(field).sort(), ['getCurrentQuery', 'refetch']);
  const param = await membersAt(index, app, `${head}    list.forEach((item, i) => {\n      item.`);
  assert.equal(param?.resolvedBy, 'loop');
  assert.deepEqual(param?.target, { kind: 'class', uri: lib, name: 'QueryObserver', instance: true });
  const closed = await membersAt(index, app, `${head}    list.forEach((item) => item.refetch());\n    item.`);
  assert.ok(!(closed?.target.kind === 'class' && closed.target.name === 'QueryObserver' && closed.resolvedBy === 'loop'), JSON.stringify(closed?.target));
});

test('receivers: a constant is what its written type says (`export const $ZodAny: core.$constructor<$ZodAny> = …` beside `interface $ZodAny`, `export const client: Client`)', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'tokenwise-valuetype-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const core = join(root, 'core.ts');
  const schemas = join(root, 'schemas.ts');
  writeFileSync(core, 'export interface $constructor<T> {\n  init(inst: T): void;\n  new (def: unknown): T;\n}\nexport function $constructor<T>(name: string): $constructor<T> {\n  return null as unknown as $constructor<T>;\n}\nexport class Client {\n  send(): void {}\n}\nexport const client: Client = new Client();\n');
  writeFileSync(schemas, "import * as core from './core';\nexport interface $ZodAny {\n  parse(x: unknown): unknown;\n}\nexport const $ZodAny: core.$constructor<$ZodAny> = core.$constructor('$ZodAny');\n");
  const index = await indexOf(root);
  const app = join(root, 'app.ts');
  const ctor = await membersAt(index, app, "import * as schemas from './schemas';\nschemas.$ZodAny.");
  assert.deepEqual(ctor?.target, { kind: 'class', uri: core, name: '$constructor', instance: true });
  assert.deepEqual(labels(ctor), ['init']);
  const typed = await membersAt(index, app, "import { client } from './core';\nclient.");
  assert.deepEqual(typed?.target, { kind: 'class', uri: core, name: 'Client', instance: true });
});

test('receivers: an indexed access type is its property\'s type (`serverSsr: NonNullable<Router[\'serverSsr\']>`)', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'tokenwise-indexed-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const lib = join(root, 'lib.ts');
  writeFileSync(lib, 'export interface ServerSsr {\n  cleanup(): void;\n  onCleanup(fn: () => void): void;\n}\nexport interface Router {\n  serverSsr?: ServerSsr;\n  load(): void;\n}\n');
  const index = await indexOf(root);
  const ssr = await membersAt(index, join(root, 'app.ts'), "import type { Router } from './lib';\nfunction finish(serverSsr: NonNullable<Router['serverSsr']>) {\n  serverSsr.");
  assert.ok(ssr?.resolvedBy === 'parameter' || ssr?.resolvedBy === 'annotation', ssr?.resolvedBy);
  assert.deepEqual(ssr?.target, { kind: 'class', uri: lib, name: 'ServerSsr', instance: true });
});

test('receivers (Python): an attribute annotated `self.cache: Optional[Cache] = None` is a Cache, also when a later assignment calls the class', async (t) => {
  const root = fixtureWorkspace(t, {
    'models.py': 'class Cache:\n    def put(self, item):\n        pass\n\n    def get(self):\n        pass\n',
    'client.py': 'from typing import Optional\nfrom models import Cache\n\n\nclass Client:\n    def __init__(self, lifespan):\n        self.cache: Optional[Cache] = None\n        self.spare: Optional["Cache"] = None\n        if lifespan:\n            self.cache = Cache()\n',
  });
  const index = await indexOf(root);
  const client = join(root, 'client.py');
  const text = readFileSync(client, 'utf8');
  for (const attr of ['cache', 'spare']) {
    const got = await membersAt(index, client, `${text}\n    def run(self):\n        self.${attr}.`);
    assert.deepEqual(got?.target, { kind: 'class', uri: join(root, 'models.py'), name: 'Cache', instance: true }, attr);
    assert.deepEqual(labels(got).sort(), ['get', 'put'], attr);
  }
});

test('receivers: an attribute assigned an untyped parameter (`self._p = provider`, `this.repo = repo`) is guessed from the parameter\'s name', async (t) => {
  const root = fixtureWorkspace(t, {
    'providers.py': 'class AbstractProvider:\n    def identify(self, requirement):\n        pass\n\n    def find_matches(self, identifier):\n        pass\n',
    'resolvers.py': 'class Resolution:\n    def __init__(self, provider, reporter):\n        self._p = provider\n        self._state = None\n',
    'repository.js': 'export class Repository {\n  find(id) {}\n  save(item) {}\n}\n',
    'service.js': 'export class Service {\n  constructor(repository) {\n    this.store = repository;\n  }\n}\n',
  });
  const index = await indexOf(root);
  const resolvers = join(root, 'resolvers.py');
  const py = await membersAt(index, resolvers, `${readFileSync(resolvers, 'utf8')}\n    def resolve(self):\n        self._p.`);
  assert.deepEqual(py?.target, { kind: 'class', uri: join(root, 'providers.py'), name: 'AbstractProvider', instance: true });
  assert.deepEqual(labels(py).slice(0, 2).sort(), ['find_matches', 'identify']);
  const service = join(root, 'service.js');
  const js = await membersAt(index, service, `${readFileSync(service, 'utf8').replace(/}\n$/, '')}  run() {\n    this.store.`);
  assert.deepEqual(js?.target, { kind: 'class', uri: join(root, 'repository.js'), name: 'Repository', instance: true });
  // Assigned None (no name): nothing to guess from.
  const none = await membersAt(index, resolvers, `${readFileSync(resolvers, 'utf8')}\n    def resolve(self):\n        self._state.`);
  assert.notEqual(none?.target.kind, 'class');
});

test('receivers (Python): a package\'s submodule its __init__ does not import is reached as `pkg.sub` (a base of the same name `class Translator(writers._base.Translator)`, a chain)', async (t) => {
  const root = fixtureWorkspace(t, {
    'top/__init__.py': '',
    'top/writers/__init__.py': 'class Writer:\n    pass\n',
    'top/writers/_base.py': 'class Translator:\n    def starttag(self, node):\n        pass\n\n\ndef escape(text):\n    pass\n',
    'top/writers/html.py': 'from top import writers\n\n\nclass Translator(writers._base.Translator):\n    pass\n',
  });
  const index = await indexOf(root);
  const html = join(root, 'top/writers/html.py');
  const inherited = await membersAt(index, html, 'from top import writers\n\n\nclass Translator(writers._base.Translator):\n    def visit(self, node):\n        self.');
  assert.ok(labels(inherited).includes('starttag'), labels(inherited).join());
  const chain = await membersAt(index, html, 'from top import writers\n\nwriters._base.');
  assert.deepEqual(chain?.target, { kind: 'module', uri: join(root, 'top/writers/_base.py') });
  assert.deepEqual(labels(chain).sort(), ['Translator', 'escape']);
});

test('receivers: a method returning another method\'s call (`min(n) { return this._addCheck(…) }`) returns what that returns; a method bound in the constructor keeps its body\'s return', async (t) => {
  const root = fixtureWorkspace(t, {
    'types.ts':
      'export class Caught {\n  removeCatch() {}\n}\nexport class Schema {\n  constructor() {\n    this.catch = this.catch.bind(this);\n  }\n  catch(value: unknown) {\n    return new Caught();\n  }\n}\n' +
      'export class Str extends Schema {\n  _addCheck(check: unknown) {\n    return new Str();\n  }\n  min(length: number) {\n    return this._addCheck({ kind: "min", length });\n  }\n  email() {}\n}\n',
    'models.py': 'class Query:\n    def _clone(self):\n        return Query()\n\n    def where(self, column):\n        return self._clone()\n\n    def run(self):\n        pass\n',
  });
  const index = await indexOf(root);
  const types = join(root, 'types.ts');
  const app = join(root, 'app.ts');
  const min = await membersAt(index, app, "import { Str } from './types';\nnew Str().min(2).");
  assert.deepEqual(min?.target, { kind: 'class', uri: types, name: 'Str', instance: true });
  assert.ok(labels(min).includes('email'), labels(min).join());
  const caught = await membersAt(index, app, "import { Str } from './types';\nnew Str().min(2).catch(1).");
  assert.deepEqual(caught?.target, { kind: 'class', uri: types, name: 'Caught', instance: true });
  const catchMember = index.membersOf(types, 'Schema').find((m) => m.symbol.name === 'catch');
  assert.equal(catchMember?.symbol.kind, 'method');
  const py = await membersAt(index, join(root, 'app.py'), 'from models import Query\n\nQuery().where("a").');
  assert.deepEqual(py?.target, { kind: 'class', uri: join(root, 'models.py'), name: 'Query', instance: true });
});

test('receivers: a module-level assignment above the enclosing function types the name (`logger = getLogger(__name__)`, `const cache = new Lru()`); an indented one does not', async (t) => {
  const root = fixtureWorkspace(t, {
    'log.py': 'class VerboseLogger:\n    def verbose(self, msg):\n        pass\n\n\ndef getLogger(name) -> VerboseLogger:\n    pass\n',
    'lru.ts': 'export class Lru {\n  evict(): void {}\n  touch(key: string): void {}\n}\n',
  });
  const index = await indexOf(root);
  const py = await membersAt(index, join(root, 'cmd.py'), 'from log import getLogger\n\nlogger = getLogger(__name__)\n\n\nclass Command:\n    def run(self):\n        logger.');
  assert.deepEqual(py?.target, { kind: 'class', uri: join(root, 'log.py'), name: 'VerboseLogger', instance: true });
  const ts = await membersAt(index, join(root, 'app.ts'), "import { Lru } from './lru';\nconst cache = new Lru();\n\nexport function get(key: string) {\n  cache.");
  assert.deepEqual(ts?.target, { kind: 'class', uri: join(root, 'lru.ts'), name: 'Lru', instance: true });
  const nested = await membersAt(index, join(root, 'cmd2.py'), 'from log import getLogger\n\n\ndef setup():\n    logger = getLogger(__name__)\n\n\ndef run():\n    logger.');
  assert.equal(py?.resolvedBy, 'constructor');
  // Another function's local: at most a guess by the name (logger ~ VerboseLogger), never an assignment.
  assert.ok(nested?.resolvedBy !== 'constructor' && nested?.resolvedBy !== 'assignment', nested?.resolvedBy);
});

test('Python: a workspace opened inside its package (`pip/_internal`) resolves the absolute imports of its own package (`pip._internal.utils.log`)', async (t) => {
  const root = fixtureWorkspace(t, {
    'pip/_internal/__init__.py': '',
    'pip/_internal/utils/__init__.py': '',
    'pip/_internal/utils/log.py': 'def getLogger(name):\n    pass\n',
    'pip/_internal/cli.py': 'from pip._internal.utils.log import getLogger\nfrom pip._internal.utils import log\n',
  });
  const workspace = join(root, 'pip/_internal');
  const index = await indexOf(workspace);
  const cli = join(workspace, 'cli.py');
  assert.equal(index.resolveImport(cli, 'pip._internal.utils.log'), join(workspace, 'utils/log.py'));
  assert.equal(index.resolveImport(cli, 'pip.other'), undefined);
  const b = index.bindingIn(cli, 'getLogger');
  assert.equal(b?.kind === 'symbol' && b.ref.uri, join(workspace, 'utils/log.py'));
});

test('receivers: a JavaScript class takes the types its declaration twin writes (`x.d.ts` beside `x.js`): fields, method returns, parameters', async (t) => {
  const root = fixtureWorkspace(t, {
    'inspector.js': 'export class GraphInspector {\n  inspectModules(modules) {}\n  registerPartial(err) {}\n}\n',
    'inspector.d.ts': 'export declare abstract class GraphInspector {\n  inspectModules(modules: unknown): void;\n  registerPartial(err: unknown): void;\n  abstract flush(): void;\n}\n',
    'loader.js': "export class InstanceLoader {\n  graphInspector;\n  constructor(graphInspector) {\n    this.graphInspector = graphInspector;\n  }\n  inspector() {\n    return this.graphInspector;\n  }\n}\n",
    'loader.d.ts': "import { GraphInspector } from './inspector.js';\nexport declare class InstanceLoader {\n  protected readonly graphInspector: GraphInspector;\n  constructor(graphInspector: GraphInspector);\n  inspector(): GraphInspector;\n  setInspector(inspector: GraphInspector): void;\n}\n",
  });
  const index = await indexOf(root);
  const loader = join(root, 'loader.js');
  const inspector = { kind: 'class', uri: join(root, 'inspector.js'), name: 'GraphInspector', instance: true };
  const head = readFileSync(loader, 'utf8').replace(/}\n$/, '');
  const field = await membersAt(index, loader, `${head}  run() {\n    this.graphInspector.`);
  assert.deepEqual(field?.target, inspector);
  // `flush` is abstract: only the declaration twin has it.
  assert.deepEqual(labels(field).sort(), ['flush', 'inspectModules', 'registerPartial']);
  const returned = await membersAt(index, loader, `${head}  run() {\n    this.inspector().`);
  assert.deepEqual(returned?.target, inspector);
  const param = await membersAt(index, loader, `${head}  setInspector(inspector) {\n    inspector.`);
  assert.equal(param?.resolvedBy, 'parameter');
  assert.deepEqual(param?.target, inspector);
});

test('receivers: optional chaining and non-null assertions access members (`router?.serverSsr?.`, `router!.serverSsr!.`, `const s = router?.serverSsr`)', async (t) => {
  const root = fixtureWorkspace(t, {
    'lib.ts': 'export interface ServerSsr {\n  onCleanup(fn: () => void): void;\n}\nexport interface Router {\n  serverSsr?: ServerSsr;\n  load(): void;\n}\n',
  });
  const index = await indexOf(root);
  const lib = join(root, 'lib.ts');
  const ssr = { kind: 'class', uri: lib, name: 'ServerSsr', instance: true };
  const app = join(root, 'app.ts');
  const head = "import type { Router } from './lib';\nexport function finish(router: Router | undefined) {\n";
  const chained = await membersAt(index, app, `${head}  router?.serverSsr?.`);
  assert.equal(chained?.receiver, 'router.serverSsr');
  assert.deepEqual(chained?.target, ssr);
  assert.deepEqual((await membersAt(index, app, `${head}  router!.serverSsr!.`))?.target, ssr);
  const assigned = await membersAt(index, app, `${head}  const serverSsr = router?.serverSsr\n  serverSsr.`);
  assert.deepEqual(assigned?.target, ssr);
  assert.deepEqual(labels(assigned), ['onCleanup']);
});

test('receivers: a type alias naming one generic class (`type AnyRouter = RouterCore<any, any>`) is that class; an alias of a union is not', async (t) => {
  const root = fixtureWorkspace(t, {
    'router.ts': 'export class RouterCore<TRoute, TOptions> {\n  navigate(to: string): void {}\n  load(): void {}\n}\nexport type AnyRouter = RouterCore<any, any>\nexport type Either = RouterCore<any, any> | string\n',
  });
  const index = await indexOf(root);
  const core = { kind: 'class', uri: join(root, 'router.ts'), name: 'RouterCore', instance: true };
  const app = join(root, 'app.ts');
  const param = await membersAt(index, app, "import type { AnyRouter } from './router';\nexport function go(router: AnyRouter) {\n  router.");
  assert.ok(param?.resolvedBy === 'parameter' || param?.resolvedBy === 'annotation', param?.resolvedBy);
  assert.deepEqual(param?.target, core);
  assert.deepEqual(labels(param).sort(), ['load', 'navigate']);
  const union = await membersAt(index, app, "import type { Either } from './router';\nexport function go(value: Either) {\n  value.");
  assert.ok(union?.resolvedBy !== 'parameter' && union?.resolvedBy !== 'annotation', union?.resolvedBy);
});

test('receivers: a parenthesized expression — a cast names its type (`(x as Admin).`), `(a ?? b).` is a, a Python operator is what the left operand\'s method returns (`(a | b).` → `__or__`)', async (t) => {
  const root = fixtureWorkspace(t, {
    'admin.ts': 'export class Admin {\n  keys(): string[] { return [] }\n  values(): number[] { return [] }\n}\nexport function lookup(): Admin | undefined { return undefined }\n',
    'core.py': 'class ParserElement:\n    def __or__(self, other) -> "ParserElement":\n        pass\n\n    def __add__(self, other) -> "And":\n        pass\n\n    def set_name(self, name) -> "ParserElement":\n        pass\n\n\nclass And(ParserElement):\n    def streamline(self):\n        pass\n\n\nclass Word(ParserElement):\n    pass\n',
  });
  const index = await indexOf(root);
  const admin = { kind: 'class', uri: join(root, 'admin.ts'), name: 'Admin', instance: true };
  const app = join(root, 'app.ts');
  const cast = await membersAt(index, app, "import { Admin } from './admin';\nexport function f(obj: unknown) {\n  return ((obj as any) as Admin).");
  assert.deepEqual(cast?.target, admin);
  assert.equal(cast?.resolvedBy, 'annotation');
  const doubled = await membersAt(index, app, "import { Admin } from './admin';\nexport function f(obj: unknown) {\n  return (obj as any as Admin).");
  assert.deepEqual(doubled?.target, admin);
  const coalesced = await membersAt(index, app, "import { Admin, lookup } from './admin';\nexport function f(fallback: Admin) {\n  return (lookup() ?? fallback).");
  assert.deepEqual(coalesced?.target, admin);
  assert.equal(coalesced?.resolvedBy, 'expression');
  // A cast to any says nothing about the operand; an arrow function or a comparison is no receiver of a class.
  const anyCast = await membersAt(index, app, "import { Admin } from './admin';\nexport function f(a: Admin) {\n  return (a as any).");
  assert.deepEqual(anyCast?.target, admin);
  const compared = await membersAt(index, app, "import { Admin } from './admin';\nexport function f(a: Admin, b: number) {\n  return (a < b).");
  assert.equal(compared?.target.kind, 'unknown');
  const element = { kind: 'class', uri: join(root, 'core.py'), name: 'ParserElement', instance: true };
  const grammar = join(root, 'grammar.py');
  const or = await membersAt(index, grammar, 'from core import Word\n\nword = Word()\nother = Word()\nexpr = (word | other).');
  assert.deepEqual(or?.target, element);
  assert.equal(or?.resolvedBy, 'expression');
  const added = await membersAt(index, grammar, 'from core import Word\n\nword = Word()\nexpr = (word + "x" + word).');
  assert.deepEqual(added?.target, { kind: 'class', uri: join(root, 'core.py'), name: 'And', instance: true });
  // The chain goes on after the parentheses, and a call inside them resolves too.
  const chained = await membersAt(index, grammar, 'from core import Word\n\nexpr = (Word() | Word()).set_name("w").');
  assert.deepEqual(chained?.target, element);
  const literal = await membersAt(index, grammar, 'from core import Word\n\nword = Word()\nexpr = ("x" + word).');
  assert.equal(literal?.target.kind, 'unknown');
});

test('receivers (Python): a parenthesized right-hand side over lines (`x = (\\n    Word()\\n    .copy()\\n)`, `n = (a | b).set_name("n")`), and a call of an instance is what its `__call__` returns', async (t) => {
  const root = fixtureWorkspace(t, {
    'core.py': 'class ParserElement:\n    def __or__(self, other) -> "ParserElement":\n        pass\n\n    def __call__(self, name=None) -> "ParserElement":\n        pass\n\n    def copy(self) -> "Word":\n        pass\n\n    def set_name(self, name) -> "ParserElement":\n        pass\n\n\nclass Word(ParserElement):\n    def widen(self):\n        pass\n',
  });
  const index = await indexOf(root);
  const element = { kind: 'class', uri: join(root, 'core.py'), name: 'ParserElement', instance: true };
  const word = { kind: 'class', uri: join(root, 'core.py'), name: 'Word', instance: true };
  const common = join(root, 'common.py');
  const overLines = await membersAt(index, common, 'from core import Word\n\n\nclass Common:\n    integer = (\n        Word()\n        .copy()\n    )\n    integer.');
  assert.deepEqual(overLines?.target, word);
  assert.equal(overLines?.resolvedBy, 'assignment');
  const chained = await membersAt(index, common, 'from core import Word\n\n\nclass Common:\n    real = Word()\n    integer = Word()\n    number = (real | integer).set_name("number")\n    number.');
  assert.deepEqual(chained?.target, element);
  const called = await membersAt(index, common, 'from core import Word\n\n\nclass Common:\n    integer = Word()\n    signed = integer().');
  assert.deepEqual(called?.target, element);
  assert.equal(called?.resolvedBy, 'constructor');
  // A function's call is not an instance's: no guess by its name.
  const fn = await membersAt(index, common, 'def make():\n    pass\n\nmake().');
  assert.equal(fn?.target.kind, 'unknown');
});

test('receivers: an interface\'s generic method (`refine<Ch extends (arg: T) => unknown>(check: Ch): …`) is a member; a conditional return type gives its last branch, an intersection its first type, an object type inside a return type does not cut it', async (t) => {
  const root = fixtureWorkspace(t, {
    'schemas.ts': [
      'export interface ZodType {',
      '  refine<Ch extends (arg: unknown) => unknown | Promise<unknown>>(',
      '    check: Ch,',
      '    params?: string',
      '  ): Ch extends (arg: any) => arg is infer R ? this & Narrowed<R> : this;',
      '  pick<M extends Mask<keyof Shape>>(mask: M): ZodObject<Flatten<Pick<Shape, keyof M>>, Config>;',
      '  partial(): ZodObject<',
      '    {',
      '      -readonly [k in keyof Shape]: ZodOptional<Shape[k]>;',
      '    },',
      '    Config',
      '  >;',
      '  parse(data: unknown): unknown;',
      '}',
      'export interface ZodObject extends ZodType {',
      '  strict(): this;',
      '}',
      'export declare function string(): ZodType;',
      '',
    ].join('\n'),
    'refine.ts': 'export interface Refinable<T> {\n  superRefine(refinement: (arg: T, ctx: Ctx<T>) => void, params?: Record<string, unknown>): this;\n}\n',
  });
  const index = await indexOf(root);
  const uri = join(root, 'schemas.ts');
  const members = index.membersOf(uri, 'ZodType').map((m) => m.symbol.name).sort();
  assert.deepEqual(members, ['parse', 'partial', 'pick', 'refine']);
  const refine = index.membersOf(uri, 'ZodType').find((m) => m.symbol.name === 'refine')!.symbol;
  assert.deepEqual(refine.params, ['check: Ch', 'params?: string']);
  // Commas inside a parameter's type do not split it.
  const pick = index.membersOf(uri, 'ZodType').find((m) => m.symbol.name === 'pick')!.symbol;
  assert.deepEqual(pick.params, ['mask: M']);
  const superRefine = index.membersOf(join(root, 'refine.ts'), 'Refinable').find((m) => m.symbol.name === 'superRefine')!.symbol;
  assert.deepEqual(superRefine.params, ['refinement: (arg: T, ctx: Ctx<T>) => void', 'params?: Record<string, unknown>']);
  const app = join(root, 'app.ts');
  const refined = await membersAt(index, app, "import { string } from './schemas';\nstring().refine((v) => !!v).");
  assert.deepEqual(refined?.target, { kind: 'class', uri, name: 'ZodType', instance: true });
  const picked = await membersAt(index, app, "import { string } from './schemas';\nstring().pick({ a: true }).");
  assert.deepEqual(picked?.target, { kind: 'class', uri, name: 'ZodObject', instance: true });
  const partial = await membersAt(index, app, "import { string } from './schemas';\nstring().partial().");
  assert.deepEqual(partial?.target, { kind: 'class', uri, name: 'ZodObject', instance: true });
});

test('receivers: outside any function, an imported namespace is not shadowed by a parameter of an arrow function that has ended (`(channel: Channel) => …` above `channel.`)', async (t) => {
  const root = fixtureWorkspace(t, {
    'channel.ts': 'export interface Channel {\n  pipe(): Channel;\n}\nexport function catchAll(f: unknown): unknown {\n  return f\n}\n',
  });
  const index = await indexOf(root);
  const app = join(root, 'sink.ts');
  const text = "import * as channel from './channel';\nimport type { Channel } from './channel';\nexport const fromChannel = (\n  channel: Channel\n): unknown => channel.pipe()\nexport const catching = dual(3, (self: unknown) => pipe(self, channel.";
  const found = await membersAt(index, app, text);
  assert.deepEqual(found?.target, { kind: 'module', uri: join(root, 'channel.ts') });
  assert.equal(found?.resolvedBy, 'import');
  // Inside the function that declares it, the parameter is the name.
  const inside = await membersAt(index, app, "import * as channel from './channel';\nimport type { Channel } from './channel';\nexport function fromChannel(channel: Channel) {\n  return channel.");
  assert.deepEqual(inside?.target, { kind: 'class', uri: join(root, 'channel.ts'), name: 'Channel', instance: true });
});

test('receivers: a callback parameter over a container of generic elements (`#observers: Array<Observer<T, E>>`), also after calls that keep the elements (`this.observers.slice().forEach((o) => o.`)', async (t) => {
  const root = fixtureWorkspace(t, {
    'observer.ts': 'export class Observer<T, E> {\n  onUpdate(): void {}\n}\n',
  });
  const index = await indexOf(root);
  const observer = { kind: 'class', uri: join(root, 'observer.ts'), name: 'Observer', instance: true };
  const app = join(root, 'query.ts');
  const head = "import { Observer } from './observer';\nexport class Query {\n  #observers: Array<Observer<any, any>> = []\n  observers: Observer<any, any>[] = []\n  addObserver(observer: Observer<string, Error>): void {\n    this.observers.push(observer)\n  }\n  dispatch() {\n";
  const privateField = await membersAt(index, app, `${head}    this.#observers.forEach((observer) => {\n      observer.`);
  assert.deepEqual(privateField?.target, observer);
  assert.equal(privateField?.resolvedBy, 'loop');
  const sliced = await membersAt(index, app, `${head}    this.observers.slice().forEach((observer) => {\n      observer.`);
  assert.deepEqual(sliced?.target, observer);
  assert.equal(sliced?.resolvedBy, 'loop');
  // A field type written over lines.
  const overLines = await membersAt(index, app, "import { Observer } from './observer';\nexport class Mutation {\n  #observers: Array<\n    Observer<any, any>\n  >\n  constructor() {\n    this.#observers = []\n  }\n  dispatch() {\n    this.#observers.forEach((observer) => {\n      observer.");
  assert.deepEqual(overLines?.target, observer);
  assert.equal(overLines?.resolvedBy, 'loop');
});

test('receivers: `this` in a function expression that types it (`function (this: Reaction) { this.`), and in an anonymous class expression (`return class extends ModuleRef {`) is its base', async (t) => {
  const root = fixtureWorkspace(t, {
    'reaction.ts': 'export class Reaction {\n  track(fn: () => void): void {}\n  dispose(): void {}\n}\n',
    'module-ref.js': 'export class ModuleRef {\n  resolvePerContext(token) {\n    return token\n  }\n}\n',
  });
  const index = await indexOf(root);
  const reaction = { kind: 'class', uri: join(root, 'reaction.ts'), name: 'Reaction', instance: true };
  const typed = await membersAt(index, join(root, 'autorun.ts'), "import { Reaction } from './reaction';\nexport function autorun(view: () => void) {\n  const reaction = new Reaction(\n    'name',\n    function (this: Reaction) {\n      this.");
  assert.deepEqual(typed?.target, reaction);
  assert.equal(typed?.resolvedBy, 'annotation');
  // Once that function has ended, `this` is the class's again.
  const after = await membersAt(index, join(root, 'view.ts'), "import { Reaction } from './reaction';\nexport class View {\n  render(): void {}\n  mount() {\n    const r = new Reaction(function (this: Reaction) { this.track(() => {}) })\n    this.");
  assert.equal(after?.target.kind === 'class' && after.target.name, 'View');
  const anonymous = await membersAt(index, join(root, 'module.js'), "import { ModuleRef } from './module-ref';\nexport class Module {\n  createModuleRef() {\n    const self = this;\n    return class extends ModuleRef {\n      resolve(token) {\n        return this.");
  assert.deepEqual(anonymous?.target, { kind: 'class', uri: join(root, 'module-ref.js'), name: 'ModuleRef', instance: true });
  assert.ok(labels(anonymous).includes('resolvePerContext'), labels(anonymous).join());
});

test('receivers: a name assigned a subscript (`dist = installed[name]`, `const part = parts[i]`) is not the container', async (t) => {
  const root = fixtureWorkspace(t, {
    'options.py': 'class OptionParser:\n    def parse_args(self, args):\n        pass\n\n\ndef make_parser() -> OptionParser:\n    pass\n',
    'parts.ts': 'export class Parts {\n  first(): void {}\n}\n',
  });
  const index = await indexOf(root);
  const py = await membersAt(index, join(root, 'show.py'), 'from options import make_parser\n\n\ndef show(name):\n    installed = make_parser()\n    dist = installed[name]\n    dist.');
  assert.ok(!(py?.target.kind === 'class' && py.target.name === 'OptionParser' && py.resolvedBy === 'assignment'), `${py?.resolvedBy} ${JSON.stringify(py?.target)}`);
  const whole = await membersAt(index, join(root, 'show.py'), 'from options import make_parser\n\n\ndef show(name):\n    installed = make_parser()\n    dist = installed\n    dist.');
  assert.equal(whole?.resolvedBy, 'assignment');
  const ts = await membersAt(index, join(root, 'app.ts'), "import { Parts } from './parts';\nexport function f(i: number) {\n  const parts = new Parts();\n  const part = parts[i];\n  part.");
  assert.ok(ts?.resolvedBy !== 'constructor' && ts?.resolvedBy !== 'assignment', ts?.resolvedBy);
});

test('receivers: what is assigned from a guessed receiver (`result = guessed.run()`) is labelled a guess, so the rest of the project stays among the candidates', async (t) => {
  const root = fixtureWorkspace(t, {
    'engine.py': 'class ParseResults:\n    def dump(self):\n        pass\n\n\nclass ParseException:\n    def explain(self):\n        pass\n\n\nclass ParserElement:\n    def run(self) -> ParseException:\n        pass\n',
  });
  const index = await indexOf(root);
  const text = 'from engine import ParserElement\n\n\ndef check(parser_element):\n    result = parser_element.run()\n    result.';
  const guessed = await membersAt(index, join(root, 'tests.py'), text);
  assert.deepEqual(guessed?.target, { kind: 'class', uri: join(root, 'engine.py'), name: 'ParseException', instance: true });
  assert.ok(guessed?.resolvedBy === 'similarity' || guessed?.resolvedBy === 'usage', guessed?.resolvedBy);
  // Known receivers keep their label.
  const known = await membersAt(index, join(root, 'tests.py'), 'from engine import ParserElement\n\n\ndef check():\n    result = ParserElement().run()\n    result.');
  assert.equal(known?.resolvedBy, 'assignment');
});

test('receivers: `with Manager(…) as name:` is what the manager\'s `__enter__` returns, else the manager (also when a base\'s returns self); `with open(…) as f` stays unresolved', async (t) => {
  const root = fixtureWorkspace(t, {
    'archive.py': 'class Closing:\n    def __enter__(self):\n        return self\n\n\nclass Archive(Closing):\n    def open(self, name):\n        pass\n\n\nclass Entry:\n    def read(self):\n        pass\n\n\nclass Session:\n    def __enter__(self) -> Entry:\n        pass\n',
  });
  const index = await indexOf(root);
  const archive = await membersAt(index, join(root, 'use.py'), 'from archive import Archive\n\n\ndef unpack(path):\n    with Archive(path) as zf:\n        zf.');
  assert.deepEqual(archive?.target, { kind: 'class', uri: join(root, 'archive.py'), name: 'Archive', instance: true });
  assert.equal(archive?.resolvedBy, 'assignment');
  const entered = await membersAt(index, join(root, 'use.py'), 'import archive\n\n\ndef unpack(path):\n    with open(path) as f, archive.Session() as entry:\n        entry.');
  assert.deepEqual(entered?.target, { kind: 'class', uri: join(root, 'archive.py'), name: 'Entry', instance: true });
  const builtin = await membersAt(index, join(root, 'use.py'), 'from archive import Archive\n\n\ndef unpack(path):\n    with open(path) as f:\n        f.');
  assert.ok(builtin?.resolvedBy !== 'assignment', builtin?.resolvedBy);
});

test('receivers: a Python class attribute assigned in the class body (`fnumber = (\\n Regex(…)\\n)`) is what its initialiser constructs, also from another file; a method\'s local is no attribute', async (t) => {
  const root = fixtureWorkspace(t, {
    'grammar.py': 'class Regex:\n    def run_tests(self, text):\n        pass\n\n\nclass Word:\n    def set_name(self, name):\n        pass\n\n\nclass common:\n    fnumber = (\n        Regex(r"[+-]?\\d+")\n        .set_name("fnumber")\n    )\n    integer = Word("0123456789")\n\n    def build(self):\n        local = Word("a")\n        return local\n',
  });
  const index = await indexOf(root);
  const regex = { kind: 'class', uri: join(root, 'grammar.py'), name: 'Regex', instance: true };
  assert.deepEqual((await membersAt(index, join(root, 'use.py'), 'from grammar import common\n\ncommon.fnumber.'))?.target, regex);
  assert.deepEqual((await membersAt(index, join(root, 'use.py'), 'import grammar\n\n\ndef f():\n    grammar.common.integer.'))?.target, { ...regex, name: 'Word' });
  assert.notEqual((await membersAt(index, join(root, 'use.py'), 'from grammar import common\n\ncommon.local.'))?.target.kind, 'class');
});

test('receivers: a documented export list (`export {\\n  /** … */\\n  _await as await\\n}`) exports its names, the comments are none', async (t) => {
  const root = fixtureWorkspace(t, {
    'Deferred.ts': 'export const make = (): number => 1\n\nconst _await = (n: number): number => n\n\nexport {\n  /**\n   * Waits, a, b.\n   */\n  _await as await,\n  // the line comment, too\n  make as create\n}\n',
  });
  const index = await indexOf(root);
  const names = labels(await membersAt(index, join(root, 'app.ts'), "import * as Deferred from './Deferred';\nDeferred."));
  assert.ok(names.includes('await') && names.includes('create'), names.join(' '));
  assert.ok(!names.some((n) => n.includes('*')), names.join(' '));
});

test('receivers: a subscript receiver is an element of its container (`self.items[0].` with `items: List[Token]`, `parts[i].` with `parts: Part[]`), a Python class\'s `__getitem__` result (`expr[1, ...].`)', async (t) => {
  const root = fixtureWorkspace(t, {
    'tokens.py': 'from typing import List\n\n\nclass Token:\n    def text(self):\n        pass\n\n\nclass Repeat:\n    def times(self):\n        pass\n\n\nclass Element:\n    def __getitem__(self, key) -> Repeat:\n        pass\n\n\nclass Stream:\n    def __init__(self):\n        self.items: List[Token] = []\n',
    'parts.ts': 'export class Part {\n  first(): void {}\n}\n',
  });
  const index = await indexOf(root);
  const token = { kind: 'class', uri: join(root, 'tokens.py'), name: 'Token', instance: true };
  const own = await membersAt(index, join(root, 'tokens.py'), readFileSync(join(root, 'tokens.py'), 'utf8') + '\n    def first(self):\n        return self.items[0].');
  assert.deepEqual(own?.target, token);
  const repeat = await membersAt(index, join(root, 'use.py'), 'from tokens import Element\n\n\ndef f():\n    expr = Element()\n    expr[1, ...].');
  assert.deepEqual(repeat?.target, { ...token, name: 'Repeat' });
  const ts = await membersAt(index, join(root, 'app.ts'), "import { Part } from './parts';\nexport function f(parts: Part[], i: number) {\n  parts[i].");
  assert.deepEqual(ts?.target, { kind: 'class', uri: join(root, 'parts.ts'), name: 'Part', instance: true });
  // The container itself is no element.
  const whole = await membersAt(index, join(root, 'app.ts'), "import { Part } from './parts';\nexport function f() {\n  const parts = new Part();\n  parts[0].");
  assert.notEqual(whole?.target.kind, 'class');
});

test('receivers: a name unpacked from a call that returns a written tuple (`loc, tokens = e.parse(…)` with `-> Tuple[int, Results]`, `const [a, b] = pair()` with `(): [A, B]`) is the element at its place', async (t) => {
  const root = fixtureWorkspace(t, {
    'engine.py': 'from typing import Tuple\n\n\nclass Results:\n    def as_list(self):\n        pass\n\n\nclass Element:\n    def parse(self, text) -> Tuple[int, "Results"]:\n        pass\n',
    'pair.ts': 'export class Left {\n  left(): void {}\n}\nexport class Right {\n  right(): void {}\n}\nexport function pair(): [first: Left, second: Right] {\n  return [new Left(), new Right()];\n}\n',
  });
  const index = await indexOf(root);
  const results = await membersAt(index, join(root, 'use.py'), 'from engine import Element\n\n\ndef f(text):\n    e = Element()\n    loc, tokens = e.parse(text)\n    tokens.');
  assert.deepEqual(results?.target, { kind: 'class', uri: join(root, 'engine.py'), name: 'Results', instance: true });
  // The first place is `int`: no class of the project.
  const loc = await membersAt(index, join(root, 'use.py'), 'from engine import Element\n\n\ndef f(text):\n    e = Element()\n    loc, tokens = e.parse(text)\n    loc.');
  assert.notEqual(loc?.resolvedBy, 'assignment');
  const right = await membersAt(index, join(root, 'app.ts'), "import { pair } from './pair';\nexport function f() {\n  const [, b] = pair();\n  b.");
  assert.deepEqual(right?.target, { kind: 'class', uri: join(root, 'pair.ts'), name: 'Right', instance: true });
});

test('receivers: a constant bound to an object literal lists its methods (`factories.`, also imported); they are not functions of the module', async (t) => {
  const root = fixtureWorkspace(t, {
    'factories.ts': 'export class Box<T> {\n  get(): T {\n    return this.value\n  }\n}\n\nexport const factories = {\n  box<T>(value: T): Box<T> {\n    return new Box(value)\n  },\n  array<T>(items: T[]): T[] {\n    return items\n  },\n}\n\nexport function create() {}\n',
  });
  const index = await indexOf(root);
  const use = join(root, 'use.ts');
  const members = await membersAt(index, use, "import { factories } from './factories'\nfactories.");
  assert.equal(members?.resolvedBy, 'import');
  assert.deepEqual(labels(members).sort(), ['array', 'box']);
  const chained = await membersAt(index, use, "import { factories } from './factories'\nfactories.box(1).");
  assert.deepEqual(labels(chained), ['get'], 'a method\'s written return type');
  const module = await membersAt(index, use, "import * as f from './factories'\nf.");
  assert.deepEqual(labels(module).sort(), ['Box', 'create', 'factories']);
});

test('receivers: the methods of an object literal in a class field are the field\'s (`this.handlers.`), not the class\'s; a nested object\'s are its key\'s (`api.users.`)', async (t) => {
  const root = fixtureWorkspace(t, {
    'a.ts': 'export class A {\n  handlers = {\n    onOpen() {},\n    onClose() {},\n  }\n  run() {}\n}\n',
    'api.ts': 'export const api = {\n  users: {\n    list() {},\n    remove(id: string) {},\n  },\n  ping() {},\n}\n',
  });
  const index = await indexOf(root);
  const own = await membersAt(index, join(root, 'a.ts'), 'export class A {\n  handlers = {\n    onOpen() {},\n    onClose() {},\n  }\n  run() {\n    this.');
  assert.deepEqual(labels(own).sort(), ['handlers', 'run']);
  const field = await membersAt(index, join(root, 'a.ts'), 'export class A {\n  handlers = {\n    onOpen() {},\n    onClose() {},\n  }\n  run() {\n    this.handlers.');
  assert.deepEqual(field?.target, { kind: 'class', uri: join(root, 'a.ts'), name: 'A.handlers', instance: true });
  assert.deepEqual(labels(field).sort(), ['onClose', 'onOpen']);
  const use = join(root, 'use.ts');
  assert.deepEqual(labels(await membersAt(index, use, "import { api } from './api'\napi.")).sort(), ['ping', 'users']);
  assert.deepEqual(labels(await membersAt(index, use, "import { api } from './api'\napi.users.")).sort(), ['list', 'remove']);
  assert.deepEqual(labels(await membersAt(index, use, "import { A } from './a'\nnew A().handlers.")).sort(), ['onClose', 'onOpen']);
});

test('receivers: a parameter typed by an intersection alias (`type CoordinatorRouter = AnyRouter & { _tx?: T }`) is an instance of its named part, with the object part\'s members its own', async (t) => {
  const root = fixtureWorkspace(t, {
    'router.ts': 'export class RouterCore<A, B> {\n  navigate(to: string) {}\n  emit(event: string) {}\n}\nexport type AnyRouter = RouterCore<any, any>\n',
    'load.ts': "import { AnyRouter } from './router'\ntype CoordinatorRouter = AnyRouter & {\n  /** Active lanes. */\n  _preloads?: Map<string, number>\n  _refresh?: boolean\n}\ntype Both = AnyRouter & Other<string>\ntype Loose = Omit<AnyRouter, 'emit'> & { extra: number }\nexport function offer(router: CoordinatorRouter) {\n  router.\n}\n",
  });
  const index = await indexOf(root);
  const load = join(root, 'load.ts');
  const members = await membersAt(index, load, "import { AnyRouter } from './router'\ntype CoordinatorRouter = AnyRouter & {\n  /** Active lanes. */\n  _preloads?: Map<string, number>\n  _refresh?: boolean\n}\nexport function offer(router: CoordinatorRouter) {\n  router.");
  assert.equal(members?.resolvedBy, 'annotation');
  assert.deepEqual(members?.target, { kind: 'class', uri: load, name: 'CoordinatorRouter', instance: true });
  assert.deepEqual(labels(members).sort(), ['_preloads', '_refresh', 'emit', 'navigate']);
  // Without an object type of its own an intersection is left as it was; `Omit<X, K>` is made from X.
  assert.deepEqual(index.file(load)!.bases, { CoordinatorRouter: ['AnyRouter'], Loose: ['AnyRouter'] });
});

test('receivers: a class field typed over several lines by an indexed access (`form: FieldApiOptions<\\n  T,\\n>[\'form\']`) resolves through the interface\'s bases, written after 50 lines of type parameters', async (t) => {
  const params = Array.from({ length: 50 }, (_, i) => `  in out T${i} extends undefined | Validate<T${i}>,`).join('\n');
  const root = fixtureWorkspace(t, {
    'form.ts': 'export class FormApi<T> {\n  getFieldValue(name: string) {}\n  setFieldValue(name: string, value: unknown) {}\n}\n',
    'field.ts': `import { FormApi } from './form'\ninterface FieldExtraOptions<T> {\n  form: FormApi<\n    T\n  >\n}\nexport interface FieldApiOptions<\n${params}\n> extends FieldExtraOptions<T0> {}\nexport class FieldApi<T> {\n  form: FieldApiOptions<\n    T,\n    T\n  >['form']\n  run() {}\n}\n`,
  });
  const index = await indexOf(root);
  const field = join(root, 'field.ts');
  const text = `${readFileSync(field, 'utf8').replace(/  run\(\) \{\}\n\}\n$/, '')}  run() {\n    this.form.`;
  const members = await membersAt(index, field, text);
  assert.deepEqual(members?.target, { kind: 'class', uri: join(root, 'form.ts'), name: 'FormApi', instance: true });
  assert.deepEqual(labels(members).sort(), ['getFieldValue', 'setFieldValue']);
  assert.equal(index.file(field)!.symbols.find((s) => s.name === 'form' && s.container === 'FieldApi')?.signature, "form: FieldApiOptions< T, T >['form']");
});

test('receivers: an imported module constant bound to `new Foo()` (`export const focusManager = new FocusManager()`) is an instance of Foo', async (t) => {
  const root = fixtureWorkspace(t, {
    'focus.ts': 'export class FocusManager {\n  isFocused(): boolean {\n    return true\n  }\n  setFocused(focused: boolean) {}\n}\nexport const focusManager = new FocusManager()\nexport const typed: FocusManager = make()\n',
  });
  const index = await indexOf(root);
  const members = await membersAt(index, join(root, 'client.ts'), "import { focusManager } from './focus'\nfocusManager.");
  assert.equal(members?.resolvedBy, 'import');
  assert.deepEqual(members?.target, { kind: 'class', uri: join(root, 'focus.ts'), name: 'FocusManager', instance: true });
  assert.deepEqual(labels(members).sort(), ['isFocused', 'setFocused']);
});

test('receivers: a constant bound to `new Foo().chain()` is not a Foo (ohm: `export const IndentationSensitive = new Builder().newGrammar(…).build()`)', async (t) => {
  const root = fixtureWorkspace(t, {
    'b.ts': 'export class Builder {\n  newGrammar(name: string) {\n    return this\n  }\n  build() {}\n}\nexport const made = new Builder()\nexport const built = new Builder()\n  .newGrammar("x")\n  .build()\n',
  });
  const index = await indexOf(root);
  const symbols = index.file(join(root, 'b.ts'))!.symbols;
  assert.equal(symbols.find((s) => s.name === 'made')?.valueType, 'Builder');
  assert.equal(symbols.find((s) => s.name === 'built')?.valueType, undefined);
});

test('receivers: a Python module-level instance imported elsewhere (`settings = Settings()`, `from .config import settings`) is an instance of the class; not when assigned twice or through a chain', async (t) => {
  const root = fixtureWorkspace(t, {
    'pkg/__init__.py': '',
    'pkg/config.py': 'class Settings:\n    def reload(self):\n        pass\n\n    def value(self, key):\n        return key\n\n\nsettings = Settings(debug=True)\ntwice = Settings()\ntwice = Settings()\nchained = Settings().value("k")\n',
  });
  const index = await indexOf(root);
  const members = await membersAt(index, join(root, 'pkg', 'app.py'), 'from .config import settings\n\nsettings.');
  assert.equal(members?.resolvedBy, 'import');
  assert.deepEqual(members?.target, { kind: 'class', uri: join(root, 'pkg', 'config.py'), name: 'Settings', instance: true });
  assert.deepEqual(labels(members).sort(), ['reload', 'value']);
  const symbols = index.file(join(root, 'pkg', 'config.py'))!.symbols;
  assert.equal(symbols.find((s) => s.name === 'twice')?.valueType, undefined);
  assert.equal(symbols.find((s) => s.name === 'chained')?.valueType, undefined);
});

test('receivers: members assigned to a class\'s prototype at the top level (knex: `TableCompiler.prototype.pushQuery = pushQuery;`) are the class\'s, and a subclass reaches them through this.', async (t) => {
  const root = fixtureWorkspace(t, {
    'helpers.js': 'function pushQuery(query) {\n  this.sequence.push(query)\n}\nmodule.exports = { pushQuery }\n',
    'tablecompiler.js':
      "const { pushQuery } = require('./helpers')\nclass TableCompiler {\n  create() {\n    this.pushQuery('create')\n  }\n}\nTableCompiler.prototype.pushQuery = pushQuery;\nTableCompiler.prototype.unshiftQuery = function (query, extra) {\n  this.sequence.unshift(query)\n};\nTableCompiler.prototype.lowerCase = true;\nTableCompiler.prototype.create = function () {};\nOther.prototype.ignored = function () {};\nif (TableCompiler.prototype.lowerCase === true) {}\nmodule.exports = TableCompiler\n",
  });
  const index = await indexOf(root);
  const symbols = index.file(join(root, 'tablecompiler.js'))!.symbols.filter((s) => s.container === 'TableCompiler');
  assert.deepEqual(symbols.map((s) => `${s.name}:${s.kind}`).sort(), ['create:method', 'lowerCase:attribute', 'pushQuery:method', 'unshiftQuery:method']);
  assert.deepEqual(symbols.find((s) => s.name === 'unshiftQuery')?.params, ['query', 'extra']);
  const members = await membersAt(index, join(root, 'mssql.js'), "const TableCompiler = require('./tablecompiler')\nclass TableCompiler_MSSQL extends TableCompiler {\n  drop() {\n    this.");
  assert.equal(members?.resolvedBy, 'self');
  assert.ok(['pushQuery', 'unshiftQuery', 'create'].every((m) => labels(members).includes(m)), labels(members).join(' '));
  // The class still open at the cursor (the parser gives no declaration of it) keeps its base, in TypeScript too.
  const open = await membersAt(index, join(root, 'local.ts'), 'class Local {\n  create(): void {}\n}\nexport class Sub extends Local {\n  drop(): void {\n    this.');
  assert.ok(labels(open).includes('create'), labels(open).join(' '));
});

test('CommonJS: every key of `module.exports = { … }` is exported — past a documented method\'s body, comments and strings (eslint\'s ast-utils), `key: local` renamed, spreads and values with no declaration give none', async (t) => {
  const root = fixtureWorkspace(t, {
    'ast-utils.js':
      "const LINEBREAKS = new Set(['\\r\\n', '\\n']);\nfunction isCommentToken(token) {\n  return token.type === 'Line';\n}\nfunction negate(f) { return (t) => !f(t); }\nconst lineBreakPattern = /\\r\\n|\\n/u;\nmodule.exports = {\n  LINEBREAKS,\n  LINEBREAK_MATCHER: lineBreakPattern,\n\n  /**\n   * Determines whether two adjacent tokens are on the same line. {curly}\n   */\n  isTokenOnSameLine(left, right) {\n    return left.loc.end.line === right.loc.start.line;\n  },\n  // a comment, with a comma, and a } brace\n  isCommentToken,\n  isNotCommentToken: negate(isCommentToken),\n  'quoted-key': 1,\n  \"label\": '}, notAKey',\n  ...require('./more'),\n  getFunctionNameWithKind(node) {\n    const parts = [];\n    if (node.async) { parts.push('async'); }\n    return parts.join(' ');\n  },\n};\n",
    'rule.js': "const astUtils = require('./ast-utils');\nfunction check(token) {\n  return astUtils.",
  });
  const index = await indexOf(root);
  const exported = index.exportsOf(join(root, 'ast-utils.js'));
  assert.deepEqual([...exported.keys()].sort(), ['LINEBREAKS', 'LINEBREAK_MATCHER', 'getFunctionNameWithKind', 'isCommentToken', 'isTokenOnSameLine'].sort());
  const renamed = exported.get('LINEBREAK_MATCHER');
  assert.equal(renamed?.kind === 'symbol' && renamed.ref.symbol.name, 'lineBreakPattern');
  const members = await membersAt(index, join(root, 'rule.js'), "const astUtils = require('./ast-utils');\nfunction check(token) {\n  return astUtils.");
  assert.equal(members?.resolvedBy, 'import');
  assert.ok(['isTokenOnSameLine', 'getFunctionNameWithKind', 'isCommentToken'].every((m) => labels(members).includes(m)), labels(members).join(' '));
});

test('CommonJS: a class that replaces the exports (`module.exports = Template; module.exports.N = 1`) is what require gives, with the added names as static members; `X.Y = class …` beside a class is a static member; a function that replaces them keeps its added names as the module\'s', async (t) => {
  const root = fixtureWorkspace(t, {
    'Template.js': 'class Template {\n  static indent(s) {\n    return s;\n  }\n  static asString(s) {\n    return String(s);\n  }\n}\nmodule.exports = Template;\nmodule.exports.NUMBER_OF_CHARS = 54;\nmodule.exports.toIdentifier = function (name) {\n  return name;\n};\n',
    'ConstDependency.js': "class ConstDependency {\n  constructor(expression) {\n    this.expression = expression;\n  }\n}\nConstDependency.Template = class ConstDependencyTemplate {\n  apply(dep) {}\n};\nConstDependency.create = (expression) => new ConstDependency(expression);\nmodule.exports = ConstDependency;\n",
    'debug.js': 'function debug(name) {\n  return name;\n}\nfunction enable(names) {}\nmodule.exports = debug;\nmodule.exports.enable = enable;\n',
  });
  const index = await indexOf(root);
  const template = await membersAt(index, join(root, 'plugin.js'), "const Template = require('./Template');\nconst ConstDependency = require('./ConstDependency');\nfunction render(s) {\n  return Template.");
  assert.deepEqual(labels(template).sort(), ['NUMBER_OF_CHARS', 'asString', 'indent', 'toIdentifier']);
  const statics = index.file(join(root, 'Template.js'))!.symbols.filter((s) => s.container === 'Template' && s.static);
  assert.deepEqual(statics.map((s) => `${s.name}:${s.kind}`).sort(), ['NUMBER_OF_CHARS:attribute', 'asString:method', 'indent:method', 'toIdentifier:method']);
  const dependency = await membersAt(index, join(root, 'plugin.js'), "const ConstDependency = require('./ConstDependency');\nfunction render(s) {\n  return new ConstDependency.");
  assert.ok(['Template', 'create'].every((m) => labels(dependency).includes(m)), labels(dependency).join(' '));
  const debug = await membersAt(index, join(root, 'app.js'), "const debug = require('./debug');\ndebug.");
  assert.ok(labels(debug).includes('enable'), labels(debug).join(' '));
});

test('CommonJS: a named class expression that replaces the exports (`module.exports = class QueryBuilder_PostgreSQL extends QueryBuilder {`) is a class of its file with its base, what require gives, and takes the names added to the exports as statics', async (t) => {
  const root = fixtureWorkspace(t, {
    'query/querybuilder.js': 'class Builder {\n  withWrapped(alias) {\n    return this;\n  }\n  _validateWithArgs(alias) {}\n}\nmodule.exports = Builder;\n',
    'dialects/pg-querybuilder.js': "const QueryBuilder = require('../query/querybuilder.js');\n\nmodule.exports = class QueryBuilder_PostgreSQL extends QueryBuilder {\n  updateFrom(name) {\n    return this;\n  }\n};\nmodule.exports.dialect = 'pg';\n",
  });
  const index = await indexOf(root);
  const record = index.file(join(root, 'dialects/pg-querybuilder.js'))!;
  assert.deepEqual(record.bases, { QueryBuilder_PostgreSQL: ['QueryBuilder'] });
  assert.ok(record.symbols.some((s) => s.name === 'QueryBuilder_PostgreSQL' && s.kind === 'class' && !s.container));
  assert.ok(record.symbols.some((s) => s.name === 'dialect' && s.container === 'QueryBuilder_PostgreSQL' && s.static));
  const inherited = await membersAt(index, join(root, 'dialects/pg-querybuilder.js'), "const QueryBuilder = require('../query/querybuilder.js');\n\nmodule.exports = class QueryBuilder_PostgreSQL extends QueryBuilder {\n  using(tables) {\n    this.");
  assert.equal(inherited?.resolvedBy, 'self');
  assert.ok(['_validateWithArgs', 'withWrapped'].every((m) => labels(inherited).includes(m)), labels(inherited).join(' '));
  const required = await membersAt(index, join(root, 'client.js'), "const QB = require('./dialects/pg-querybuilder');\nconst qb = new QB();\nqb.");
  assert.ok(['updateFrom', 'withWrapped'].every((m) => labels(required).includes(m)), labels(required).join(' '));
});

test('receivers: a class declared inside a function (a test\'s `class ProcessHandler(RequestHandler):` in a method) keeps its bases, so self. lists what they declare; a top-level class of the same name keeps its own', async (t) => {
  const root = fixtureWorkspace(t, {
    'web.py': 'class RequestHandler:\n    def get_argument(self, name, default=None):\n        return default\n\n    def write(self, chunk):\n        pass\n',
    'test_process.py': 'from web import RequestHandler\n\n\nclass Base:\n    def base_only(self):\n        pass\n\n\nclass Handler(Base):\n    pass\n\n\nclass ProcessTest:\n    def get_app(self):\n        class ProcessHandler(RequestHandler):\n            def get(self):\n                pass\n\n        class Handler(RequestHandler):\n            pass\n\n        return ProcessHandler\n',
  });
  const index = await indexOf(root);
  assert.deepEqual(index.file(join(root, 'test_process.py'))!.bases, { Handler: ['Base'], ProcessHandler: ['RequestHandler'] });
  const members = await membersAt(index, join(root, 'test_process.py'), 'from web import RequestHandler\n\n\nclass ProcessTest:\n    def get_app(self):\n        class ProcessHandler(RequestHandler):\n            def get(self):\n                if self.');
  assert.equal(members?.resolvedBy, 'self');
  assert.ok(['get_argument', 'write'].every((m) => labels(members).includes(m)), labels(members).join(' '));
});

test('receivers (Python): a class attribute holding an imported module (`class Parser:` / `ast = ast`) makes `self.ast.` that module; one holding a class or a literal does not', async (t) => {
  const root = fixtureWorkspace(t, {
    'fea/__init__.py': '',
    'fea/ast.py': 'class Comment:\n    pass\n\n\nclass GlyphName:\n    pass\n\n\ndef asFea(x):\n    return x\n',
    'fea/parser.py': 'import fea.ast as ast\nfrom fea.ast import Comment\n\n\nclass Parser:\n    ast = ast\n    Kind = Comment\n    name = "x"\n\n    def parse(self):\n        return self.ast.Comment()\n',
  });
  const index = await indexOf(root);
  assert.deepEqual(index.file(join(root, 'fea/parser.py'))!.attrTypes, { 'Parser.ast': 'ast' });
  const members = await membersAt(index, join(root, 'fea/parser.py'), 'import fea.ast as ast\n\n\nclass Parser:\n    ast = ast\n\n    def parse(self):\n        return self.ast.');
  assert.ok(['Comment', 'GlyphName', 'asFea'].every((m) => labels(members).includes(m)), `${members?.resolvedBy}: ${labels(members).join(' ')}`);
});

test("Python `from m import *` takes m's `__all__` where it has a literal one (underscore names too), else every name without a leading underscore", async (t) => {
  const root = fixtureWorkspace(t, {
    'pkg/__init__.py': 'from .core import *\nfrom .extras import *\nfrom .computed import *\n',
    'pkg/core.py': "import os\n\n__all__ = [\n    'Engine',  # the one class\n    '_boot',\n]\n__all__ += ['start']\n\n\nclass Engine:\n    pass\n\n\ndef _boot():\n    pass\n\n\ndef start():\n    pass\n\n\ndef helper():\n    pass\n",
    'pkg/extras.py': 'def tool():\n    pass\n\n\ndef _hidden():\n    pass\n',
    'pkg/computed.py': "from . import extras\n\n__all__ = extras.__all__ + ['wired']\n\n\ndef wired():\n    pass\n\n\ndef loose():\n    pass\n",
  });
  const index = await indexOf(root);
  const listed = labels(await membersAt(index, join(root, 'app.py'), 'import pkg\npkg.'));
  for (const name of ['Engine', '_boot', 'start', 'tool', 'wired', 'loose']) assert.ok(listed.includes(name), `${name} in ${listed}`);
  for (const name of ['helper', 'os', '_hidden']) assert.ok(!listed.includes(name), `${name} not in ${listed}`);
});

test('a class declared in a function that extends another one declared there reaches both bases (a test\'s handlers)', async (t) => {
  const root = fixtureWorkspace(t, {
    'web.py': 'class RequestHandler:\n    def finish(self, chunk=None):\n        pass\n',
    'test_web.py': 'from web import RequestHandler\n\n\nclass WebTest:\n    def get_handlers(self):\n        class CurrentUserHandler(RequestHandler):\n            def prepare(self):\n                pass\n\n        class WithoutUserHandler(CurrentUserHandler):\n            def get(self):\n                pass\n\n        return [WithoutUserHandler]\n',
  });
  const index = await indexOf(root);
  const text = 'from web import RequestHandler\n\n\nclass WebTest:\n    def get_handlers(self):\n        class CurrentUserHandler(RequestHandler):\n            def prepare(self):\n                pass\n\n        class WithoutUserHandler(CurrentUserHandler):\n            def get(self):\n                self.';
  const listed = labels(await membersAt(index, join(root, 'test_web.py'), text));
  for (const name of ['prepare', 'finish']) assert.ok(listed.includes(name), `${name} in ${listed}`);
});
