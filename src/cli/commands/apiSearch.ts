/**
 * `tokenwise api-search "<query>" --repo <dir> [--limit N] [--lang L] [--include-tests] [--json]`: the conversational API search of "Find API…";
 * with `--answer --backend <server> --url <url> [--file f --line n --col n]` also the call an
 * instruction-tuned model writes for that cursor, grounded in the retrieved signatures.
 */
import { extname, join, resolve } from 'node:path';
import type { CliCommand } from '../dispatcher';
import { offsetAtLine, printJson, readTextFile } from '../io';
import { modelOptions, backendSettingsFrom } from '../backend';
import { TokenwiseError } from '../../core/base/errors';
import { SyntaxService } from '../../core/syntax';
import { buildIndex, isTestFile } from '../../core/index';
import type { SymbolRef } from '../../core/index/types';
import { ApiSearch } from '../../core/search/bm25';
import { apiFamilyOfText } from '../../core/search/family';
import { answerWithCall, type ApiAnswer } from '../../core/completion/apiAnswer';
import { loadBackend, isRemoteSettings } from '../../core/inference/factory';
import { instructSettings, type InstructSetting } from '../../core/inference/remote/chat';
import { createHttpTransport } from '../../worker/httpTransport';
import { nodeWorkspaceFs } from '../workspaceFs';

/** APIs the model may use: the search's best (as the editor does). */
const answerTopK = 8;

