/** Conversational API search: BM25F over split identifiers, signatures, docs, class docs, call sites and a learned thesaurus. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiSearch, firstSentence, searchTuning, terms } from '../../../../src/core/search/bm25';
import { searchFeatures, searchRanking } from '../../../../src/core/search/ranking';
import { queryTerms, segmentWord } from '../../../../src/core/search/terms';
import { ProjectIndex } from '../../../../src/core/index';
import { indexOf, indexOfFiles, pyRoot, tsRoot } from '../index/helpers';


const names = (hits: ReturnType<ApiSearch['search']>) => hits.map((h) => h.ref.symbol.name);

test('terms: identifiers split, stemmed, stop words dropped; queries lose doc boilerplate', () => {
  assert.deepEqual(terms('parseConfigFile'), ['pars', 'config', 'file']);
  assert.deepEqual(terms('Parse the config files'), terms('parse_config_file'));
  assert.deepEqual(terms('HTTPServer2Error'), ['http', 'server', 'error']);
  assert.deepEqual(terms('findAll getValue'), ['find', 'all', 'get', 'valu']);
  assert.deepEqual(queryTerms('Returns all the values of a given key'), ['all', 'kei']);
  // A query of boilerplate only keeps it.
  assert.deepEqual(queryTerms('Get the value'), ['get', 'valu']);
  // Unless written in capitals or quoted as code: then it names something.
  assert.deepEqual(queryTerms('Sends a GET request'), ['send', 'get', 'request']);
  assert.deepEqual(queryTerms('Calls `get` with a default'), ['get', 'default']);
  assert.equal(firstSentence('Parse the file. Then more.\n\nDetails'), 'Parse the file.');
  assert.equal(firstSentence('@deprecated use x'), '');
});

test('search finds a function by a paraphrase of its doc, and by its name alone when its doc is excluded', async () => {
  const py = await indexOf(pyRoot);
  const search = new ApiSearch(py);
  assert.equal(search.search('read the config file')[0]?.ref.symbol.name, 'load_config');
  assert.equal(search.search('stop the running engine')[0]?.ref.symbol.name, 'stop');
  assert.equal(search.search('build an engine with the default power')[0]?.ref.symbol.name, 'make_engine');
  const target = search.search('load config')[0]!.ref;
  assert.equal(target.symbol.name, 'load_config');
  // Without its doc, "parse the configuration" still matches the name's words.
  assert.equal(search.search('parse the configuration file', { excludeDocOf: target })[0]?.ref.symbol.name, 'load_config');
  const ts = new ApiSearch(await indexOf(tsRoot));
  assert.equal(ts.search('multiply coordinates by a factor')[0]?.ref.symbol.name, 'scale');
  assert.equal(ts.search('turn a title into a url slug')[0]?.ref.symbol.name, 'slugify');
  assert.deepEqual(ts.search('zzzz qqqq'), []);
});

test('field weights: a name that says the query ranks above a doc that says it; weighting the doc over the name turns BM25\'s order', async () => {
  const index = await indexOfFiles({
    'codec.py': 'def parse_header(data):\n    return data[:4]\n\n\ndef read(data):\n    """Parse the header of a frame."""\n    return data\n',
  });
  const search = new ApiSearch(index);
  assert.deepEqual(names(search.search('parse the header')).slice(0, 2), ['parse_header', 'read']);
  const saved = { ...searchTuning.weights };
  const boost = searchTuning.nameBoost;
  try {
    Object.assign(searchTuning.weights, { doc: 20, name: 0.5 });
    searchTuning.nameBoost = 0;
    // BM25's order: the re-ranker's own name features would keep parse_header first.
    assert.deepEqual(names(search.search('parse the header', { rerank: false })).slice(0, 2), ['read', 'parse_header']);
  } finally {
    Object.assign(searchTuning.weights, saved);
    searchTuning.nameBoost = boost;
  }
});

test('doc and name evidence combine as the stronger (docMix 0): a doc that says the query does not lift a symbol whose name says it less', async () => {
  const index = await indexOfFiles({
    'headers.py': [
      'def parse_header_line(text):\n    """Split one header line into its name and value."""\n    name, _, value = text.partition(":")\n    return name.strip(), value.strip()\n',
      'def parse_header_value(line, default=None):\n    """Parse a header line and give its value."""\n    return line.split(":", 1)[-1].strip() or default\n',
      'def open_stream(path):\n    """Open a file for reading."""\n    return open(path)\n',
      'def write_body(stream, body):\n    """Write the message body."""\n    stream.write(body)\n',
      'def close_stream(stream):\n    """Close the stream."""\n    stream.close()\n',
    ].join('\n\n'),
  });
  const search = new ApiSearch(index);
  const target = search.search('parse header line')[0]!.ref;
  assert.equal(target.symbol.name, 'parse_header_line');
  // The evaluation's case: the target's doc hidden, a neighbour's doc saying the query.
  assert.deepEqual(names(search.search('Parse a header line', { excludeDocOf: target })).slice(0, 2), ['parse_header_line', 'parse_header_value']);
  // Real use: the doc still finds its symbol.
  assert.equal(names(search.search('give the value of a header'))[0], 'parse_header_value');
  assert.equal(names(search.search('parse a header line and give its value'))[0], 'parse_header_value');
  // A sum of doc and other fields (docMix 1) lets the neighbour's doc win.
  const saved = searchTuning.docMix;
  try {
    searchTuning.docMix = 1;
    assert.equal(names(search.search('Parse a header line', { excludeDocOf: target }))[0], 'parse_header_value');
  } finally {
    searchTuning.docMix = saved;
  }
});

test('body words find a function by what it uses; member names find a class', async () => {
  const index = await indexOfFiles({
    'io_utils.py': [
      'def load(path):\n    with open(path) as handle:\n        return json.loads(handle.read())\n',
      'def render(template, context):\n    return html.escape(template.format(**context))\n',
      'def send(message, address):\n    sock = socket.create_connection(address)\n    sock.sendall(message)\n',
      'class Store:\n    def dump(self, obj):\n        pass\n\n    def restore(self, key):\n        pass\n',
    ].join('\n\n'),
  });
  const search = new ApiSearch(index);
  assert.equal(names(search.search('decode json'))[0], 'load');
  assert.equal(names(search.search('escape html'))[0], 'render');
  assert.equal(names(search.search('open a socket connection'))[0], 'send');
  assert.ok(names(search.search('dump and restore objects')).includes('Store'));
  const saved = searchTuning.weights.body;
  try {
    searchTuning.weights.body = 0;
    assert.notEqual(names(search.search('decode json'))[0], 'load');
    assert.ok(!names(search.search('dump and restore objects')).includes('Store'));
  } finally {
    searchTuning.weights.body = saved;
  }
});

const observers = {
  'events.py': [
    'def remove_observer(o):\n    """Unsubscribe an observer."""\n',
    'def remove_handler(h):\n    """Unsubscribe a handler."""\n',
    'def remove_callback(c):\n    """Unsubscribe a callback."""\n',
    'def add_listener(listener):\n    """Subscribe a listener."""\n',
    'def listener_count():\n    """How many listeners there are."""\n',
    'def listener():\n    """The listener."""\n',
    'def remove_listener(listener):\n    pass\n',
  ].join('\n\n'),
};

test('thesaurus: doc words of other symbols lead to name words ("unsubscribe" → remove_*)', async () => {
  const search = new ApiSearch(await indexOfFiles(observers));
  assert.equal(search.search('Unsubscribe a listener')[0]?.ref.symbol.name, 'remove_listener');
  const saved = searchTuning.thesaurus;
  try {
    searchTuning.thesaurus = 0;
    assert.notEqual(search.search('Unsubscribe a listener')[0]?.ref.symbol.name, 'remove_listener');
  } finally {
    searchTuning.thesaurus = saved;
  }
});

test('excluding a doc gives the ranking of an index where that doc was never written (no field, count or thesaurus pair keeps it)', async (t) => {
  const index = await indexOfFiles({
    ...observers,
    'cache.py': [
      'class MutationCache:\n    """The storage of mutations: build, find and remove them."""\n\n    def build(self, options):\n        """Create a mutation and add it to the cache."""\n\n    def remove(self, mutation):\n        """Remove a mutation from the cache."""\n\n    def find_all(self, filters):\n        """Find mutations that match the filters."""\n',
    ].join(''),
    'client.py': 'from cache import MutationCache\n\n\ndef run(cache):\n    # remove the finished mutation from the cache\n    cache.remove(m)\n    cache.find_all(f)\n',
    // Overrides inherit the docs up their chain (baseDoc), bases hold their overrides' (derivedDoc): an excluded doc is left out of both.
    'handlers.py':
      'class Handler:\n    def emit(self, record):\n        """Write the record to the stream of the handler."""\n\n\nclass FileHandler(Handler):\n    def emit(self, record):\n        """Open the file when needed, then write the record."""\n\n\nclass RotatingFileHandler(FileHandler):\n    def emit(self, record):\n        """Roll the file over when it is full, then write the record to it."""\n',
  });
  const search = new ApiSearch(index);
  const documented = [...index.allSymbols()].filter((r) => r.symbol.doc && search.has(r));
  assert.ok(documented.length >= 8);
  // The deliberate exceptions: documentedShare reads the other APIs' docs as written, the excluded one too, and so do
  // the override folds (an excluded override never folds into its base); their tests below.
  const saved = { share: searchRanking.weights!.documentedShare, overrides: searchTuning.foldOverrides, bases: searchTuning.foldBases };
  searchRanking.weights!.documentedShare = 0;
  searchTuning.foldOverrides = searchTuning.foldBases = false;
  t.after(() => {
    searchRanking.weights!.documentedShare = saved.share;
    searchTuning.foldOverrides = saved.overrides;
    searchTuning.foldBases = saved.bases;
  });
  for (const target of documented) {
    const query = firstSentence(target.symbol.doc!);
    const without = ProjectIndex.deserialize(index.serialize(), index.root) as ProjectIndex;
    const record = JSON.parse(JSON.stringify(without.file(target.uri)));
    for (const s of record.symbols) if (s.name === target.symbol.name && s.container === target.symbol.container && s.line === target.symbol.line) delete s.doc;
    without.setFile(record);
    const expected = new ApiSearch(without).search(query, { limit: 50 });
    const got = search.search(query, { limit: 50, excludeDocOf: target });
    assert.deepEqual(
      got.map((h) => [h.ref.symbol.container, h.ref.symbol.name, h.score.toFixed(9)]),
      expected.map((h) => [h.ref.symbol.container, h.ref.symbol.name, h.score.toFixed(9)]),
      `${target.symbol.container}.${target.symbol.name}: "${query}"`,
    );
  }
});

test('a symbol declared in a module and its twin (`.js` and `.d.ts`, `.py` and `.pyi`) is one result', async () => {
  const index = await indexOfFiles({
    'lib/codec.js': '/** Parse a frame header. */\nexport function parseFrame(bytes) {\n  return bytes.slice(0, 4);\n}\n',
    'lib/codec.d.ts': '/** Parse a frame header. */\nexport declare function parseFrame(bytes: Uint8Array): Uint8Array;\n',
    'py/codec.py': 'def parse_frame(data):\n    """Parse a frame header."""\n    return data[:4]\n',
    'py/codec.pyi': 'def parse_frame(data: bytes) -> bytes: ...\n',
    'other/codec.js': '/** Parse a frame header. */\nexport function parseFrame(bytes) {\n  return bytes;\n}\n',
    'another/codec.js': '/** Parse the header of a frame, lazily. */\nexport function parseFrame(bytes) {\n  return bytes;\n}\n',
  });
  const hits = new ApiSearch(index).search('parse a frame header');
  const where = hits.map((h) => `${h.ref.uri.split('/').slice(-2).join('/')}:${h.ref.symbol.name}`);
  assert.equal(where.filter((w) => w.startsWith('lib/')).length, 1, where.join(' '));
  assert.equal(where.filter((w) => w.startsWith('py/')).length, 1, where.join(' '));
  // Another module's function of the same name and doc folds into it (alike); documented otherwise, it is another result.
  assert.equal(where.filter((w) => w.startsWith('other/')).length, 0, where.join(' '));
  assert.ok(hits.some((h) => h.alike?.some((r) => r.uri.endsWith('other/codec.js'))));
  assert.equal(where.filter((w) => w.startsWith('another/')).length, 1, where.join(' '));
});

