/**
 * Ollama (docs: docs/api.md): `POST /api/generate` with `raw: true` sends the FIM prompt rendered
 * by Tokenwise past the model's template; `stream` answers are NDJSON lines
 * (`{response, done}`, the last with `done: true` and `done_reason`); `options.num_predict`,
 * `temperature`, `top_k`, `top_p`, `seed`, `stop`. `POST /api/show` gives the template, the
 * parameters and `model_info["<arch>.context_length"]`. `GET /api/version` names the
 * version (logprobs need a recent one); when `/api/show` does not know the model, `GET /api/tags`
 * lists the ones the server has. Recent versions (docs/openapi.yaml,
 * GenerateRequest / Logprob) take `logprobs: true` and `top_logprobs: N` and answer `logprobs:
 * [{token, logprob, bytes, top_logprobs: [{token, logprob, bytes}]}]` for the generated tokens
 * (probed at connect time; older versions ignore the fields). No tokenize endpoint and no prompt
 * logprobs: the boundary modes and the heat map need what Ollama does not give; generated-token
 * logprobs feed the completion's confidence gate and, with the bytes, the exact token ids.
 */
import { TokenwiseError } from '../../base/errors';
import { HttpError, type HttpClient } from './http';
import { malformed } from './openai';
import { isRecord, type RemoteGenerateOptions, type RemoteGeneration, type RemotePrompt, type RemoteServer, type ServerProbe } from './types';

export class OllamaServer implements RemoteServer {
  readonly kind = 'ollama' as const;
  private logprobs = false;

  constructor(
    private readonly http: HttpClient,
    private readonly model: string,
  ) {}

  async probe(signal?: AbortSignal): Promise<ServerProbe> {
    if (!this.model) throw new TokenwiseError('usage', 'Set the Ollama model name (tokenwise.remote.model / --remote-model), e.g. qwen2.5-coder:1.5b-base.');
    const opts = { signal, idempotent: true, timeoutMs: 15_000 };
    const version = await this.version(signal);
    let show: unknown;
    try {
      show = await this.http.json<unknown>('POST', '/api/show', { model: this.model }, opts);
    } catch (error) {
      if (error instanceof HttpError && error.status === 404) throw await this.missingModel(error, signal);
      throw error;
    }
    if (!isRecord(show)) return malformed('POST /api/show', 'not an object');
    const info = isRecord(show.model_info) ? show.model_info : {};
    const ctxKey = Object.keys(info).find((k) => k.endsWith('.context_length'));
    const trained = ctxKey && typeof info[ctxKey] === 'number' ? (info[ctxKey] as number) : null;
    const params = typeof show.parameters === 'string' ? show.parameters : '';
    // `parameters` lists them one per line; the Modelfile as `PARAMETER num_ctx N` (docs/api.md shows the two disagreeing).
    const modelfile = typeof show.modelfile === 'string' ? show.modelfile : '';
    const numCtx = /(?:^|\n)\s*num_ctx\s+(\d+)/.exec(params) ?? /(?:^|\n)\s*PARAMETER\s+num_ctx\s+(\d+)/i.exec(modelfile);
    // Ollama runs with num_ctx (default 2048 in older versions, 4096 later) unless the model sets it.
    const maxContext = numCtx ? Number(numCtx[1]) : trained ? Math.min(trained, 2048) : 2048;
    const template = typeof show.template === 'string' ? show.template : '';
    const notes = [
      'exact and heal boundary modes unavailable (no next-token distribution or listed-token logprobs): completion uses naive prompts (raw: true)',
      'heat map unavailable: Ollama gives no prompt logprobs',
    ];
    // Generated-token logprobs: one token with logprobs asked for; versions without them leave the field out.
    this.logprobs = false;
    try {
      const r = await this.http.json<unknown>(
        'POST',
        '/api/generate',
        { model: this.model, prompt: 'def', raw: true, stream: false, logprobs: true, top_logprobs: 1, options: { num_predict: 1, temperature: 0 } },
        { signal, idempotent: true, timeoutMs: 60_000 },
      );
      this.logprobs = isRecord(r) && Array.isArray(r.logprobs) && r.logprobs.some((e) => isRecord(e) && typeof e.logprob === 'number');
      if (!this.logprobs) notes.push('no generated-token logprobs (this Ollama version ignores `logprobs`; recent versions give them): no confidence gate');
    } catch (error) {
      if (!(error instanceof TokenwiseError) || error.kind === 'cancelled') throw error;
      notes.push(`no generated-token logprobs (${error.message})`);
    }
    if (!numCtx) notes.push(`context: ${maxContext} tokens (Ollama's num_ctx; set PARAMETER num_ctx in the Modelfile for more)`);
    const details = isRecord(show.details) ? show.details : {};
    return {
      model: this.model,
      maxContext,
      vocabSize: null,
      tokenize: false,
      tokenPrompts: false,
      distribution: false,
      candidates: false,
      promptLogprobs: false,
      maxTopK: 0,
      generationLogprobs: this.logprobs,
      exactRank: false,
      entropy: false,
      prefixCache: true,
      notes,
      details: {
        server: 'Ollama',
        ...(version ? { version } : {}),
        ...(typeof details.family === 'string' ? { family: details.family } : {}),
        ...(typeof details.parameter_size === 'string' ? { parameters: details.parameter_size } : {}),
        suffixInTemplate: template.includes('.Suffix') ? 'yes' : 'no',
      },
    };
  }

