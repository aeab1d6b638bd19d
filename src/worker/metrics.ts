/**
 * The worker's `metrics` method: one text measured by `measureText` (core/metrics) with the
 * comparison tokenizers, the worker's own syntax service for scans (a small tree cache, so a
 * workspace scan never evicts the editor's trees) and, when asked and a model is loaded, the
 * model's bits per byte through the heat map's scoring document.
 */
import { TokenwiseError } from '../core/base/errors';
import type { LoadedModel } from '../core/inference/factory';
import { loadComparisonTokenizers, measureText, metricsModelFor, modelDirOf, type FileMetrics, type MetricsModel, type MetricsParams } from '../core/metrics';
import { findShippedModel } from '../core/model/modelDir';
import { SyntaxService } from '../core/syntax';

export interface MetricsHandler {
  measure(params: MetricsParams, signal: AbortSignal): Promise<FileMetrics>;
  dispose(): void;
}

export function createMetricsHandler(currentModel: () => Promise<LoadedModel | undefined>, searchFrom?: string): MetricsHandler {
  let syntax: SyntaxService | undefined;
  let cachedModel: { loaded: LoadedModel; context: number; model: Promise<MetricsModel> } | undefined;
  return {
    async measure(params, signal) {
      if (typeof params.text !== 'string' || !Array.isArray(params.tokenizers) || typeof params.reference !== 'string')
        throw new TokenwiseError('usage', 'metrics: malformed request');
      const loaded = await currentModel();
      const modelDir = (await modelDirOf(loaded?.backend)) ?? findShippedModel(searchFrom);
      const tokenizers = loadComparisonTokenizers(params.tokenizers, params.reference, { modelDir });
      syntax ??= new SyntaxService({ maxTrees: 2, maxCachedChars: 4 * 1024 * 1024 });
      let model: MetricsModel | undefined;
      const notes: string[] = [];
      if (params.bitsPerByte) {
        if (loaded) {
          const context = params.contextTokens ?? 256;
          if (!cachedModel || cachedModel.loaded !== loaded || cachedModel.context !== context)
            cachedModel = { loaded, context, model: metricsModelFor(loaded.backend, context) };
          model = await cachedModel.model;
        } else notes.push('bits per byte: no model is loaded');
      }
      const doc = params.languageId ? { uri: params.uri, text: params.text, languageId: params.languageId } : { uri: params.uri, text: params.text };
      const result = await measureText(doc, { tokenizers, syntax, ...(model ? { model } : {}), signal });
      syntax.close(params.uri);
      result.notes.push(...notes);
      return result;
    },
    dispose() {
      syntax?.dispose();
      syntax = undefined;
    },
  };
}
