/**
 * The model side of the metrics: a loaded backend → what `measureText` needs for bits per byte
 * (the heat map's scoring geometry) and the information capacity's FLOPs (from the model
 * directory's config.json). Shared by the worker, the CLI and the benchmark.
 */
import { scoringGeometry } from '../entropy/document';
import { defaultContextTokens } from '../entropy/view';
import type { InferenceBackend } from '../inference/types';
import { readModelFiles } from '../model/modelDir';
import { decodeFlopsPerToken, flopsConfig, paperGenLength } from './capacity';
import type { MetricsModel } from './measure';

export async function metricsModelFor(backend: InferenceBackend, contextTokens = defaultContextTokens): Promise<MetricsModel> {
  const info = await backend.info();
  const model: MetricsModel = { backend, geometry: scoringGeometry(info, contextTokens, 1), name: info.name };
  if (info.backend === 'onnx') {
    try {
      const config = flopsConfig(readModelFiles(info.location).config as Record<string, unknown>);
      if (config) {
        const genLength = Math.min(paperGenLength, info.maxContext);
        model.flopsPerToken = decodeFlopsPerToken(config, genLength);
        model.genLength = genLength;
      }
    } catch {
      // No readable config.json: bits per byte without the information capacity.
    }
  }
  return model;
}

/** The model directory whose tokenizer.json is the `model` tokenizer: the loaded model's, if local. */
export async function modelDirOf(backend: InferenceBackend | undefined): Promise<string | undefined> {
  if (!backend) return undefined;
  const info = await backend.info();
  return info.backend === 'onnx' ? info.location : undefined;
}