test('a symbol in builds of one module (src/ and its compiled dist/, development/ copies) is one API: one result, and excluding its doc excludes every copy\'s', async () => {
  const files = {
    'src/v4/codec.ts': '/** Decode a frame header from bytes. */\nexport function decodeFrame(bytes: Uint8Array): Uint8Array {\n  return bytes.slice(0, 4);\n}\n\n/** Encode a payload. */\nexport function encodePayload(p: string): string {\n  return p;\n}\n',
    'v4/codec.cjs': '/** Decode a frame header from bytes. */\nfunction decodeFrame(bytes) {\n  return bytes.slice(0, 4);\n}\n/** Encode a payload. */\nfunction encodePayload(p) {\n  return p;\n}\nmodule.exports = { decodeFrame, encodePayload };\n',
    'development/v4/codec.d.ts': '/** Decode a frame header from bytes. */\nexport declare function decodeFrame(bytes: Uint8Array): Uint8Array;\n',
    'other/codec.ts': '/** Read a frame header from a stream. */\nexport function readFrame(s: unknown): unknown {\n  return s;\n}\n',
  };
  const index = await indexOfFiles(files);
  const search = new ApiSearch(index);
  const hits = search.search('decode a frame header from bytes');
  assert.equal(hits.filter((h) => h.ref.symbol.name === 'decodeFrame').length, 1, hits.map((h) => h.ref.uri).join(' '));
  const target = [...index.allSymbols()].find((r) => r.symbol.name === 'decodeFrame' && r.uri.endsWith('src/v4/codec.ts'))!;
  // The index with the doc written nowhere: every copy's doc deleted.
  const without = ProjectIndex.deserialize(index.serialize(), index.root) as ProjectIndex;
  for (const uri of without.fileUris()) {
    const record = JSON.parse(JSON.stringify(without.file(uri)));
    for (const s of record.symbols) if (s.name === 'decodeFrame') delete s.doc;
    without.setFile(record);
  }
  const query = 'Decode a frame header from bytes.';
  const expected = new ApiSearch(without).search(query, { limit: 50 });
  const got = search.search(query, { limit: 50, excludeDocOf: target });
  assert.deepEqual(
    got.map((h) => [h.ref.symbol.name, h.score.toFixed(9)]),
    expected.map((h) => [h.ref.symbol.name, h.score.toFixed(9)]),
  );
  // Another module of the same file name is another API.
  assert.notEqual(search.apiOf(target), search.apiOf([...index.allSymbols()].find((r) => r.symbol.name === 'readFrame')!));
  assert.equal(search.apiOf(target), search.apiOf([...index.allSymbols()].find((r) => r.symbol.name === 'decodeFrame' && r.uri.endsWith('.cjs'))!));
});

