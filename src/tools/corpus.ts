/**
 * Is a file part of the shipped model's training corpus? Benchmarks and evaluations default to
 * code the model never trained on, check it here, and say so in their output (issue 17 item 13).
 *
 * models/corpus_manifest.json lists the corpus' sources (CPython's standard library, Debian
 * Python packages, npm packages by name@version); models/train/build_corpus.py takes every file
 * of a source and holds out those whose sha1(path) mod 1000 < 20 (path relative to `/`, or
 * `node_modules/…`). So a file under a source is either held out (by that hash) or (possibly) in
 * the training data; a file under no source is outside the corpus.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface CorpusStatus {
  /** `training`: under a corpus source and not held out; `heldout`: in the held-out split; `outside`: under no source. */
  state: 'training' | 'heldout' | 'outside';
  /** The manifest source the file belongs to. */
  source?: string;
  /** One line for benchmark output: the file and whether it is held out. */
  describe: string;
}

const heldoutPermille = 20;
const stdlibSkip = new Set(['site-packages', 'dist-packages', 'encodings', 'pydoc_data', 'lib-dynload', 'idlelib']);

export function findManifest(): string | undefined {
  return [join(process.cwd(), 'models/corpus_manifest.json'), join(__dirname, '../models/corpus_manifest.json'), join(__dirname, '../../models/corpus_manifest.json'), join(__dirname, '../../../models/corpus_manifest.json')].find((p) => existsSync(p));
}

function sources(manifestPath: string | undefined): Set<string> {
  if (!manifestPath) return new Set();
  return new Set(Object.keys(JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>));
}

function isHeldout(key: string): boolean {
  return BigInt('0x' + createHash('sha1').update(key).digest('hex')) % 1000n < BigInt(heldoutPermille);
}

export function corpusStatus(file: string, manifestPath = findManifest()): CorpusStatus {
  let path = resolve(file);
  try {
    path = realpathSync(path);
  } catch {
    // a path that does not exist is checked as written
  }
  const known = sources(manifestPath);
  let source: string | undefined;
  let key = path.replace(/^\//, '');
  const std = /^\/usr\/lib\/python3\.11\/(.*)$/.exec(path);
  const dist = /^\/usr\/lib\/python3\/dist-packages\/([^/]+)\//.exec(path);
  const npm = /^(.*)\/node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(path);
  if (std && !std[1]!.split('/').some((part) => stdlibSkip.has(part)) && known.has('cpython-3.11-stdlib')) source = 'cpython-3.11-stdlib';
  else if (dist && known.has(dist[1]!)) source = dist[1]!;
  else if (npm && !npm[3]!.includes('node_modules/') && !npm[1]!.includes('/node_modules')) {
    source = [...known].find((s) => s.startsWith(`npm:${npm[2]}@`));
    key = `node_modules/${npm[2]}/${npm[3]}`;
  }
  if (!source) return { state: 'outside', describe: `${file}: held out (outside every source of the model's training corpus${manifestPath ? '' : '; no models/corpus_manifest.json found'})` };
  if (isHeldout(key)) return { state: 'heldout', source, describe: `${file}: held out (in the held-out split of ${source}, never trained on)` };
  return { state: 'training', source, describe: `${file}: NOT held out (in the model's training corpus: ${source})` };
}

/** The default file of `bench entropy`: a held-out 1,000+-line file of CPython's library. */
export const heldoutPythonFiles = ['/usr/lib/python3.11/dataclasses.py', '/usr/lib/python3.11/multiprocessing/managers.py'];
