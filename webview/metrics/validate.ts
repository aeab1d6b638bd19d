// Shape checks of the messages the host sends (a page must not trust what it is posted either:
// a malformed message is dropped with a console warning and changes nothing on screen).
import type { ActiveFigures, MetricsPanelState, ScanFigures } from '../../src/core/protocol/metricsPanel';
import type { FileRow, MetricsSummary, TokenizerSummary } from '../../src/core/metrics/types';

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isNumOrNull = (v: unknown) => v === null || isNum(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isDist = (v: unknown) => isRec(v) && isNum(v.mean) && isNum(v.median) && isNum(v.p95);
const isNumArray = (v: unknown) => Array.isArray(v) && v.length <= 100_000 && v.every(isNum);

function isTokenizerSummary(v: unknown): v is TokenizerSummary {
  return (
    isRec(v) &&
    isStr(v.tokenizer) &&
    isNum(v.tokens) &&
    isDist(v.bytesPerToken) &&
    isDist(v.charsPerToken) &&
    isDist(v.tokensPerLine) &&
    isNumArray(v.tokenBytesHistogram) &&
    isNumArray(v.tokensPerLineHistogram) &&
    isNum(v.whitespaceShare) &&
    isNum(v.splitCharShare) &&
    isNumOrNull(v.identifierTokensMean) &&
    isNumOrNull(v.identifierSplitShare) &&
    isNumOrNull(v.crossingShare) &&
    isRec(v.purity) &&
    isNum(v.purity.all) &&
    isNumOrNull(v.purity.identifierTokens) &&
    isNumOrNull(v.purity.unique) &&
    isNumOrNull(v.premium) &&
    Array.isArray(v.worst) &&
    v.worst.every((w) => isRec(w) && isStr(w.name) && isNum(w.tokens) && Array.isArray(w.pieces) && w.pieces.every(isStr))
  );
}

export function isSummary(v: unknown): v is MetricsSummary {
  if (!isRec(v) || !isNum(v.files) || !isNum(v.bytes) || !isNum(v.chars) || !isNum(v.lines) || !isStr(v.reference)) return false;
  if (!Array.isArray(v.tokenizers) || !v.tokenizers.every(isTokenizerSummary)) return false;
  if (!Array.isArray(v.compression) || !v.compression.every((c) => isRec(c) && isStr(c.name) && isNum(c.bitsPerByte))) return false;
  if (v.model !== undefined) {
    const m = v.model;
    if (!isRec(m) || !isStr(m.model) || !isNum(m.bitsPerByte) || !isNum(m.tokens) || !isNum(m.rawBitsPerToken) || !isNum(m.nllBitsPerToken)) return false;
    if (m.informationCapacity !== undefined && !isNum(m.informationCapacity)) return false;
  }
  return true;
}

export function isActiveFigures(v: unknown): v is ActiveFigures {
  return isRec(v) && (v.scope === 'file' || v.scope === 'selection') && isStr(v.title) && isStr(v.uri) && typeof v.scoring === 'boolean' && Array.isArray(v.notes) && v.notes.every(isStr) && isSummary(v.summary);
}

export function isRow(v: unknown): v is FileRow {
  const numMap = (m: unknown) => isRec(m) && Object.values(m).every(isNumOrNull);
  return (
    isRec(v) &&
    isStr(v.uri) &&
    (v.label === undefined || isStr(v.label)) &&
    isStr(v.language) &&
    isNum(v.bytes) &&
    isNum(v.lines) &&
    numMap(v.tokens) &&
    numMap(v.bytesPerToken) &&
    numMap(v.premium) &&
    numMap(v.identifierSplitShare) &&
    numMap(v.compression) &&
    (v.bitsPerByte === undefined || isNum(v.bitsPerByte))
  );
}

export function isScanFigures(v: unknown): v is ScanFigures {
  return (
    isRec(v) &&
    isSummary(v.summary) &&
    Array.isArray(v.languages) &&
    v.languages.every((l) => isRec(l) && isStr(l.language) && isSummary(l.summary)) &&
    isNum(v.done) &&
    isNum(v.total) &&
    (v.state === 'running' || v.state === 'done' || v.state === 'cancelled') &&
    isStr(v.skipped)
  );
}

export function isState(v: unknown): v is MetricsPanelState {
  return (
    isRec(v) &&
    v.version === 1 &&
    (v.active === undefined || isActiveFigures(v.active)) &&
    (v.scan === undefined || isScanFigures(v.scan)) &&
    Array.isArray(v.rows) &&
    v.rows.every(isRow) &&
    isRec(v.sort) &&
    isStr(v.sort.column) &&
    typeof v.sort.descending === 'boolean' &&
    (v.tab === 'active' || v.tab === 'workspace')
  );
}

export { isRec, isStr };
