/**
 * Chat with an instruction-tuned model over the OpenAI-compatible `POST /v1/chat/completions`
 * (vLLM, llama.cpp's server, Ollama's `/v1` layer, LM Studio and hosted APIs all serve it):
 * `{model, messages: [{role, content}], max_tokens, temperature, stop, stream}` → non-streamed
 * `choices[0].message.content`, streamed SSE `choices[0].delta.content` chunks ending with
 * `data: [DONE]`.
 *
 * Whether the served model is instruction-tuned (`tokenwise.remote.instruct`): `on` trusts the
 * user, `off` never chats, `auto` asks the server once, on first use — llama.cpp: `GET /props`
 * has a non-empty `chat_template`; Ollama: `POST /api/show` gives a template that renders
 * messages or a system prompt (`.Messages`, `.System`, `.Role`); vLLM and other OpenAI-compatible
 * servers: a one-token chat request answers (vLLM refuses chat for a model without a template).
 */
import { CancelledError, TokenwiseError, describeError } from '../../base/errors';
import { HttpError, type HttpClient } from './http';
import { malformed } from './openai';
import { isRecord, type RemoteKind } from './types';

export type InstructSetting = 'auto' | 'on' | 'off';
export const instructSettings: readonly InstructSetting[] = ['auto', 'on', 'off'];

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatOptions {
  maxTokens: number;
  /** Default 0 (greedy). */
  temperature?: number;
  stop?: readonly string[];
  signal?: AbortSignal;
  /** Per-request timeout (a stream: no data for this long). */
  timeoutMs?: number;
  /** Stream the answer (SSE); `onText` gets each piece. */
  stream?: boolean;
  onText?: (piece: string) => void;
}

export interface ChatAnswer {
  text: string;
  finishReason: 'stop' | 'length';
  firstTokenMs: number;
  totalMs: number;
}

/** Whether chat can be used, and why (one line for the log and the editor). */
export interface ChatAvailability {
  available: boolean;
  reason: string;
}

/** The chat side of a remote backend (`InferenceBackend.chat`). */
export interface ChatCapability {
  /** Asked once per connection (`auto`), then remembered. */
  availability(signal?: AbortSignal): Promise<ChatAvailability>;
  complete(messages: readonly ChatMessage[], options: ChatOptions): Promise<ChatAnswer>;
}

const path = '/v1/chat/completions';
const where = `POST ${path}`;

/** Roles or a system prompt in an Ollama template: it renders chat messages. */
const ollamaChatTemplate = /\.Messages\b|\.System\b|\.Role\b/;

function contentOf(value: unknown): string {
  if (typeof value === 'string') return value;
  // Some servers send content as parts: [{type: 'text', text}].
  if (Array.isArray(value)) return value.map((p) => (isRecord(p) && typeof p.text === 'string' ? p.text : '')).join('');
  return '';
}

export class RemoteChat implements ChatCapability {
  private known: Promise<ChatAvailability> | undefined;

  constructor(
    private readonly kind: RemoteKind,
    private readonly http: HttpClient,
    private readonly model: string,
    private readonly setting: InstructSetting,
  ) {}

  availability(signal?: AbortSignal): Promise<ChatAvailability> {
    if (this.setting === 'off') return Promise.resolve({ available: false, reason: 'tokenwise.remote.instruct is off' });
    if (this.setting === 'on') return Promise.resolve({ available: true, reason: 'tokenwise.remote.instruct is on' });
    if (!this.known) {
      const pending = this.detect(signal);
      this.known = pending;
      // A cancelled probe is asked again next time; a server's answer (yes or no) is kept.
      pending.catch(() => (this.known = undefined));
    }
    return this.known;
  }