export const apiSearchCommand: CliCommand = {
  name: 'api-search',
  summary: "Search a repository's own APIs by a description in words (BM25 over split identifiers, signatures, docs); --answer: a call from an instruction-tuned server model, grounded in them.",
  positionals: [{ name: 'query', description: 'What you need, in words ("parse the config file").', required: true }],
  options: {
    repo: { type: 'string', valueName: 'dir', description: 'The repository (default: the current folder).' },
    limit: { type: 'number', valueName: 'n', integer: true, min: 1, description: 'Most results (default 10).' },
    lang: { type: 'string', valueName: 'language', description: "Only APIs code in this language can call: python, or typescript / tsx / javascript / ecma (one family); default: the --file's language, else all." },
    answer: { type: 'boolean', description: `Also ask the server's instruction-tuned model (POST /v1/chat/completions) for one call for the cursor, using only the top ${answerTopK} results; it is grounded (callee retrieved, arity, keyword names) or rejected with the reason.` },
    'include-tests': { type: 'boolean', description: "Also return test files' symbols (test folders, test_*.py, *.test.ts, …), left out by default (but for a --file that is a test)." },
    file: { type: 'string', valueName: 'path', description: "The file the cursor is in: only APIs its language can call (as the editor does), other modules' private names (`_x`, `#x`) after the public APIs, test files' symbols too when it is a test; --answer: the cursor's context (default: none)." },
    line: { type: 'number', valueName: 'n', integer: true, min: 1, description: '--answer: the cursor line, 1-based (default: the end of the file).' },
    col: { type: 'number', valueName: 'n', integer: true, min: 1, description: "--answer: the cursor column, 1-based UTF-16 (default: the line's end)." },
    instruct: { type: 'string', choices: instructSettings, description: 'Is the served model instruction-tuned: auto (default: ask the server), on, off.' },
    backend: modelOptions.backend,
    url: modelOptions.url,
    'remote-model': modelOptions['remote-model'],
  },
  details: [
    'JSON: {"repo", "files", "symbols", "indexMs", "results": [{"name", "kind", "container", "signature", "doc", "file", "line", "score", "alike"?: [{"container", "file", "line"}]}]} (line 1-based; alike: the APIs of the same name whose doc opens with the same sentence, folded into this result);',
    'with --answer also "answer": {"status": accepted | rejected | unavailable | failed, "call"?, "insert"?, "api"?: {"name", "container", "signature", "file", "line"}, "by"?, "reason"?, "raw"?, "chatMs"?}.',
    'A rejected or failed answer still prints the search results (exit code 0).',
  ].join('\n'),
  async run(ctx) {
    const query = ctx.args.positionals[0]!;
    if (!query.trim()) throw new TokenwiseError('usage', 'The query is empty.');
    const o = ctx.args.options;
    const wantAnswer = o.answer === true;
    if (!wantAnswer) for (const name of ['line', 'col', 'instruct', 'backend', 'url', 'remote-model']) if (o[name] !== undefined) throw new TokenwiseError('usage', `--${name} needs --answer.`);
    const settings = wantAnswer ? backendSettingsFrom(ctx, 0) : undefined;
    if (settings && !isRemoteSettings(settings)) throw new TokenwiseError('usage', '--answer needs an instruction-tuned model on a server: --backend openai|vllm|llamacpp|ollama --url <url>.');
    const root = resolve((o.repo as string | undefined) ?? '.');
    const file = o.file !== undefined ? resolve(o.file as string) : undefined;
    const fileText = file ? readTextFile(file) : undefined;
    const offset = file ? offsetAtLine(fileText!, o.line as number | undefined, o.col as number | undefined, file) : undefined;
    if (!file && (o.line !== undefined || o.col !== undefined)) throw new TokenwiseError('usage', '--line and --col need --file.');
    const lang = o.lang as string | undefined;
    const family = lang !== undefined ? apiFamilyOfText(lang) : apiFamilyOfText(file);
    if (lang !== undefined && !family) throw new TokenwiseError('usage', `--lang ${lang}: expected python, typescript, tsx, javascript or ecma.`);
    const syntax = new SyntaxService();
    try {
      const built = await buildIndex(nodeWorkspaceFs, root, syntax, { signal: ctx.signal });
      const hits = new ApiSearch(built.index, { tests: o['include-tests'] === true || (file !== undefined && isTestFile(file, root)) }).search(query, { limit: Math.max((o.limit as number | undefined) ?? 10, wantAnswer ? answerTopK : 0), ...(family ? { family } : {}), ...(file ? { from: file } : {}) });
      const relative = (uri: string) => (uri.startsWith(root) ? uri.slice(root.length + 1) : uri);
      const results = hits.slice(0, (o.limit as number | undefined) ?? 10).map((h) => ({
        name: h.ref.symbol.name,
        kind: h.ref.symbol.kind,
        container: h.ref.symbol.container,
        signature: h.ref.symbol.signature ?? h.ref.symbol.name,
        doc: h.ref.symbol.doc?.split('\n')[0] ?? '',
        file: relative(h.ref.uri),
        line: h.ref.symbol.line + 1,
        score: Math.round(h.score * 1000) / 1000,
        ...(h.alike ? { alike: h.alike.map((a) => ({ container: a.symbol.container, file: relative(a.uri), line: a.symbol.line + 1 })) } : {}),
      }));
      let answer: ApiAnswer | undefined;
      if (settings && isRemoteSettings(settings)) {
        const retrieved: SymbolRef[] = hits.slice(0, answerTopK).map((h) => h.ref);
        // Without --file: an empty file of the best result's language at the repository's root (no cursor context).
        const document = file ? { uri: file, text: fileText!, offset: offset! } : { uri: join(root, `untitled${extname(retrieved[0]?.uri ?? '.py')}`), text: '', offset: 0 };
        const model = await loadBackend({ ...settings, instruct: (o.instruct as InstructSetting | undefined) ?? 'auto' }, { fetch: createHttpTransport(), log: (level, message) => level !== 'info' && ctx.io.stderr(`[${level}] ${message}\n`) });
        try {
          answer = model.chat
            ? await answerWithCall({ query, document, retrieved }, { index: built.index, syntax, chat: model.chat }, { signal: ctx.signal, stream: true, contextTokens: (await model.backend.info()).maxContext })
            : { status: 'unavailable', reason: 'tokenwise.remote.instruct is off (--instruct off)' };
        } finally {
          await model.backend.dispose();
        }
      }
      const answerJson = answer && {
        status: answer.status,
        ...(answer.status === 'accepted'
          ? {
              call: answer.call,
              insert: answer.insertText,
              api: { name: answer.api.symbol.name, container: answer.api.symbol.container, signature: answer.api.symbol.signature ?? answer.api.symbol.name, file: relative(answer.api.uri), line: answer.api.symbol.line + 1 },
              by: answer.by,
            }
          : { reason: answer.reason, ...(answer.status === 'rejected' && answer.call ? { call: answer.call } : {}) }),
        ...(answer.status === 'accepted' || answer.status === 'rejected' ? { raw: answer.answer, chatMs: Math.round(answer.chatMs) } : {}),
      };
      if (ctx.json) {
        printJson(ctx.io, { repo: root, files: built.files, symbols: built.index.stats().symbols, indexMs: Math.round(built.ms), results, ...(answerJson ? { answer: answerJson } : {}) });
        return;
      }
      const lines = [`${built.files} files, ${built.index.stats().symbols} symbols indexed in ${Math.round(built.ms)} ms`];
      if (answer?.status === 'accepted') lines.push(`call: ${answer.call}  (${answer.api.symbol.container ? `${answer.api.symbol.container}.` : ''}${answer.api.symbol.name}, grounded by ${answer.by}; ${Math.round(answer.chatMs)} ms)`);
      else if (answer) lines.push(`no call: ${answer.status === 'rejected' ? `the model's answer was rejected: ${answer.reason}` : answer.reason}`);
      for (const r of results) {
        // A signature that opens with its name (`destroy(): Promise<void>`) follows the class; a Python one (`def close(self)`) follows the qualified name.
        const label = `${r.container ? `${r.container}.` : ''}${r.signature.startsWith(r.name) ? r.signature : `${r.name}  ${r.signature}`}`;
        lines.push(`${r.score.toFixed(2).padStart(6)}  ${r.file}:${r.line}  ${label}${r.doc ? `  — ${r.doc.slice(0, 80)}` : ''}`);
        if (r.alike) lines.push(`        also: ${r.alike.map((a) => `${a.container ? `${a.container}.` : ''}${r.name} (${a.file}:${a.line})`).join(', ')}`);
      }
      ctx.io.stdout(lines.join('\n') + '\n');
    } finally {
      syntax.dispose();
    }
  },
};
