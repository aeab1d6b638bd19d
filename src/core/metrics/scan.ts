/**
 * The workspace side of the metrics: which files a scan measures (source code by extension,
 * through the workspace scan's skip rules, `files.exclude` and `.gitignore`; binaries and files
 * over the size limit left out) and reading one as text. IO only through the injected
 * `WorkspaceFs`.
 */
import { looksBinary } from '../base/document';
import { createScanFilter, type ScanFilterOptions } from '../workspace/ignore';
import { scanSourceFiles, type ScannedFile } from '../workspace/scan';
import type { WorkspaceFs } from '../workspace/fs';

/** Extensions of source files a workspace scan measures. */
export const sourceExtensions: ReadonlySet<string> = new Set([
  'py', 'pyi', 'ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs', 'java', 'go', 'rs', 'c', 'h', 'cc', 'cpp', 'hpp', 'cs', 'rb', 'php', 'swift', 'kt', 'scala', 'sh', 'lua', 'sql', 'css', 'scss', 'html', 'vue', 'svelte',
]);

export function isSourceFile(name: string): boolean {
  if (/\.min\.(js|mjs|css)$/.test(name)) return false; // minified bundles are build output
  const dot = name.lastIndexOf('.');
  return dot > 0 && sourceExtensions.has(name.slice(dot + 1).toLowerCase());
}

export interface MetricsScanOptions extends ScanFilterOptions {
  maxFileBytes?: number;
  maxFiles?: number;
  signal?: AbortSignal;
}

export interface MetricsScan {
  files: ScannedFile[];
  truncated: boolean;
  skippedLarge: number;
}

/** Source files under `root` a scan measures, in a stable order. */
export async function scanMetricsFiles(fs: WorkspaceFs, root: string, options: MetricsScanOptions = {}): Promise<MetricsScan> {
  const filter = createScanFilter(fs, root, options);
  return scanSourceFiles(fs, root, {
    include: isSourceFile,
    maxFileBytes: options.maxFileBytes ?? 1_000_000,
    maxFiles: options.maxFiles ?? 20_000,
    exclude: (uri, type) => filter.exclude(uri, type),
    enterDirectory: (uri, entries) => filter.enterDirectory(uri, entries),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** The file's text, or undefined for a binary file (a leading BOM dropped, as VS Code does). */
export async function readSourceText(fs: WorkspaceFs, uri: string): Promise<string | undefined> {
  const bytes = await fs.readFile(uri);
  if (looksBinary(bytes)) return undefined;
  const text = new TextDecoder('utf-8').decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
