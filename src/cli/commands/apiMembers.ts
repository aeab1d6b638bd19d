/**
 * `tokenwise api-members <file> --repo <dir> [--line n --col n] [--limit N] [--explain] [--json]`:
 * the member completion the editor offers at `recv.` / `Module.` (the project API index, the
 * receiver's resolution and the ranking), headless — with `--explain`, what each score is made of.
 */
import { resolve } from 'node:path';
import type { CliCommand } from '../dispatcher';
import { offsetAtLine, printJson, readTextFile } from '../io';
import { SyntaxService } from '../../core/syntax';
import { buildIndex, completeMembers, indexLanguageOf, recordOf, type ApiTarget } from '../../core/index';
import { TokenwiseError } from '../../core/base/errors';
import { nodeWorkspaceFs } from '../workspaceFs';

/** What the receiver resolved to, in words (`class Cache (instance)`, `module svc/cache.py`). */
function targetText(target: ApiTarget, relative: (uri: string) => string): string {
  if (target.kind === 'class') return `class ${target.name}${target.instance ? ' (instance)' : ''}`;
  if (target.kind === 'module') return `module ${relative(target.uri)}`;
  return 'unknown (members of every class, ranked)';
}

const round = (x: number) => Math.round(x * 1000) / 1000;

export const apiMembersCommand: CliCommand = {
  name: 'api-members',
  summary: 'Member completion at `recv.` / `Module.` in a file, ranked from the repository\'s own APIs (what the editor lists); --explain shows each score\'s parts.',
  positionals: [{ name: 'file', description: 'The file being edited.', required: true }],
  options: {
    repo: { type: 'string', valueName: 'dir', description: 'The repository to index (default: the current folder).' },
    line: { type: 'number', valueName: 'n', integer: true, min: 1, description: 'The cursor line, 1-based (default: the end of the file).' },
    col: { type: 'number', valueName: 'n', integer: true, min: 1, description: "The cursor column, 1-based UTF-16 (default: the line's end)." },
    limit: { type: 'number', valueName: 'n', integer: true, min: 1, description: 'Most members listed (default 20).' },
    explain: { type: 'boolean', description: 'Each member\'s score parts (kind, resolved, usage, trees, prefix) and its ranking features.' },
  },
  details: [
    'The cursor must follow `recv.` or `recv.prefix` (a typed prefix filters the list).',
    'JSON: {"repo", "files", "symbols", "indexMs", "receiver", "prefix", "resolvedBy", "target", "items": [{"label", "kind", "container", "signature", "doc", "file", "line", "inherited", "score", "parts"?, "features"?}]} (line 1-based);',
    'no member access at the cursor: "receiver": null and no items (exit code 0).',
  ].join('\n'),
  async run(ctx) {
    const o = ctx.args.options;
    const file = resolve(ctx.args.positionals[0]!);
    const language = indexLanguageOf(file);
    if (!language) throw new TokenwiseError('usage', `${file}: member completion covers Python, TypeScript/TSX and JavaScript files.`);
    const text = readTextFile(file);
    const offset = offsetAtLine(text, o.line as number | undefined, o.col as number | undefined, file);
    const root = resolve((o.repo as string | undefined) ?? '.');
    const limit = (o.limit as number | undefined) ?? 20;
    const syntax = new SyntaxService();
    try {
      const built = await buildIndex(nodeWorkspaceFs, root, syntax, { signal: ctx.signal });
      const index = built.index;
      // The file as it is now, over what the index read from disk, as the editor's worker does.
      const live = { uri: file, text };
      const doc = { uri: file, version: 0, text: live.text, languageId: language === 'tsx' ? 'typescriptreact' : language };
      const declarations = await syntax.declarations(doc);
      const record = recordOf(live, language, declarations, await syntax.imports(doc));
      const completion = index.withOverlay(record, () => completeMembers(index, { uri: file, text: live.text, offset, declarations }, { fallbackToAll: false }));
      const relative = (uri: string) => (uri.startsWith(root + '/') ? uri.slice(root.length + 1) : uri);
      const items = (completion?.items ?? []).slice(0, limit).map((i) => ({
        label: i.label,
        kind: i.ref.symbol.kind,
        container: i.ref.symbol.container,
        signature: i.ref.symbol.signature ?? i.ref.symbol.name,
        doc: i.ref.symbol.doc?.split('\n')[0] ?? '',
        file: relative(i.ref.uri),
        line: i.ref.symbol.line + 1,
        inherited: i.inherited,
        score: round(i.score),
        ...(o.explain ? { parts: Object.fromEntries(Object.entries(i.parts).map(([k, v]) => [k, round(v)])), features: Object.fromEntries(Object.entries(i.features).filter(([, v]) => v !== 0).map(([k, v]) => [k, round(v)])) } : {}),
      }));
      const stats = { repo: root, files: built.files, symbols: index.stats().symbols, indexMs: Math.round(built.ms) };
      if (ctx.json) {
        printJson(ctx.io, completion
          ? { ...stats, receiver: completion.receiver, prefix: completion.prefix, resolvedBy: completion.resolvedBy, target: targetText(completion.target, relative), items }
          : { ...stats, receiver: null, prefix: '', resolvedBy: null, target: null, items: [] });
        return;
      }
      const lines = [`${built.files} files, ${stats.symbols} symbols indexed in ${stats.indexMs} ms`];
      if (!completion) lines.push('no member access at the cursor (expected `recv.` or `recv.prefix` right before it)');
      else {
        lines.push(`${completion.receiver}.${completion.prefix}  → ${targetText(completion.target, relative)}, resolved by ${completion.resolvedBy}`);
        for (const i of items) {
          lines.push(`${i.score.toFixed(2).padStart(6)}  ${i.label}${i.inherited ? ' (inherited)' : ''}  ${i.signature}  ${i.file}:${i.line}${i.doc ? `  — ${i.doc.slice(0, 70)}` : ''}`);
          if (i.parts) lines.push(`        ${Object.entries(i.parts).filter(([, v]) => v !== 0).map(([k, v]) => `${k} ${v}`).join(', ')}; ${Object.entries(i.features!).map(([k, v]) => `${k} ${v}`).join(', ')}`);
        }
      }
      ctx.io.stdout(lines.join('\n') + '\n');
    } finally {
      syntax.dispose();
    }
  },
};