test('run-together names split by the repository\'s name words: "read the link target" finds readlink', async () => {
  assert.deepEqual(segmentWord('getsource', new Set(['get', 'source', 'getsource'])), ['get', 'source']);
  assert.equal(segmentWord('wcwidth', new Set(['width'])), undefined);
  const index = await indexOfFiles({
    'paths.py': [
      'class LocalPath:\n    def readlink(self):\n        return self._p\n\n    def read_text(self, encoding):\n        return open(self._p).read()\n\n    def target(self):\n        return None\n\n    def link_to(self, other):\n        pass\n',
      'def follow(path):\n    """Follow a path."""\n    return path\n',
    ].join(''),
  });
  const search = new ApiSearch(index);
  assert.equal(names(search.search('read the link'))[0], 'readlink');
  const saved = searchTuning.segmentNames;
  try {
    searchTuning.segmentNames = false;
    assert.notEqual(names(new ApiSearch(index).search('read the link'))[0], 'readlink');
  } finally {
    searchTuning.segmentNames = saved;
  }
});

test('a query\'s leading verb meets what names call it: "Returns the cache path" → get_cache_path, "Creates a session" → make_session', async () => {
  const index = await indexOfFiles({
    'store.py': [
      'def get_cache_path(root):\n    return root + "/cache"\n\n\ndef cache_path_of(root):\n    return root\n\n\n',
      'def make_session(url):\n    return object()\n\n\ndef session_for(url):\n    return url\n',
    ].join(''),
  });
  const first = (q: string) => names(new ApiSearch(index).search(q))[0];
  assert.equal(first('Returns the cache path'), 'get_cache_path');
  assert.equal(first('Creates a session for a url'), 'make_session');
  const saved = searchTuning.leadVerb;
  try {
    searchTuning.leadVerb = 0;
    assert.notEqual(first('Returns the cache path'), 'get_cache_path');
    assert.notEqual(first('Creates a session for a url'), 'make_session');
  } finally {
    searchTuning.leadVerb = saved;
  }
});

