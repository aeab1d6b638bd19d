/** The project API index: extraction, import resolution, persistence, receivers and member ranking. See README.md. */
export * from './types';
export { ProjectIndex, indexFormat, indexVersion, type Binding, type IndexStats } from './projectIndex';
export { extractFile, recordOf, indexLanguageOf, memberUsages } from './extract';
export { buildIndex, indexFile, forgetFile, scanIndexable, isIndexedName, isConfigUri, type BuildOptions, type BuildReport, type IndexFileOptions, type IndexSyntax } from './build';
export { IgnoreRules } from './ignore';
export { isTestFile } from './testFiles';
export { resolveModule, resolveEcmaModule, resolvePythonModule, joinPath, dirname } from './resolve';
export { loadTsConfig, parseJsonc } from './tsconfig';
export * from './receivers';
export * from './ranking';
export * from './members';
export { splitIdentifier, wordsOf } from './words';
