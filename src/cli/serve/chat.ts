/**
 * `POST /v1/chat/completions` of `tokenwise serve`, written from the OpenAI chat completions API
 * as vLLM serves it (docs/serving/openai_compatible_server.md; vllm/entrypoints/openai/protocol.py
 * ChatCompletionRequest): `model`, `messages` ([{role, content}], content a string or text parts),
 * `max_tokens` / `max_completion_tokens`, `temperature`, `top_p`, `seed`, `stop`, `stream`, `n`
 * (1 only). The messages are rendered with the served model's chat template
 * (tokenizer_config.json `chat_template`, Jinja, `add_generation_prompt: true`) or, for a model
 * without one (the shipped model), a plain "System: / User: / Assistant:" transcript — so a base
 * model answers, poorly. Answers: `chat.completion` JSON, or SSE `chat.completion.chunk` events
 * (a first `delta: {role}`, content deltas, a last `finish_reason`, `data: [DONE]`).
 */
import type { ServerResponse } from 'node:http';
import { Template } from '@huggingface/jinja';

export interface ChatMessageIn {
  role: string;
  content: string;
}

export interface ChatServeContext {
  /** The served model's name (`model` must match it when given). */
  name: string;
  created: number;
  /** tokenizer_config.json `chat_template` (a string, or named templates: `default` is used). */
  chatTemplate: unknown;
  bosToken: string;
  eosToken: string;
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
  /** Generates from `ids`; `onToken` per token; the text includes a stop string where one ended it. */
  generate(ids: number[], options: { maxTokens: number; temperature: number; topP: number; seed: number | undefined; stop: string[] }, signal: AbortSignal, onToken: (id: number) => void): Promise<{ ids: number[]; reason: 'stop' | 'length'; stopWord: string }>;
  maxContext: number;
  sendJson(res: ServerResponse, status: number, body: unknown): void;
  /** A 400 error with the message (thrown). */
  fail(message: string, status?: number): Error;
}

/** The plain transcript for models without a chat template; these strings stop the answer. */
const plainStops = ['\nUser:', '\nSystem:'];

export function templateSource(chatTemplate: unknown): string | undefined {
  if (typeof chatTemplate === 'string' && chatTemplate.trim()) return chatTemplate;
  if (Array.isArray(chatTemplate)) {
    const named = chatTemplate.find((t) => t && typeof t === 'object' && (t as { name?: unknown }).name === 'default') as { template?: unknown } | undefined;
    if (typeof named?.template === 'string') return named.template;
  }
  return undefined;
}

/** The prompt text for the messages, and the stop strings the rendering needs. */
export function renderChat(messages: readonly ChatMessageIn[], ctx: Pick<ChatServeContext, 'chatTemplate' | 'bosToken' | 'eosToken'>): { prompt: string; stops: string[]; template: 'model' | 'plain' } {
  const source = templateSource(ctx.chatTemplate);
  if (source) {
    const prompt = new Template(source).render({ messages, add_generation_prompt: true, bos_token: ctx.bosToken, eos_token: ctx.eosToken });
    return { prompt, stops: [], template: 'model' };
  }
  const label: Record<string, string> = { system: 'System', user: 'User', assistant: 'Assistant' };
  const prompt = `${messages.map((m) => `${label[m.role] ?? m.role}: ${m.content}`).join('\n\n')}\n\nAssistant:`;
  return { prompt, stops: plainStops, template: 'plain' };
}

function messagesOf(value: unknown, fail: ChatServeContext['fail']): ChatMessageIn[] {
  if (!Array.isArray(value) || value.length === 0) throw fail('messages must be a non-empty list of {role, content}');
  return value.map((m, i) => {
    if (!m || typeof m !== 'object') throw fail(`messages[${i}] must be an object`);
    const { role, content } = m as { role?: unknown; content?: unknown };
    if (typeof role !== 'string' || !['system', 'user', 'assistant', 'developer'].includes(role)) throw fail(`messages[${i}].role must be system, user, assistant or developer`);
    let text: string;
    if (typeof content === 'string') text = content;
    else if (Array.isArray(content) && content.every((p) => p && typeof p === 'object' && (p as { type?: unknown }).type === 'text' && typeof (p as { text?: unknown }).text === 'string'))
      text = content.map((p) => (p as { text: string }).text).join('');
    else throw fail(`messages[${i}].content must be a string or a list of text parts`);
    return { role: role === 'developer' ? 'system' : role, content: text };
  });
}