test('words of an identifier the query quotes in backticks weigh more: "Size of a `Buffer` as a string" → bufferSize(data: Buffer)', async () => {
  const index = await indexOfFiles({
    'size.ts': 'export function bufferSize(data: Buffer): number {\n  return data.byteLength;\n}\n\nexport function stringSize(text: string, encoding?: string): number {\n  return text.length;\n}\n',
  });
  const query = 'Size of a `Buffer` as a string';
  /** bufferSize's lead over stringSize. */
  const lead = () => {
    const hits = new ApiSearch(index).search(query);
    assert.deepEqual(names(hits), ['bufferSize', 'stringSize']);
    return hits[0]!.score - hits[1]!.score;
  };
  const quoted = lead();
  const saved = searchTuning.codeTerm;
  try {
    searchTuning.codeTerm = 1;
    assert.ok(quoted > lead() + 0.2, `${quoted} vs ${lead()}`);
  } finally {
    searchTuning.codeTerm = saved;
  }
});

test('"Checks whether …" and "Returns true if …" ask for a predicate: is_expired over expire', async () => {
  const index = await indexOfFiles({
    'tokens.py': 'def expire(token):\n    token.deadline = 0\n\n\ndef is_expired(token):\n    return token.deadline <= 0\n',
  });
  const first = (q: string) => names(new ApiSearch(index).search(q))[0];
  assert.equal(first('Checks whether the token expired'), 'is_expired');
  assert.equal(first('Return True if the token expired'), 'is_expired');
  const saved = searchTuning.predicates;
  try {
    searchTuning.predicates = false;
    assert.equal(first('Checks whether the token expired'), 'expire');
    assert.equal(first('Return True if the token expired'), 'expire');
  } finally {
    searchTuning.predicates = saved;
  }
});

