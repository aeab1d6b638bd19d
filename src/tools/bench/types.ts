/** What every benchmark returns: rows of figures, goal checks and facts about the run. */

export interface BenchRow {
  metric: string;
  value: number;
  unit: string;
  note?: string;
}
export interface BenchGoal {
  goal: string;
  met: boolean;
  value: string;
}
export interface BenchResult {
  benchmark: string;
  info: Record<string, unknown>;
  rows: BenchRow[];
  goals: BenchGoal[];
}
export interface BenchContext {
  options: Readonly<Record<string, string | number | boolean | undefined>>;
  signal: AbortSignal;
  /** Progress lines (stderr), so stdout stays the result. */
  progress(line: string): void;
}
export interface Benchmark {
  name: string;
  summary: string;
  run(ctx: BenchContext): Promise<BenchResult>;
}

