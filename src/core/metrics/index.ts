/**
 * Compression metrics: how efficiently each tokenizer and the model encode a text (file,
 * selection, workspace). Per-file counts (`measureText`) add up; `summarize` turns them into the
 * figures defined in the README ("Compression metrics").
 */
export * from './types';
export { measureText, languageOf, loadComparisonTokenizers, tokenizerDisplayName, defaultTokenizers, defaultReference, type MeasureOptions, type MetricsModel, type TextInput } from './measure';
export { summarize, summarizeByLanguage, fileRow, MetricsAccumulator } from './summary';
export { tokenizerCounts, countLines, codePoints } from './tokens';
export { identifiersFromSyntax, subwords, subwordRanges, type Identifier } from './identifiers';
export { defaultCompressors, unavailableCompressors, gzip9, brotli11, type Compressor } from './compression';
export { metricsModelFor, modelDirOf } from './model';
export { decodeFlopsPerToken, flopsConfig, informationCapacity, paperNumeratorBias, paperGenLength, type FlopsConfig } from './capacity';
export { distribution, quantile, histogram, addSample, mergeHistogram } from './stats';
export { metricsCsv, metricsJson, type MetricsReport } from './export';
export { scanMetricsFiles, readSourceText, isSourceFile, sourceExtensions, type MetricsScan, type MetricsScanOptions } from './scan';