test('test files\' symbols are left out of the results, their calls still count as usages; `tests: true` keeps them', async () => {
  const index = await indexOfFiles({
    'net/connection.py': 'class Connection:\n    def close(self):\n        self.sock.shutdown()\n\n    def open(self, address):\n        self.sock = socket.create_connection(address)\n',
    'net/tests/test_connection.py':
      'class ConnectionCloseTest:\n    def test_connection_close(self):\n        """Closing the connection twice is harmless."""\n        conn.close()\n        conn.close()\n\n    def on_connection_close(self):\n        pass\n',
  });
  const names = (s: ApiSearch) => s.search('close the connection').map((h) => `${h.ref.symbol.container}.${h.ref.symbol.name}`);
  const api = new ApiSearch(index);
  assert.equal(names(api)[0], 'Connection.close');
  assert.ok(!names(api).some((n) => n.startsWith('ConnectionCloseTest')), names(api).join());
  assert.ok(names(new ApiSearch(index, { tests: true })).includes('ConnectionCloseTest.test_connection_close'));
});

test('APIs of one name whose docs open alike fold into the best scored (alike), so one answer does not fill the list', async () => {
  const builders = ['Select', 'Insert', 'Update', 'Delete'].map((k) => `export class ${k}Builder {\n  /** Calls the given function passing this builder as the only argument. */\n  call(fn: (b: this) => void): this {\n    return this;\n  }\n}\n`);
  const index = await indexOfFiles({
    'builders.ts': builders.join('\n'),
    'hooks.ts': 'export class Hook {\n  /** Runs the hook with a builder as its argument. */\n  call(builder: unknown): void {}\n}\n',
  });
  const calls = (s: ApiSearch) => s.search('pass the builder as the argument').filter((h) => h.ref.symbol.name === 'call');
  const folded = calls(new ApiSearch(index));
  // The four builders' `call` are one result; Hook's, documented otherwise, is another.
  assert.equal(folded.length, 2, folded.map((h) => h.ref.symbol.container).join());
  assert.deepEqual(folded.map((h) => h.alike?.length ?? 0).sort(), [0, 3]);
  const saved = searchTuning.foldAlike;
  try {
    searchTuning.foldAlike = false;
    assert.equal(calls(new ApiSearch(index)).length, 5);
  } finally {
    searchTuning.foldAlike = saved;
  }
});

