/** The entropy heat map's core: metrics in bits, the document scoring model, the content cache. */
export * from './metrics';
export * from './document';
export { contentHash, ContentCache } from './cache';
export * from './view';
export { scoreText } from './scoreText';
