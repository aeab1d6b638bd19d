/** Member completion on fixture workspaces (issue 14): ranking features fitted on dev repositories (mixins through self, the file's own earlier calls, predicates in conditions, delegation), bases behind nested generics, parenthesized receivers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fixtureWorkspace, indexOf, labels, membersAt } from './helpers';
import { withoutTypeArguments } from '../../../../src/core/index/extract';
import { rankWeights } from '../../../../src/core/index/ranking';

const mixinFiles = {
  'yamlish/__init__.py': '',
  'yamlish/reader.py': 'class Reader:\n    def peek(self, index=0):\n        return self.buffer[index]\n\n    def forward(self, length=1):\n        self.pointer += length\n',
  'yamlish/scanner.py': 'class Scanner:\n    def check_token(self):\n        return True\n\n    def scan_plain(self):\n        return 1\n',
  'yamlish/loader.py': 'from .reader import Reader\nfrom .scanner import Scanner\n\n\nclass Loader(Reader, Scanner):\n    def __init__(self, stream):\n        Reader.__init__(self)\n',
  'yamlish/emitter.py': 'class Emitter:\n    def emit(self, event):\n        pass\n',
};

test('mixins: inside a class combined with others (`class Loader(Reader, Scanner)`) that calls on self what it lacks, self. offers the partners\' members', async (t) => {
  const root = fixtureWorkspace(t, mixinFiles);
  const index = await indexOf(root);
  const scanner = join(root, 'yamlish/scanner.py');
  const text = 'class Scanner:\n    def check_token(self):\n        self.forward()\n        return True\n\n    def scan_plain(self):\n        ch = self.';
  const self = await membersAt(index, scanner, text);
  assert.equal(self?.resolvedBy, 'self');
  assert.ok(labels(self).includes('peek') && labels(self).includes('forward'), `Reader's members through the Loader that combines them: ${labels(self)}`);
  assert.ok(self!.items.find((i) => i.label === 'peek')!.inherited, 'a mixin partner\'s member counts as inherited');
  assert.ok(!self!.items.find((i) => i.label === 'check_token')!.inherited);
  // A class nobody combines gets nothing extra.
  // Reader's file calls on self only what Reader has: it relies on no partner.
  const reader = await membersAt(index, join(root, 'yamlish/reader.py'), 'class Reader:\n    def forward(self, length=1):\n        pass\n\n    def peek(self, index=0):\n        self.forward()\n        return self.');
  assert.deepEqual(labels(reader).sort(), ['forward', 'peek']);
  const emitter = join(root, 'yamlish/emitter.py');
  const alone = await membersAt(index, emitter, 'class Emitter:\n    def emit(self, event):\n        self.');
  assert.deepEqual(labels(alone), ['emit']);
});

const serviceFiles = {
  'svc/__init__.py': '',
  'svc/cache.py':
    'class Cache:\n    def find(self, key):\n        return None\n\n    def find_all(self, prefix):\n        return []\n\n    def build(self, key):\n        return 1\n\n    def is_stale(self, key):\n        return False\n\n    def refresh(self, key):\n        pass\n',
  'svc/users.py': 'from .cache import Cache\n\n\ndef lookup(cache: Cache, key):\n    return cache.find(key)\n\n\ndef lookup_again(cache: Cache, key):\n    return cache.find(key)\n',
};

test('the file\'s own earlier calls on the same receiver raise a member (calls, not other receivers)', async (t) => {
  const root = fixtureWorkspace(t, serviceFiles);
  const index = await indexOf(root);
  const client = join(root, 'svc/client.py');
  const head = 'from .cache import Cache\n\n\ndef a(cache: Cache):\n    cache.build(1)\n    cache.build(2)\n\n\ndef b(cache: Cache):\n    x = 1\n    ';
  const repeated = await membersAt(index, client, `${head}cache.`);
  const feature = repeated!.items.find((i) => i.label === 'build')!.features;
  assert.ok(feature.fileReceiverCalls > 0 && feature.fileRecent > 0, JSON.stringify(feature));
  // The same calls on another receiver name do not count as calls on this one.
  const other = await membersAt(index, client, `${head.replaceAll('cache.build', 'store.build')}cache.`);
  assert.equal(other!.items.find((i) => i.label === 'build')!.features.fileReceiverCalls, 0);
  const score = (c: typeof other) => c!.items.find((i) => i.label === 'build')!.score;
  assert.ok(score(repeated) > score(other), `called twice above on \`cache\`: ${score(repeated)} vs ${score(other)}`);
  const thrice = await membersAt(index, client, `${head}cache.build(3)\n    cache.`);
  assert.equal(labels(thrice)[0], 'build', `called three times above on \`cache\`, last on the line before: ${labels(thrice)}`);
});

test('a predicate ranks higher in a condition than in a plain statement', async (t) => {
  const root = fixtureWorkspace(t, serviceFiles);
  const index = await indexOf(root);
  const client = join(root, 'svc/client.py');
  const head = 'from .cache import Cache\n\n\ndef f(c: Cache, key):\n    ';
  const cond = await membersAt(index, client, `${head}if c.`);
  const plain = await membersAt(index, client, `${head}c.`);
  assert.ok(labels(cond).indexOf('is_stale') <= 1 && labels(cond).indexOf('is_stale') < labels(plain).indexOf('is_stale'), `${labels(cond)} vs ${labels(plain)}`);
  assert.equal(cond!.items.find((i) => i.label === 'is_stale')!.features.predicate, 1);
  assert.equal(plain!.items.find((i) => i.label === 'is_stale')!.features.predicate, -1);
  const negated = await membersAt(index, client, `${head}while not c.`);
  assert.equal(negated!.items.find((i) => i.label === 'is_stale')!.features.predicate, 1);
});

test('the enclosing function\'s name is read (delegation: `def refresh_all(...)` → `refresh`), also in an unfinished body', async (t) => {
  const root = fixtureWorkspace(t, serviceFiles);
  const index = await indexOf(root);
  const client = join(root, 'svc/client.py');
  const r = await membersAt(index, client, 'from .cache import Cache\n\n\nclass Client:\n    def refresh_key(self, c: Cache, key):\n        c.');
  assert.equal(r!.items.find((i) => i.label === 'refresh')!.features.enclosing, 1);
  assert.equal(r!.items.find((i) => i.label === 'build')!.features.enclosing, 0);
});

test('the fitted weights are the default: file history, conditions, the enclosing and assigned names count, data members and unawaited promises weigh against', () => {
  for (const name of ['fileSimilar', 'fileReceiver', 'fileReceiverCalls', 'enclosing', 'predicate', 'assigned', 'awaited', 'nearShape', 'transition', 'transitionAny'] as const) assert.ok(rankWeights[name] > 0, name);
  for (const name of ['data', 'unawaitedAsync'] as const) assert.ok(rankWeights[name] < 0, name);
});

const configFiles = {
  'cfg/config.ts':
    'export class AppConfig {\n  getGlobalPrefix(): string { return ""; }\n  getRouteConflictPolicy(): string { return ""; }\n  getRouteResolutionStrategy(): string { return ""; }\n  getVersioning(): number { return 1; }\n  async loadRemote(): Promise<void> {}\n  reset(): void {}\n}\n',
};

test('the assigned name\'s words (`const resolutionStrategy = config.`) rank the member that says them first; `key: config.` and `key=` count too', async (t) => {
  const root = fixtureWorkspace(t, configFiles);
  const index = await indexOf(root);
  const app = join(root, 'cfg/app.ts');
  const head = 'import { AppConfig } from "./config";\n\nexport function f(config: AppConfig) {\n  ';
  const assigned = await membersAt(index, app, `${head}const resolutionStrategy = config.`);
  assert.equal(labels(assigned)[0], 'getRouteResolutionStrategy', labels(assigned).join(' '));
  assert.equal(assigned!.items.find((i) => i.label === 'getRouteResolutionStrategy')!.features.assigned, 1);
  assert.equal(assigned!.items.find((i) => i.label === 'getVersioning')!.features.assigned, 0);
  const property = await membersAt(index, app, `${head}return { versioning: config.`);
  assert.equal(property!.items.find((i) => i.label === 'getVersioning')!.features.assigned, 1);
  // A comparison is no assignment.
  const compared = await membersAt(index, app, `${head}if (versioning === config.`);
  assert.equal(compared!.items.find((i) => i.label === 'getVersioning')!.features.assigned, 0);
});

test('after `await` a promise-returning member is expected, elsewhere not; the members just used on the receiver lend their shape', async (t) => {
  const root = fixtureWorkspace(t, configFiles);
  const index = await indexOf(root);
  const app = join(root, 'cfg/app.ts');
  const head = 'import { AppConfig } from "./config";\n\nexport async function f(config: AppConfig) {\n  ';
  const awaited = await membersAt(index, app, `${head}await config.`);
  assert.equal(labels(awaited)[0], 'loadRemote', labels(awaited).join(' '));
  assert.equal(awaited!.items.find((i) => i.label === 'reset')!.features.awaited, -1);
  const plain = await membersAt(index, app, `${head}config.`);
  assert.equal(plain!.items.find((i) => i.label === 'loadRemote')!.features.unawaitedAsync, 1);
  assert.equal(plain!.items.find((i) => i.label === 'loadRemote')!.features.awaited, 0);
  const shaped = await membersAt(index, app, `${head}const p = config.getGlobalPrefix();\n  const c = config.getRouteConflictPolicy();\n  config.`);
  const shape = (label: string) => shaped!.items.find((i) => i.label === label)!.features.nearShape;
  assert.ok(shape('getRouteResolutionStrategy') > shape('reset'), `${shape('getRouteResolutionStrategy')} vs ${shape('reset')}`);
});

test('withoutTypeArguments: nested type parameters and arguments, arrow types inside', () => {
  assert.equal(withoutTypeArguments('<T extends A<B> = A<B>> extends C<T> {'), ' extends C {');
  assert.equal(withoutTypeArguments('<F extends (x: number) => void> implements D<F> {'), ' implements D {');
});

test('TypeScript: bases read past nested generics (`interface S<T extends I<u> = I<u>> extends Base<T>`), and a parenthesized receiver gets the fallback list', async (t) => {
  const root = fixtureWorkspace(t, {
    'src/base.ts': 'export interface Base<T> {\n  optional(): T;\n  describe(text: string): T;\n}\n',
    'src/str.ts':
      "import type { Base } from './base';\nexport interface Internals<U> { value: U }\nexport interface Str<T extends Internals<unknown> = Internals<unknown>>\n  extends Base<T> {\n  trim(): Str<T>;\n}\nexport class Box<K extends Map<string, Set<number>>> implements Base<K> {\n  optional(): K { return undefined as never; }\n  describe(t: string): K { return undefined as never; }\n  open(): void {}\n}\nexport function str(): Str { return undefined as never; }\n",
  });
  const index = await indexOf(root);
  const app = join(root, 'src/app.ts');
  const s = await membersAt(index, app, "import { str } from './str';\nconst s = str();\ns.");
  assert.deepEqual(labels(s).sort(), ['describe', 'optional', 'trim'], 'own and inherited through the generic header');
  assert.deepEqual(index.file(join(root, 'src/str.ts'))?.bases, { Str: ['Base'], Box: ['Base'] });
  // Arithmetic on an object says nothing of a class (`(a || b).` is a's: resolve.test.ts).
  const paren = await membersAt(index, app, "import { str } from './str';\nconst x = (str() + 1).");
  assert.equal(paren?.resolvedBy, 'none');
  assert.equal(paren?.receiver, '(str()+1)');
});

test('import cycles: each module\'s exports are worked out once per lookup, not once per import path', async (t) => {
  // Seven modules each importing a name from every other one (Python packages do this under TYPE_CHECKING).
  const files: Record<string, string> = { 'cyc/__init__.py': '' };
  const n = 7;
  for (let i = 0; i < n; i++) {
    const imports = [...Array(n).keys()].filter((j) => j !== i).map((j) => `from .m${j} import f${j}`).join('\n');
    files[`cyc/m${i}.py`] = `${imports}\n\n\ndef f${i}():\n    return 1\n\n\nclass C${i}(C${(i + 1) % n}):\n    def run${i}(self):\n        pass\n`;
  }
  const root = fixtureWorkspace(t, files);
  const index = await indexOf(root);
  const exportsOf = index.exportsOf.bind(index);
  let calls = 0;
  index.exportsOf = (uri, seen) => {
    calls++;
    return exportsOf(uri, seen);
  };
  const r = await membersAt(index, join(root, 'cyc/app.py'), 'from .m0 import C0\n\n\ndef f(c: C0):\n    c.');
  assert.ok(labels(r).includes('run0') && labels(r).includes('run3'), labels(r).join());
  assert.ok(calls < 400, `${calls} export computations`);
});

test('parameters named like the identifiers just written, a doc that says the code before, and definitions next to the members just used count', async (t) => {
  const root = fixtureWorkspace(t, {
    'kv/store.py':
      'class Store:\n    def get(self, key):\n        """Read one entry."""\n        return None\n\n    def put(self, key, value):\n        pass\n\n    def keys(self):\n        return []\n\n    def compact(self):\n        pass\n\n' +
      '    def a(self):\n        pass\n\n    def b(self):\n        pass\n\n    def c(self):\n        pass\n\n    def d(self):\n        pass\n\n    def e(self):\n        pass\n\n    def far_away(self):\n        """Read one entry from far away."""\n        pass\n',
  });
  const index = await indexOf(root);
  const app = join(root, 'kv/app.py');
  const r = await membersAt(index, app, 'from .store import Store\n\n\ndef f(store: Store):\n    key = "k"\n    store.compact()\n    # read one entry\n    store.');
  const feature = (label: string) => r!.items.find((i) => i.label === label)!.features;
  assert.equal(feature('get').paramEcho, 1);
  assert.equal(feature('put').paramEcho, 0.5);
  assert.equal(feature('keys').paramEcho, 0);
  assert.ok(feature('get').docEcho > 0 && feature('keys').docEcho === 0, JSON.stringify([feature('get'), feature('keys')]));
  // `compact` was just used: `keys` (defined right above it) is nearer than `far_away`.
  assert.ok(feature('keys').defNear > feature('far_away').defNear, `${feature('keys').defNear} vs ${feature('far_away').defNear}`);
  assert.equal(feature('compact').defNear, 0, 'a member is not near itself');
});

test('a typed prefix the name starts with outweighs the context: `group = box.g` offers get_value before make_group (whose later word starts with g)', async (t) => {
  const root = fixtureWorkspace(t, { 'bx/box.py': 'class Box:\n    def get_value(self):\n        return 1\n\n    def make_group(self):\n        return []\n' });
  const index = await indexOf(root);
  const r = await membersAt(index, join(root, 'bx/app.py'), 'from .box import Box\n\n\ndef f(box: Box):\n    group = box.g');
  assert.deepEqual(labels(r), ['get_value', 'make_group'], 'both match g (make_group by its second word), the name that starts with it first');
  assert.ok(r!.items[1]!.features.assigned > 0, 'make_group says the assigned name');
});

test('a TypeScript instance lists no static members; the class lists them; a Python instance still reaches class methods', async (t) => {
  const root = fixtureWorkspace(t, {
    'st/point.ts': 'export class Point {\n  static origin(): Point { return new Point(); }\n  move(dx: number): void {}\n}\n',
    'st/point.py': 'class Point:\n    @classmethod\n    def origin(cls):\n        return cls()\n\n    def move(self, dx):\n        pass\n',
  });
  const index = await indexOf(root);
  const instance = await membersAt(index, join(root, 'st/app.ts'), 'import { Point } from "./point";\n\nconst p = new Point();\np.');
  assert.deepEqual(labels(instance), ['move']);
  const cls = await membersAt(index, join(root, 'st/app.ts'), 'import { Point } from "./point";\n\nPoint.');
  assert.ok(labels(cls).includes('origin'), labels(cls).join(' '));
  const py = await membersAt(index, join(root, 'st/app.py'), 'from .point import Point\n\np = Point()\np.');
  assert.deepEqual(labels(py).sort(), ['move', 'origin']);
});

const streamFiles = {
  'io/stream.py':
    'class Stream:\n    def open(self):\n        pass\n\n    def peek(self):\n        pass\n\n    def read(self) -> bytes:\n        return b""\n\n    def close(self):\n        pass\n\n    def seek(self, n):\n        pass\n',
  // Other code opens a stream, then reads it (and once seeks first): the call bigram open → read; peek is called more, in code that looks more like the cursor's, never right after open.
  'io/users.py':
    'from .stream import Stream\n\n\ndef load(src: Stream):\n    src.open()\n    src.read()\n    src.close()\n\n\ndef load_again(stream: Stream):\n    stream.open()\n    stream.read()\n\n\ndef skip(st: Stream):\n    st.open()\n    st.seek(3)\n',
  'io/done.py':
    'from .stream import Stream\n\n\ndef f(x: Stream):\n    x.peek()\n\n\ndef g(x: Stream):\n    x.peek()\n\n\ndef h(x: Stream):\n    x.peek()\n',
};

test('the API call bigram: after `s.open()` the member other code calls next on an opened receiver (`read`) is expected; only the other files count', async (t) => {
  const root = fixtureWorkspace(t, streamFiles);
  const index = await indexOf(root);
  const app = join(root, 'io/app.py');
  const opened = await membersAt(index, app, 'from .stream import Stream\n\n\ndef f(x: Stream):\n    x.open()\n    x.');
  const feature = (r: typeof opened, label: string) => r!.items.find((i) => i.label === label)!.features;
  assert.ok(feature(opened, 'read').transition > feature(opened, 'seek').transition && feature(opened, 'seek').transition > 0, JSON.stringify([feature(opened, 'read'), feature(opened, 'seek')]));
  assert.equal(feature(opened, 'close').transition, 0, 'close follows read, never open');
  assert.ok(labels(opened).indexOf('read') < labels(opened).indexOf('peek'), labels(opened).join(' '));
  // Nothing called on this receiver yet: no bigram.
  const fresh = await membersAt(index, app, 'from .stream import Stream\n\n\ndef f(x: Stream):\n    y.open()\n    x.');
  assert.equal(feature(fresh, 'read').transition, 0);
  // The file being edited does not count its own indexed calls (the evaluation hides them): users.py itself sees none of its own.
  const own = await membersAt(index, join(root, 'io/users.py'), 'from .stream import Stream\n\n\ndef g(x: Stream):\n    x.open()\n    x.');
  assert.equal(feature(own, 'read').transition, 0, JSON.stringify(feature(own, 'read')));
  // After read, close (best over the members called here: transitionAny also sees open → read).
  const read = await membersAt(index, app, 'from .stream import Stream\n\n\ndef f(x: Stream):\n    x.open()\n    x.read()\n    x.');
  assert.ok(feature(read, 'close').transition > 0 && feature(read, 'read').transition === 0 && feature(read, 'read').transitionAny > 0, JSON.stringify(feature(read, 'close')));
});

test('the assigned name also ends a run-together name: `group = parser.` → getgroup', async (t) => {
  const root = fixtureWorkspace(t, { 'opt/parser.py': 'class Parser:\n    def addoption(self, name):\n        pass\n\n    def getgroup(self, name):\n        pass\n' });
  const index = await indexOf(root);
  const r = await membersAt(index, join(root, 'opt/app.py'), 'from .parser import Parser\n\n\ndef f(parser: Parser):\n    group = parser.');
  assert.equal(r!.items.find((i) => i.label === 'getgroup')!.features.assigned, 1);
  assert.equal(labels(r)[0], 'getgroup');
});

const resultFiles = {
  'store/__init__.py': '',
  'store/table.py': 'class Table:\n    def insert(self, row):\n        """Adds a row."""\n        self.rows.append(row)\n\n    def count(self):\n        return len(self.rows)\n\n    def drop(self):\n        raise NotImplementedError\n',
  'store/use.py': 'from .table import Table\n\n\ndef g(t: Table):\n    t.insert(1)\n',
  'web/server.ts': 'export class Server {\n  listen(port: number): void {}\n  address(): string { return ""; }\n  close() {\n    this.closed = true;\n  }\n}\n',
};

test('where the call opens a statement, a member that returns nothing fits and one that returns a value does not; where the result is used, the other way round', async (t) => {
  const root = fixtureWorkspace(t, resultFiles);
  const index = await indexOf(root);
  const use = join(root, 'store/use.py');
  const head = 'from .table import Table\n\n\ndef f(t: Table):\n    ';
  const feature = (r: Awaited<ReturnType<typeof membersAt>>, label: string) => r!.items.find((i) => i.label === label)!.features;
  const dropped = await membersAt(index, use, `${head}t.`);
  assert.equal(feature(dropped, 'insert').statement, 1);
  assert.equal(feature(dropped, 'insert').voidDropped, 1, 'insert returns nothing (read from its body)');
  assert.equal(feature(dropped, 'count').voidDropped, 0);
  assert.equal(feature(dropped, 'drop').voidDropped, 0, 'an abstract stub is not known to return nothing');
  const used = await membersAt(index, use, `${head}n = t.`);
  assert.equal(feature(used, 'insert').statement, 0);
  assert.equal(feature(used, 'insert').voidUsed, 1);
  assert.equal(feature(used, 'count').voidUsed, 0);
  const continued = await membersAt(index, use, `${head}total = (1 +\n        t.`);
  assert.equal(feature(continued, 'insert').statement, 0, 'a line carrying an expression on');
  const afterBlock = await membersAt(index, use, `${head}if True:\n        t.`);
  assert.equal(feature(afterBlock, 'insert').statement, 1, 'the first line of a block');
  const app = join(root, 'web/app.ts');
  const tsHead = 'import { Server } from "./server";\n\nexport function f(s: Server) {\n  ';
  const ts = await membersAt(index, app, `${tsHead}s.`);
  assert.equal(feature(ts, 'listen').voidDropped, 1, 'declared void');
  assert.equal(feature(ts, 'close').voidDropped, 1, 'a body without a value');
  assert.equal(feature(ts, 'address').valueDropped, 1, 'declared string');
  const tsUsed = await membersAt(index, app, `${tsHead}const a = s.`);
  assert.equal(feature(tsUsed, 'listen').voidUsed, 1);
  assert.equal(feature(tsUsed, 'address').valueDropped, 0);
});

const coUsageFiles = {
  'kit/__init__.py': '',
  // Defined next to the calls they do not go with (definitions near the members just used count too).
  'kit/api.py': 'def close():\n    pass\n\n\ndef parse(text):\n    return text\n\n\ndef render(tree):\n    return tree\n\n\ndef connect(url):\n    return url\n\n\ndef flush():\n    pass\n',
  // A file that parses and renders also flushes; one that connects also closes.
  // (Flushed and closed first: no call bigram leads from what app.py calls to them.)
  'kit/page.py': 'from kit import api\n\n\ndef show(text):\n    api.flush()\n    api.render(api.parse(text))\n',
  'kit/net.py': 'from kit import api\n\n\ndef talk(url):\n    api.close()\n    api.connect(url)\n',
};

test('co-usage: the member called by the other files that call what this file calls (parse, render → flush; connect → close), the rarer shared calls weighing more', async (t) => {
  const root = fixtureWorkspace(t, coUsageFiles);
  const index = await indexOf(root);
  const app = join(root, 'kit/app.py');
  const feature = (r: Awaited<ReturnType<typeof membersAt>>, label: string) => r!.items.find((i) => i.label === label)!.features;
  const parsed = await membersAt(index, app, 'from kit import api\n\n\ndef main(text):\n    tree = api.parse(text)\n    api.render(tree)\n    api.');
  assert.ok(feature(parsed, 'flush').coUsage > 0.9 && feature(parsed, 'close').coUsage === 0, JSON.stringify([feature(parsed, 'flush'), feature(parsed, 'close')]));
  assert.ok(labels(parsed).indexOf('flush') < labels(parsed).indexOf('close'), labels(parsed).join(' '));
  const connected = await membersAt(index, app, 'from kit import api\n\n\ndef main(url):\n    api.connect(url)\n    api.');
  assert.ok(feature(connected, 'close').coUsage > 0.9 && feature(connected, 'flush').coUsage === 0, JSON.stringify(feature(connected, 'close')));
  assert.ok(labels(connected).indexOf('close') < labels(connected).indexOf('flush'), labels(connected).join(' '));
  // Nothing called in this file yet: no co-usage.
  const fresh = await membersAt(index, app, 'from kit import api\n\n\ndef main(url):\n    api.');
  assert.equal(feature(fresh, 'flush').coUsage, 0);
  // The file being edited does not count its own indexed calls: page.py itself sees no other file that parses and flushes.
  const own = await membersAt(index, join(root, 'kit/page.py'), 'from kit import api\n\n\ndef show(text):\n    api.flush()\n    api.render(api.parse(text))\n    api.');
  assert.equal(feature(own, 'flush').coUsage, 0, JSON.stringify(feature(own, 'flush')));
});

test('co-usage mean: over the first 64 other files calling the member, not divided by one file more', async (t) => {
  // 70 files call flush and render; two more call only connect, so render is rare enough to weigh.
  const files: Record<string, string> = { 'kit/__init__.py': '', 'kit/api.py': 'def flush():\n    pass\n\n\ndef render(tree):\n    return tree\n\n\ndef connect(url):\n    return url\n' };
  for (let i = 0; i < 70; i++) files[`kit/page${i}.py`] = `from kit import api\n\n\ndef show${i}(tree):\n    api.render(tree)\n    api.flush()\n`;
  for (let i = 0; i < 2; i++) files[`kit/net${i}.py`] = `from kit import api\n\n\ndef talk${i}(url):\n    api.connect(url)\n`;
  const root = fixtureWorkspace(t, files);
  const index = await indexOf(root);
  const result = await membersAt(index, join(root, 'kit/app.py'), 'from kit import api\n\n\ndef main(tree):\n    api.render(tree)\n    api.');
  const flush = result!.items.find((i) => i.label === 'flush')!.features;
  assert.equal(flush.coUsage, 1);
  assert.ok(Math.abs(flush.coUsageMean - 1) < 1e-9, `every one of those files calls render too: ${flush.coUsageMean}`);
});