test('an undocumented override or implementation folds into the method it overrides, which takes its place', async () => {
  const impls = ['Bounded', 'Sliding', 'Dropping'].map((k) => `export class ${k}Queue implements Dequeue {\n  takeUpTo(max: number): number[] {\n    const values = this.values.splice(0, max);\n    return values;\n  }\n}\n`);
  const index = await indexOfFiles({
    'queue.ts': 'export interface Dequeue {\n  /** Takes up to max number of values from the queue. */\n  takeUpTo(max: number): number[];\n}\n',
    'impl.ts': `import { Dequeue } from './queue';\n${impls.join('\n')}`,
    'stack.ts': 'export class Stack {\n  /** Takes up to max values off the top of the stack. */\n  takeUpTo(max: number): number[] {\n    return [];\n  }\n}\n',
    'base.py': 'class Reader:\n    def read_chunk(self, size):\n        """Read one chunk of at most size bytes from the stream."""\n        raise NotImplementedError\n',
    'file_reader.py': 'from base import Reader\n\nclass FileReader(Reader):\n    def read_chunk(self, size):\n        return self.stream.read(size)\n\nclass SocketReader(Reader):\n    def read_chunk(self, size):\n        """Read from the socket, waiting for data."""\n        return self.sock.recv(size)\n',
  });
  const search = new ApiSearch(index);
  const where = (h: ReturnType<ApiSearch['search']>[number]) => `${h.ref.symbol.container}.${h.ref.symbol.name}`;
  const takes = search.search('take up to max values from the queue').filter((h) => h.ref.symbol.name === 'takeUpTo');
  // The interface's method stands for its three implementations; Stack's, not an implementation, stays a result.
  assert.deepEqual(takes.map(where), ['Dequeue.takeUpTo', 'Stack.takeUpTo']);
  assert.deepEqual(takes[0]!.alike?.map((r) => r.symbol.container).sort(), ['BoundedQueue', 'DroppingQueue', 'SlidingQueue']);
  // Its doc left out (the evaluation), the interface's method still takes the implementations' place.
  const dequeue = index.symbolsNamed('takeUpTo').find((r) => r.symbol.container === 'Dequeue')!;
  assert.equal(where(search.search('take up to max values from the queue', { excludeDocOf: dequeue })[0]!), 'Dequeue.takeUpTo');
  // Python: the override without a docstring folds into the base's; one with its own docstring stays apart.
  const reads = search.search('read a chunk of bytes').filter((h) => h.ref.symbol.name === 'read_chunk');
  assert.deepEqual(reads.map(where).sort(), ['Reader.read_chunk', 'SocketReader.read_chunk']);
  assert.deepEqual(reads.find((h) => h.ref.symbol.container === 'Reader')!.alike?.map((r) => r.symbol.container), ['FileReader']);
  const saved = searchTuning.foldOverrides;
  try {
    searchTuning.foldOverrides = false;
    assert.equal(new ApiSearch(index).search('take up to max values from the queue').filter((h) => h.ref.symbol.name === 'takeUpTo').length, 5);
  } finally {
    searchTuning.foldOverrides = saved;
  }
});