  /** `GET /api/version` → `{version}` (shown in the details: logprobs need a recent version); '' when the server does not say. */
  private async version(signal?: AbortSignal): Promise<string> {
    try {
      const r = await this.http.json<unknown>('GET', '/api/version', undefined, { signal, idempotent: true, timeoutMs: 15_000 });
      return isRecord(r) && typeof r.version === 'string' ? r.version : '';
    } catch (error) {
      if (error instanceof HttpError) return '';
      throw error;
    }
  }

  /** A model `/api/show` does not know: name the ones `GET /api/tags` lists, so the fix is one setting away. */
  private async missingModel(notFound: HttpError, signal?: AbortSignal): Promise<TokenwiseError> {
    let names: string[];
    try {
      const r = await this.http.json<unknown>('GET', '/api/tags', undefined, { signal, idempotent: true, timeoutMs: 15_000 });
      const models = isRecord(r) && Array.isArray(r.models) ? r.models.filter(isRecord) : [];
      names = models.map((m) => (typeof m.name === 'string' ? m.name : typeof m.model === 'string' ? m.model : '')).filter(Boolean);
    } catch (error) {
      if (error instanceof HttpError) return notFound;
      throw error;
    }
    return new TokenwiseError('usage', `Ollama has no model '${this.model}' (${notFound.serverMessage}); it has ${names.join(', ') || 'none'}. Run \`ollama pull ${this.model}\` or set tokenwise.remote.model to one of those.`);
  }

  async generate(prompt: RemotePrompt, options: RemoteGenerateOptions): Promise<RemoteGeneration> {
    const t0 = performance.now();
    let firstTokenMs = -1;
    let text = '';
    let finishReason: 'stop' | 'length' = 'stop';
    const wantLogprobs = options.logprobs === true && this.logprobs;
    const logprobs: number[] = [];
    const tokenBytes: Uint8Array[] = [];
    const encoder = new TextEncoder();
    const s = options.sampling;
    const greedy = !(s?.temperature && s.temperature > 0);
    await this.http.stream(
      '/api/generate',
      {
        model: this.model,
        prompt: prompt.text,
        raw: true,
        stream: true,
        ...(wantLogprobs ? { logprobs: true } : {}),
        options: {
          num_predict: options.maxNewTokens,
          temperature: greedy ? 0 : s!.temperature,
          ...(greedy ? { top_k: 1 } : {}),
          ...(s?.topP !== undefined ? { top_p: s.topP } : {}),
          ...(s?.seed !== undefined ? { seed: s.seed } : {}),
          ...(options.stopStrings.length ? { stop: options.stopStrings } : {}),
        },
      },
      (event) => {
        if (!isRecord(event)) return malformed('POST /api/generate', 'line is not an object');
        if (typeof event.response === 'string' && event.response) {
          if (firstTokenMs < 0) firstTokenMs = performance.now() - t0;
          text += event.response;
        }
        if (wantLogprobs && Array.isArray(event.logprobs))
          for (const e of event.logprobs) {
            if (!isRecord(e) || typeof e.logprob !== 'number' || typeof e.token !== 'string') return malformed('POST /api/generate', 'a logprobs entry is not {token, logprob}');
            logprobs.push(e.logprob);
            tokenBytes.push(Array.isArray(e.bytes) && e.bytes.every((b) => Number.isInteger(b)) ? Uint8Array.from(e.bytes as number[]) : encoder.encode(e.token));
          }
        if (event.done === true) {
          finishReason = event.done_reason === 'length' ? 'length' : 'stop';
          return false;
        }
        return true;
      },
      { signal: options.signal },
    );
    const result: RemoteGeneration = { tokens: null, text, finishReason, firstTokenMs: firstTokenMs < 0 ? performance.now() - t0 : firstTokenMs };
    if (wantLogprobs && logprobs.length) Object.assign(result, { logprobs, tokenBytes });
    return result;
  }
}