  private async detect(signal?: AbortSignal): Promise<ChatAvailability> {
    const options = { signal, idempotent: true, timeoutMs: 15_000 };
    try {
      switch (this.kind) {
        case 'llamacpp': {
          const props = await this.http.json<unknown>('GET', '/props', undefined, options);
          const template = isRecord(props) && typeof props.chat_template === 'string' ? props.chat_template.trim() : '';
          return template ? { available: true, reason: 'llama.cpp reports a chat template (/props chat_template)' } : { available: false, reason: 'the llama.cpp model has no chat template (/props chat_template is empty): not an instruction-tuned model' };
        }
        case 'ollama': {
          const show = await this.http.json<unknown>('POST', '/api/show', { model: this.model }, options);
          const template = isRecord(show) && typeof show.template === 'string' ? show.template : '';
          return ollamaChatTemplate.test(template)
            ? { available: true, reason: `Ollama's template for ${this.model} renders chat messages` }
            : { available: false, reason: `Ollama's template for ${this.model} has no roles or system prompt: not an instruction-tuned model` };
        }
        case 'vllm':
        case 'openai': {
          await this.complete([{ role: 'user', content: 'Answer with OK.' }], { maxTokens: 1, ...(signal ? { signal } : {}), timeoutMs: 20_000 });
          return { available: true, reason: `${path} answers` };
        }
      }
    } catch (error) {
      if (error instanceof CancelledError || signal?.aborted) throw error instanceof CancelledError ? error : new CancelledError();
      const probed = this.kind === 'llamacpp' ? 'GET /props' : this.kind === 'ollama' ? 'POST /api/show' : where;
      if (error instanceof HttpError) return { available: false, reason: `${probed} answered HTTP ${error.status}: ${error.serverMessage}` };
      return { available: false, reason: describeError(error) };
    }
  }

  async complete(messages: readonly ChatMessage[], options: ChatOptions): Promise<ChatAnswer> {
    const t0 = performance.now();
    const body = {
      model: this.model,
      messages,
      max_tokens: Math.max(1, Math.floor(options.maxTokens)),
      temperature: options.temperature ?? 0,
      ...(options.stop?.length ? { stop: options.stop.slice(0, 4) } : {}),
    };
    const call = { ...(options.signal ? { signal: options.signal } : {}), ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) };
    if (!options.stream) {
      const r = await this.http.json<unknown>('POST', path, { ...body, stream: false }, call);
      if (!isRecord(r) || !Array.isArray(r.choices)) return malformed(where, 'no choices');
      const choice = r.choices[0];
      if (!isRecord(choice) || !isRecord(choice.message)) return malformed(where, 'no choices[0].message');
      const text = contentOf(choice.message.content);
      const totalMs = performance.now() - t0;
      return { text, finishReason: choice.finish_reason === 'length' ? 'length' : 'stop', firstTokenMs: totalMs, totalMs };
    }
    let text = '';
    let firstTokenMs = -1;
    let finishReason: 'stop' | 'length' = 'stop';
    await this.http.stream(
      path,
      { ...body, stream: true },
      (event) => {
        if (!isRecord(event) || !Array.isArray(event.choices)) return malformed(where, 'a stream event without choices');
        const choice = event.choices[0];
        if (choice === undefined) return true; // a usage-only chunk
        if (!isRecord(choice)) return malformed(where, 'a choice is not an object');
        // A server that ignores `stream` answers one chat.completion object: its message is the whole text.
        const piece = isRecord(choice.delta) ? contentOf(choice.delta.content) : isRecord(choice.message) ? contentOf(choice.message.content) : '';
        if (piece) {
          if (firstTokenMs < 0) firstTokenMs = performance.now() - t0;
          text += piece;
          options.onText?.(piece);
        }
        if (choice.finish_reason === 'length') finishReason = 'length';
        return true;
      },
      call,
    );
    const totalMs = performance.now() - t0;
    return { text, finishReason, firstTokenMs: firstTokenMs < 0 ? totalMs : firstTokenMs, totalMs };
  }
}

/** A chat answer's failure as one line (timeouts and server errors keep the client's wording). */
export function chatFailure(error: unknown): string {
  if (error instanceof TokenwiseError) return error.message;
  return describeError(error);
}