test('docs along an override chain: an override is found by the docs it inherits, a base by its overrides\' (each below the symbol whose doc it is)', async () => {
  const index = await indexOfFiles({
    'handlers.py':
      'class Handler:\n    def emit(self, record):\n        """Write the record to the stream of the handler."""\n        raise NotImplementedError\n\n    def flush(self):\n        """Flush the stream."""\n\n\nclass ColourHandler(Handler):\n    def emit(self, record):\n        """Print in colour when the terminal allows it."""\n        self.paint(record)\n\n\ndef stream_of(handler):\n    """Return the stream a handler writes to."""\n    return handler.stream\n\n\ndef supports_colour(terminal):\n    """Whether the terminal can print in colour."""\n    return terminal.colours > 1\n',
  });
  const listed = (query: string) => new ApiSearch(index).search(query).map((h) => `${h.ref.symbol.container}.${h.ref.symbol.name}`);
  const emit = (container: string) => index.symbolsNamed('emit').find((r) => r.symbol.container === container)!;
  const chain = new ApiSearch(index);
  assert.deepEqual(chain.chainOf(emit('ColourHandler')).map((r) => r.symbol.container), ['Handler']);
  assert.deepEqual(chain.chainOf(emit('Handler')).map((r) => r.symbol.container), ['ColourHandler']);
  assert.deepEqual(listed('write the record to the stream').slice(0, 3), ['Handler.emit', 'ColourHandler.emit', '.stream_of']);
  assert.deepEqual(listed('print the record in colour').slice(0, 2), ['ColourHandler.emit', 'Handler.emit']);
  // A doc's own sentence still puts its symbol above the one that inherits it or is inherited from.
  assert.deepEqual(listed('Write the record to the stream of the handler.').slice(0, 2), ['Handler.emit', 'ColourHandler.emit']);
  const own = listed('print in colour when the terminal allows it');
  assert.ok(own.indexOf('ColourHandler.emit') < own.indexOf('Handler.emit'), own.join());
  const saved = { inherit: searchTuning.inheritDocs, derived: searchTuning.derivedDocs };
  try {
    searchTuning.inheritDocs = false;
    assert.deepEqual(listed('write the record to the stream').slice(0, 3), ['Handler.emit', '.stream_of', 'ColourHandler.emit']);
    searchTuning.inheritDocs = saved.inherit;
    searchTuning.derivedDocs = false;
    assert.deepEqual(listed('print the record in colour').slice(0, 4), ['ColourHandler.emit', '.supports_colour', '.ColourHandler', 'Handler.emit']);
  } finally {
    searchTuning.inheritDocs = saved.inherit;
    searchTuning.derivedDocs = saved.derived;
  }
});

test('asked from a file, another module\'s private names (`_render`, members of `_Cell`) come after the public APIs; in their own module they keep their place', async () => {
  const index = await indexOfFiles({
    'table.py':
      'class Table:\n    """A renderable that draws a table of rows."""\n\n    def _render(self, console, widths):\n        for row in self.rows:\n            yield self._render_row(row, widths)\n\n    def add_row(self, *cells):\n        """Add a row of cells."""\n        self.rows.append(cells)\n\n\nclass _Cell:\n    def render_table_cell(self):\n        pass\n',
    'app.py': 'from table import Table\n\ndef show(rows):\n    t = Table()\n    return t\n',
  });
  const search = new ApiSearch(index);
  const uriOf = (name: string) => [...index.allSymbols()].find((r) => r.symbol.name === name)!.uri;
  const listed = (options = {}) => search.search('render the table', options).map((h) => `${h.ref.symbol.container}.${h.ref.symbol.name}`);
  const anywhere = listed();
  assert.deepEqual(anywhere.slice(0, 3), ['Table._render', '_Cell.render_table_cell', '.Table']);
  assert.deepEqual(listed({ from: uriOf('show') }), ['.Table', 'Table.add_row', '.show', 'Table._render', '_Cell.render_table_cell', '._Cell']);
  assert.deepEqual(listed({ from: uriOf('add_row') }), anywhere);
  // The limit counts after the reordering: the public APIs fill it first.
  assert.deepEqual(listed({ from: uriOf('show'), limit: 2 }), ['.Table', 'Table.add_row']);
  // TypeScript's private / protected members are private names too.
  const ts = await indexOfFiles({
    'grid.ts': 'export class Grid {\n  private renderGrid(rows: string[]): string { return rows.join("\\n"); }\n  /** Add a row of cells to the grid. */\n  addRow(cells: string[]): void {}\n}\n',
    'main.ts': 'import { Grid } from "./grid";\nexport function main(): Grid { return new Grid(); }\n',
  });
  const gridSearch = new ApiSearch(ts);
  const mainUri = [...ts.allSymbols()].find((r) => r.symbol.name === 'main')!.uri;
  const grid = (options = {}) => gridSearch.search('render the grid rows', options).map((h) => h.ref.symbol.name);
  assert.equal(grid()[0], 'renderGrid');
  assert.equal(grid({ from: mainUri }).at(-1), 'renderGrid');
});