const numberOr = (v: unknown, name: string, fallback: number, fail: ChatServeContext['fail'], integer = false): number => {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) throw fail(`${name} must be ${integer ? 'an integer' : 'a number'}`);
  return v;
};

export async function chatCompletions(body: Record<string, unknown>, res: ServerResponse, signal: AbortSignal, ctx: ChatServeContext): Promise<void> {
  const { fail } = ctx;
  if (body.model !== undefined && body.model !== ctx.name) throw fail(`The model \`${String(body.model)}\` does not exist.`, 404);
  if (body.n !== undefined && body.n !== null && body.n !== 1) throw fail('n must be 1 (tokenwise serve answers one choice)');
  const messages = messagesOf(body.messages, fail);
  const rendered = renderChat(messages, ctx);
  const promptIds = ctx.encode(rendered.prompt);
  const maxTokens = numberOr(body.max_completion_tokens ?? body.max_tokens, 'max_tokens', Math.max(0, ctx.maxContext - promptIds.length), fail, true);
  const stopIn = body.stop === undefined || body.stop === null ? [] : typeof body.stop === 'string' ? [body.stop] : Array.isArray(body.stop) && body.stop.every((s) => typeof s === 'string') ? (body.stop as string[]) : undefined;
  if (!stopIn) throw fail('stop must be a string or a list of strings');
  const options = {
    maxTokens,
    temperature: numberOr(body.temperature, 'temperature', 1, fail),
    topP: numberOr(body.top_p, 'top_p', 1, fail),
    seed: body.seed === undefined || body.seed === null ? undefined : numberOr(body.seed, 'seed', 0, fail, true),
    stop: [...stopIn, ...rendered.stops],
  };
  const id = `chatcmpl-${Math.random().toString(16).slice(2)}`;
  const envelope = (object: string, choice: Record<string, unknown>) => ({ id, object, created: ctx.created, model: ctx.name, choices: [choice] });
  // The answer without the stop string that ended it (as vLLM returns it).
  const cut = (text: string, stopWord: string) => (stopWord && text.includes(stopWord) ? text.slice(0, text.indexOf(stopWord)) : text);
  if (body.stream === true) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const send = (choice: Record<string, unknown>) => res.write(`data: ${JSON.stringify(envelope('chat.completion.chunk', choice))}\n\n`);
    send({ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null });
    // Text is held back while it could be the start of a stop string, so no stop string is streamed.
    const generated: number[] = [];
    let sent = 0;
    const longestStop = Math.max(0, ...options.stop.map((s) => s.length));
    const r = await ctx.generate(promptIds, options, signal, (tokenId) => {
      generated.push(tokenId);
      const text = ctx.decode(generated);
      const safe = Math.max(sent, text.length - longestStop);
      if (options.stop.some((s) => text.includes(s))) return;
      // A character cut in half by a token is not sent until it is whole.
      const piece = text.slice(sent, safe).replace(/\uFFFD+$/, '');
      if (piece) {
        send({ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null });
        sent += piece.length;
      }
    });
    const rest = cut(ctx.decode(r.ids), r.stopWord).slice(sent);
    if (rest) send({ index: 0, delta: { content: rest }, logprobs: null, finish_reason: null });
    send({ index: 0, delta: {}, logprobs: null, finish_reason: r.reason, stop_reason: r.stopWord || null });
    res.end('data: [DONE]\n\n');
    return;
  }
  const r = await ctx.generate(promptIds, options, signal, () => {});
  ctx.sendJson(res, 200, {
    ...envelope('chat.completion', { index: 0, message: { role: 'assistant', content: cut(ctx.decode(r.ids), r.stopWord) }, logprobs: null, finish_reason: r.reason, stop_reason: r.stopWord || null }),
    usage: { prompt_tokens: promptIds.length, completion_tokens: r.ids.length, total_tokens: promptIds.length + r.ids.length },
  });
}
