/** `tokenwise api-search "<query>" --repo <dir> [--limit N] [--json]`: the conversational API search of "Find API…". */
import { resolve } from 'node:path';
import type { CliCommand } from '../dispatcher';
import { printJson } from '../io';
import { TokenwiseError } from '../../core/base/errors';
import { SyntaxService } from '../../core/syntax';
import { buildIndex } from '../../core/index';
import { ApiSearch } from '../../core/search/bm25';
import { nodeWorkspaceFs } from '../workspaceFs';

export const apiSearchCommand: CliCommand = {
  name: 'api-search',
  summary: "Search a repository's own APIs by a description in words (BM25 over split identifiers, signatures, docs).",
  positionals: [{ name: 'query', description: 'What you need, in words ("parse the config file").', required: true }],
  options: {
    repo: { type: 'string', valueName: 'dir', description: 'The repository (default: the current folder).' },
    limit: { type: 'number', valueName: 'n', integer: true, min: 1, description: 'Most results (default 10).' },
  },
  details: 'JSON: {"repo", "files", "symbols", "indexMs", "results": [{"name", "kind", "container", "signature", "doc", "file", "line", "score"}]} (line 1-based).',
  async run(ctx) {
    const query = ctx.args.positionals[0]!;
    if (!query.trim()) throw new TokenwiseError('usage', 'The query is empty.');
    const root = resolve((ctx.args.options.repo as string | undefined) ?? '.');
    const syntax = new SyntaxService();
    try {
      const built = await buildIndex(nodeWorkspaceFs, root, syntax, { signal: ctx.signal });
      const hits = new ApiSearch(built.index).search(query, { limit: (ctx.args.options.limit as number | undefined) ?? 10 });
      const results = hits.map((h) => ({
        name: h.ref.symbol.name,
        kind: h.ref.symbol.kind,
        container: h.ref.symbol.container,
        signature: h.ref.symbol.signature ?? h.ref.symbol.name,
        doc: h.ref.symbol.doc?.split('\n')[0] ?? '',
        file: h.ref.uri.startsWith(root) ? h.ref.uri.slice(root.length + 1) : h.ref.uri,
        line: h.ref.symbol.line + 1,
        score: Math.round(h.score * 1000) / 1000,
      }));
      if (ctx.json) {
        printJson(ctx.io, { repo: root, files: built.files, symbols: built.index.stats().symbols, indexMs: Math.round(built.ms), results });
        return;
      }
      const lines = [`${built.files} files, ${built.index.stats().symbols} symbols indexed in ${Math.round(built.ms)} ms`];
      for (const r of results) lines.push(`${r.score.toFixed(2).padStart(6)}  ${r.file}:${r.line}  ${r.container ? `${r.container}.` : ''}${r.signature}${r.doc ? `  — ${r.doc.slice(0, 80)}` : ''}`);
      ctx.io.stdout(lines.join('\n') + '\n');
    } finally {
      syntax.dispose();
    }
  },
};
