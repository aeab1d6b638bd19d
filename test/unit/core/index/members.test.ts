/** Receiver resolution and member ranking at `recv.` on fixture projects (real syntax service). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fixtureWorkspace, indexOf, labels, membersAt, pyRoot, tsRoot } from './helpers';
import { parseReceiver } from '../../../../src/core/index/receivers';

test('parseReceiver: chains, calls, typed prefix', () => {
  const r = parseReceiver('x = self.repo.fi', 16)!;
  assert.equal(r.text, 'self.repo');
  assert.equal(r.prefix, 'fi');
  assert.deepEqual(r.chain.map((c) => c.name), ['self', 'repo']);
  const c = parseReceiver('new Vector(1, f(2)).', 20)!;
  assert.deepEqual(c.chain, [{ name: 'Vector', call: true, construct: true }]);
  assert.equal(parseReceiver('a = 1.5', 7), undefined);
  assert.equal(parseReceiver('x = y ', 6), undefined);
});

test('TypeScript receivers: constructor assignment, this, import alias, static class, default import, require', async () => {
  const index = await indexOf(tsRoot);
  const app = join(tsRoot, 'src/app.ts');
  const head = "import { Vector, plus } from '@lib/index';\nimport * as m from './lib/math';\nimport Logger from './lib/logger';\nconst u = require('./cjs/util');\n";
  const v = await membersAt(index, app, `${head}const v = new Vector(1, 2);\nv.`);
  assert.equal(v?.resolvedBy, 'constructor');
  assert.deepEqual(labels(v).sort(), ['length', 'scale', 'x', 'y'].sort(), 'a TypeScript instance has no static members');
  const mod = await membersAt(index, app, `${head}m.`);
  assert.equal(mod?.resolvedBy, 'import');
  assert.deepEqual(labels(mod).sort(), ['Vector', 'add']);
  const stat = await membersAt(index, app, `${head}Vector.`);
  assert.equal(labels(stat)[0], 'origin', 'static members first on the class');
  const self = await membersAt(index, app, `${head}class Shapes extends Vector {\n  area() {\n    return this.`);
  assert.equal(self?.resolvedBy, 'self');
  assert.ok(labels(self).includes('length') && labels(self).includes('area'), `inherited and own: ${labels(self)}`);
  const typed = await membersAt(index, app, `${head}function f(log: Logger) {\n  log.in`);
  assert.ok(typed?.resolvedBy === 'parameter' || typed?.resolvedBy === 'annotation', typed?.resolvedBy);
  assert.deepEqual(labels(typed), ['info'], 'typed prefix filters');
  const cjs = await membersAt(index, app, `${head}u.`);
  assert.deepEqual(labels(cjs).sort(), ['capitalize', 'slugify']);
  const field = await membersAt(index, app, `${head}class S {\n  private readonly log = new Logger();\n  run() { this.log.`);
  // A field initialized with a constructor: its class's members (the order between two unused methods is the ranking's call).
  assert.deepEqual(labels(field).sort(), ['info', 'warnOnce']);
});

test('Python receivers: self, self.attr from a constructor, module alias, classmethod, annotation, name similarity', async () => {
  const index = await indexOf(pyRoot);
  const tools = join(pyRoot, 'pkg/sub/tools.py');
  const head = 'from ..core import Engine, load_config as read_settings\n\n\n';
  const attr = await membersAt(index, tools, `${head}class Garage:\n    def __init__(self):\n        self.engine = Engine(3)\n\n    def open(self):\n        self.engine.`);
  assert.equal(attr?.resolvedBy, 'chain');
  assert.ok(labels(attr).includes('start') && labels(attr).includes('stop') && !labels(attr).includes('__init__'));
  const ann = await membersAt(index, tools, `${head}def run(e: Engine):\n    e.st`);
  assert.equal(ann?.resolvedBy, 'parameter');
  assert.deepEqual(labels(ann).sort(), ['start', 'stop']);
  const app = join(pyRoot, 'app.py');
  const mod = await membersAt(index, app, 'import pkg.sub.tools as t\nt.');
  assert.deepEqual(labels(mod).slice(0, 2).sort(), ['Garage', 'make_engine'], `own definitions before re-exported imports: ${labels(mod)}`);
  const ret = await membersAt(index, app, 'import pkg.sub.tools as t\ne = t.make_engine()\ne.');
  assert.ok(labels(ret).includes('start'), 'a function call → its return type');
  const sim = await membersAt(index, app, 'def f(engine):\n    engine.');
  assert.ok(sim?.resolvedBy === 'similarity' || sim?.resolvedBy === 'usage', sim?.resolvedBy); // tools.py calls `self.engine.start()`: usage co-occurrence
  assert.ok(labels(sim).includes('start'));
  // Where the result is used (at a statement's start a method returning nothing, `start`, fits as well).
  const cls = await membersAt(index, app, 'from pkg import Motor\nm = Motor.');
  assert.equal(labels(cls)[0], 'default', 'a classmethod first on the class');
});

test('ranking: usage similarity and the name echoed by the line decide between members', async () => {
  const index = await indexOf(pyRoot);
  const tools = join(pyRoot, 'pkg/sub/tools.py');
  const head = 'from ..core import Engine\n\n\n';
  const echo = await membersAt(index, tools, `${head}e = Engine(1)\nstopped = e.`);
  assert.equal(labels(echo)[0], 'stop');
  // tools.py's own `self.engine.start()` is a usage seen from other files.
  const app = join(pyRoot, 'app.py');
  const used = await membersAt(index, app, 'from pkg.core import Engine\nengine = Engine(1)\nengine.');
  assert.equal(labels(used)[0], 'start', `the member used elsewhere with this receiver ranks first: ${labels(used)}`);
});

test('a Python class that answers undeclared names (`__getattr__`, also inherited) offers its own members and then the project\'s, as the editor lists them; a plain class only its own', async (t) => {
  const root = fixtureWorkspace(t, {
    'hooks.py': 'class HookRelay:\n    def __init__(self, caller):\n        self._caller = caller\n\n    def __getattr__(self, name):\n        return getattr(self._caller, name)\n\n    def close(self):\n        pass\n\n\nclass PathAwareRelay(HookRelay):\n    pass\n\n\nclass Plain:\n    def run(self):\n        pass\n\n\nclass Config:\n    def __init__(self):\n        self.hook = PathAwareRelay(None)\n        self.plain = Plain()\n',
    'hookspec.py': 'def pytest_sessionstart(session):\n    """Called after the Session object has been created."""\n',
    'main.py': 'def wrap_session(config):\n    config.hook.pytest_sessionstart(session=None)\n',
  });
  const index = await indexOf(root);
  const head = 'from hooks import Config\n\n\ndef main(config: Config):\n    ';
  const relay = await membersAt(index, join(root, 'run.py'), `${head}config.hook.`);
  assert.equal(relay?.resolvedBy, 'chain');
  assert.deepEqual(relay?.target, { kind: 'class', uri: join(root, 'hooks.py'), name: 'PathAwareRelay', instance: true });
  assert.ok(labels(relay).includes('close') && labels(relay).includes('pytest_sessionstart'), labels(relay).join(' '));
  const resolved = (label: string) => relay?.items.find((i) => i.label === label)?.resolved;
  assert.deepEqual([resolved('close'), resolved('pytest_sessionstart')], [true, undefined], 'the class\'s own members are marked as the receiver\'s');
  const plain = await membersAt(index, join(root, 'run.py'), `${head}config.plain.`);
  assert.deepEqual(labels(plain), ['run']);
});

test('TypeScript private / protected members come after the reachable ones outside their class; inside it and on this they keep their place', async (t) => {
  const root = fixtureWorkspace(t, {
    'store.ts': 'export class Store {\n  private flushPending(): void {}\n  protected flushLater(): void {}\n  flush(): void {}\n  get(key: string): string { return key; }\n}\n',
  });
  const index = await indexOf(root);
  const app = join(root, 'app.ts');
  const head = "import { Store } from './store';\n";
  // The line says "flush pending": the private `flushPending` would echo it best, but code here cannot call it.
  const outside = await membersAt(index, app, `${head}function save(store: Store, pending: boolean) {\n  if (pending) store.`);
  assert.deepEqual(labels(outside).slice(0, 2).sort(), ['flush', 'get'], `reachable first: ${labels(outside)}`);
  assert.deepEqual(labels(outside).slice(2).sort(), ['flushLater', 'flushPending'], 'the others still listed, last');
  const cast = await membersAt(index, app, `${head}function save(store: Store, pending: boolean) {\n  if (pending) (store as any).`);
  assert.ok(labels(cast).indexOf('flushPending') < labels(cast).indexOf('flush'), `\`as any\` reaches in on purpose: ${labels(cast)}`);
  const sub = await membersAt(index, app, `${head}class Cached extends Store {\n  save(pending: boolean) {\n    if (pending) this.`);
  const at = (name: string) => labels(sub).indexOf(name);
  assert.ok(Math.min(at('flushLater'), at('flushPending')) < Math.max(at('flush'), at('get')), `on this, the ranking alone orders them: ${labels(sub)}`);
  // The class's own file, edited: another instance's private member is reachable inside the class.
  const same = await membersAt(index, join(root, 'store.ts'), 'export class Store {\n  private flushPending(): void {}\n  flush(): void {}\n  get(key: string): string { return key; }\n  merge(other: Store, pending: boolean) {\n    if (pending) other.');
  assert.notEqual(same?.resolvedBy, 'self');
  assert.ok(labels(same).indexOf('flushPending') < labels(same).indexOf('flush'), `inside the class, the ranking alone orders them: ${labels(same)}`);
});