test('an undocumented base method listed below a documented override of it folds into the override; never above it', async () => {
  const index = await indexOfFiles({
    'base.py': 'class SchemaBase:\n    def load(self, data, many=None):\n        # subclasses load the records from their source\n        raise NotImplementedError\n\n    def dump(self, obj):\n        raise NotImplementedError\n',
    'schema.py': 'from base import SchemaBase\n\nclass Schema(SchemaBase):\n    def load(self, data, many=None):\n        """Deserialize a data structure to an object."""\n        return self._do_load(data)\n\n    def dump(self, obj):\n        """Serialize an object to native Python data types."""\n        return self._serialize(obj)\n',
  });
  const where = (h: ReturnType<ApiSearch['search']>[number]) => `${h.ref.symbol.container}.${h.ref.symbol.name}`;
  const loads = (s: ApiSearch, options = {}) => s.search('deserialize a data structure into an object', options).filter((h) => h.ref.symbol.name === 'load');
  const search = new ApiSearch(index);
  assert.deepEqual(loads(search).map(where), ['Schema.load']);
  assert.deepEqual(loads(search)[0]!.alike?.map((r) => r.symbol.container), ['SchemaBase']);
  // The override's doc left out (the evaluation): still a written doc, so the base still folds into it, and nothing is lifted.
  const load = index.symbolsNamed('load').find((r) => r.symbol.container === 'Schema')!;
  const bases = new ApiSearch(index).search('deserialize a data structure into an object', { excludeDocOf: load });
  const at = (name: string) => bases.findIndex((h) => where(h) === name);
  assert.ok(at('Schema.load') >= 0 && at('SchemaBase.load') < 0, bases.map(where).join());
  // A base ranked above the override is listed, and the override below it too: nothing moves up.
  const records = search.search('load the records from the data source').filter((h) => h.ref.symbol.name === 'load');
  assert.deepEqual(records.map(where), ['SchemaBase.load', 'Schema.load']);
  const saved = searchTuning.foldBases;
  try {
    searchTuning.foldBases = false;
    assert.deepEqual(loads(new ApiSearch(index)).map(where), ['Schema.load', 'SchemaBase.load']);
  } finally {
    searchTuning.foldBases = saved;
  }
});

test('of two methods of one name, the one whose class-mates are documented (the user-facing API) ranks first', async () => {
  const clauses = ['where', 'whereIn', 'whereNull', 'orWhere', 'having'];
  const builder = clauses.map((c) => `  /** Adds a \`${c}\` condition to the query. */\n  ${c}(column: string, values: unknown[]): this {\n    this.statements.push({ clause: '${c}', column, values });\n    return this;\n  }\n`);
  const compiler = clauses.map((c) => `  ${c}(statement: Statement): string {\n    return this.formatter.columnize(statement.column) + ' ${c} ' + this.client.parameter(statement.values);\n  }\n`);
  const index = await indexOfFiles({
    'builder.ts': `export class Builder {\n${builder.join('\n')}}\n`,
    'compiler.ts': `export class QueryCompiler {\n${compiler.join('\n')}}\n`,
  });
  const search = new ApiSearch(index);
  const target = index.symbolsNamed('whereIn').find((r) => r.symbol.container === 'Builder')!;
  const first = () => search.search('Adds a `where in` condition to the query', { excludeDocOf: target }).filter((h) => h.ref.symbol.name === 'whereIn')[0]!.ref.symbol.container;
  assert.equal(first(), 'Builder');
  // The excluded doc still counts for its class-mates (else the evaluation's target would be the one undocumented API of a documented class).
  const share = searchFeatures.indexOf('documentedShare');
  const mate = (options: { excludeDocOf?: typeof target }) => search.search('Adds a `where null` condition', { ...options, explain: true }).find((h) => h.ref.symbol.name === 'whereNull' && h.ref.symbol.container === 'Builder')!.features![share];
  assert.equal(mate({ excludeDocOf: target }), 1);
  assert.equal(mate({}), 1);
  const saved = searchRanking.weights!.documentedShare;
  try {
    searchRanking.weights!.documentedShare = 0;
    assert.equal(first(), 'QueryCompiler');
  } finally {
    searchRanking.weights!.documentedShare = saved;
  }
});
