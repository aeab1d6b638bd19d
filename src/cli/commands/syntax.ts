import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CliCommand } from '../dispatcher';
import { printJson, readTextFile } from '../io';
import { TokenwiseError } from '../../core/base/errors';
import { SyntaxService, tokenLabel, type SyntaxDocument, type StatementInfo } from '../../core/syntax';

/** `tokenwise syntax <file>`: what the syntax service sees in a file. */
export const syntaxCommand: CliCommand = {
  name: 'syntax',
  summary: 'Parse a file with tree-sitter: token types, declarations, imports, statements.',
  positionals: [{ name: 'file', description: 'Source file (Python, TypeScript, TSX, JavaScript/JSX, Java, Go, Rust).', required: true }],
  options: {
    types: { type: 'boolean', description: 'Every token with its type (CodeFill labels).' },
    declarations: { type: 'boolean', description: 'Declarations by scope, with signatures and docs.' },
    imports: { type: 'boolean', description: 'Import statements of every form.' },
    statements: { type: 'boolean', description: 'Statements (top level and nested) and syntax errors.' },
    language: { type: 'string', valueName: 'id', description: 'VS Code language id (default: from the file extension).' },
  },
  details: [
    'Without a view option: a summary. Offsets are UTF-16 code units of the file text (BOM dropped).',
    'JSON output: {"file", "language", "parseMs", "tokens"?, "declarations"?, "imports"?, "statements"?, "errors"}',
    '(all views when none is chosen); tokens are {"start", "end", "type", "keyword"?, "label"}.',
  ].join('\n'),
  async run(ctx) {
    const file = ctx.args.positionals[0]!;
    const languageId = ctx.args.options.language as string | undefined;
    const doc: SyntaxDocument = { uri: pathToFileURL(resolve(file)).href, version: 1, text: readTextFile(file), ...(languageId ? { languageId } : {}) };
    if (!SyntaxService.languageOf(doc))
      throw new TokenwiseError('usage', `No syntax support for ${languageId ? `language '${languageId}'` : file} (see 'tokenwise syntax --help').`);
    const service = new SyntaxService();
    try {
      const info = await service.parse(doc);
      const o = ctx.args.options;
      const none = !o.types && !o.declarations && !o.imports && !o.statements;
      const want = (name: 'types' | 'declarations' | 'imports' | 'statements') => o[name] === true || (none && ctx.json);
      const tokens = want('types') || none ? await service.tokens(doc) : undefined;
      const declarations = want('declarations') || none ? await service.declarations(doc) : undefined;
      const imports = want('imports') || none ? await service.imports(doc) : undefined;
      const statements = want('statements') ? await statementList(service, doc) : undefined;
      const errors = await service.errorsIn(doc);
      if (ctx.json) {
        printJson(ctx.io, {
          file,
          language: info.language,
          parseMs: round(info.parseMs),
          ...(tokens && want('types') ? { tokens: tokens.map((t) => ({ ...t, label: tokenLabel(t) })) } : {}),
          ...(declarations && want('declarations') ? { declarations } : {}),
          ...(imports && want('imports') ? { imports } : {}),
          ...(statements ? { statements } : {}),
          errors,
        });
        return;
      }
      const text = doc.text;
      const pos = (offset: number) => {
        const before = text.slice(0, offset);
        const line = before.split('\n').length;
        return `${line}:${offset - before.lastIndexOf('\n')}`;
      };
      const lines: string[] = [];
      if (none) {
        lines.push(
          `${file}: ${info.language}, parsed in ${round(info.parseMs)} ms`,
          `  ${text.length} UTF-16 units, ${tokens!.length} tokens, ${declarations!.length} declarations, ${imports!.length} imports, ${errors.length} syntax errors`,
        );
        const counts = new Map<string, number>();
        for (const t of tokens!) counts.set(t.type, (counts.get(t.type) ?? 0) + 1);
        lines.push('  token types: ' + [...counts].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', '));
      }
      if (o.types)
        for (const t of tokens!) lines.push(`${pos(t.start).padEnd(9)} ${tokenLabel(t).padEnd(16)} ${JSON.stringify(text.slice(t.start, t.end))}`);
      if (o.declarations)
        for (const d of declarations!)
          lines.push(
            `${`${d.position.line + 1}:${d.position.character + 1}`.padEnd(9)} ${d.kind.padEnd(10)} ${d.scope.padEnd(8)} ${[...d.container, d.name].join('.')}` +
              (d.signature ? `  ${d.signature.text}` : '') +
              (d.doc ? `  — ${JSON.stringify(d.doc.split('\n')[0])}` : ''),
          );
      if (o.imports)
        for (const i of imports!)
          lines.push(
            `${`${i.position.line + 1}:${i.position.character + 1}`.padEnd(9)} ${i.form.padEnd(11)} ${i.module}${i.relative ? ' (relative)' : ''}${i.sideEffect ? ' (side effect)' : ''}${i.typeOnly ? ' (type)' : ''}` +
              (i.names.length ? '  ' + i.names.map((n) => `${n.kind === 'named' ? '' : n.kind + ' '}${n.name}${n.alias ? ' as ' + n.alias : ''}`).join(', ') : ''),
          );
      if (o.statements)
        for (const s of statements!)
          lines.push(`${pos(s.start).padEnd(9)} ${'  '.repeat(s.depth)}${s.type} ${s.kind} ${s.start}..${s.end}${s.headerEnd !== undefined ? ` header..${s.headerEnd}` : ''}${s.hasError ? ' (error)' : ''}`);
      if (errors.length && !none) lines.push(`${errors.length} syntax errors: ` + errors.slice(0, 10).map((e) => `${e.kind}${e.expected ? ' ' + JSON.stringify(e.expected) : ''} at ${e.position.line + 1}:${e.position.character + 1}`).join(', '));
      ctx.io.stdout(lines.join('\n') + '\n');
    } finally {
      service.dispose();
    }
  },
};

/** Every statement, by walking statement starts: each statement's first offset is asked once. */
async function statementList(service: SyntaxService, doc: SyntaxDocument): Promise<StatementInfo[]> {
  const out: StatementInfo[] = [];
  const seen = new Set<string>();
  const tokens = await service.tokens(doc);
  for (const t of tokens) {
    if (t.end === t.start) continue;
    const s = await service.statementAt(doc, t.start);
    if (!s || s.start !== t.start) continue;
    const key = `${s.start}:${s.end}:${s.type}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(s);
    }
  }
  return out;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
