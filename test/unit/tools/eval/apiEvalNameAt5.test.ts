/** eval api's convNameAt5: the target or another API of its name in the top 5 — reported beside convAccuracyAt5, never in it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateConversational } from '../../../../src/tools/eval/apiEval';
import { fixtureWorkspace, indexOf } from '../../core/index/helpers';

test('an override whose base says the same is a miss in convAccuracyAt5 and a hit in convNameAt5', async (t) => {
  // The base's doc is the override's: with the override's hidden, the base and five more documented writers outrank it.
  const writers = ['write_records', 'dump_records', 'save_records', 'flush_records', 'emit_records'].map((n) => `def ${n}(records, output_file):\n    """Write every record to the output file, one per line."""\n`);
  const files: Record<string, string> = {
    'pkg/writers.py': writers.join('\n\n'),
    'pkg/base.py': 'class Exporter:\n    def run(self, records, output_file):\n        """Write every record to the output file, one per line, then close it."""\n\n    def close(self):\n        """Release the exporter."""\n',
    'pkg/csv_export.py': 'from .base import Exporter\n\n\nclass CsvExporter(Exporter):\n    def run(self, rows, sink):\n        """Write every record to the output file, one per line, then close it."""\n        sink.close()\n',
  };
  const ranks: Record<string, { rank: number; top: string[] }> = {};
  const report = await evaluateConversational(await indexOf(fixtureWorkspace(t, files)), { onConvCase: (c) => (ranks[c.name] = { rank: c.rank, top: c.top }) });
  const override = ranks['CsvExporter.run']!;
  assert.ok(override.rank === 0 || override.rank > 5, JSON.stringify(override));
  assert.ok(override.top.includes('run'), JSON.stringify(override));
  assert.ok(report.convNameAt5 > report.convAccuracyAt5, JSON.stringify(report));
});
