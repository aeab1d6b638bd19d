// The compression metrics panel in VS Code: the command opens a webview panel whose figures for
// the active file equal `tokenwise metrics <file> --json`; a workspace scan lists the fixture's
// files. Webview content is reached through the nested frames (iframe.webview.ready, #active-frame).
import { join } from 'node:path';

const COMMAND = 'Tokenwise: Show Compression Metrics';

export default {
  name: 'metrics-panel',
  description: 'the metrics command opens the panel with figures for the active file (= CLI) and scans the workspace',
  timeoutMs: 180_000,
  async run(t) {
    const file = 'shapes.py';
    const cli = JSON.parse(t.cli('metrics', join(t.fixtureDir, file), '--json'));
    const ref = cli.tokenizers.o200k_base;
    if (!ref) throw new Error(`tokenwise metrics --json has no o200k_base entry: ${JSON.stringify(cli).slice(0, 200)}`);
    let frame;
    await t.step(`open ${file} and run "${COMMAND}"`, async () => {
      await t.wb.openFile(file);
      await t.wb.runCommand(COMMAND);
      frame = t.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
      await frame.locator('#tokenizer-table').waitFor({ timeout: 60_000 });
    });
    await t.step('the panel shows the figures of the active file, equal to the CLI', async () => {
      const title = await frame.locator('#active-title').textContent();
      if (!title?.includes(file)) throw new Error(`panel title "${title}" does not name ${file}`);
      const bytes = (await frame.locator('#card-bytes .card-value').textContent())?.replace(/,/g, '');
      if (Number(bytes) !== cli.bytes) throw new Error(`panel bytes ${bytes} != CLI ${cli.bytes}`);
      const tokens = (await frame.locator('#card-tokens .card-value').textContent())?.replace(/,/g, '');
      if (Number(tokens) !== ref.tokens) throw new Error(`panel o200k tokens ${tokens} != CLI ${ref.tokens}`);
      const bpt = await frame.locator('#card-bytes-per-token .card-value').textContent();
      if (Math.abs(Number(bpt) - ref.bytesPerToken) > 0.006) throw new Error(`panel bytes/token ${bpt} != CLI ${ref.bytesPerToken}`);
      const headers = await frame.locator('#tokenizer-table thead th').allTextContents();
      if (!headers.some((h) => h.startsWith('cl100k_base')) || !headers.some((h) => h.startsWith('model'))) throw new Error(`tokenizer columns: ${headers.join(' | ')}`);
      await t.waitFor(async () => (await frame.locator('#active-view .chart canvas').count()) >= 3, { timeoutMs: 20_000, message: () => 'no charts drawn in the panel' });
      t.log(`panel: ${bytes} bytes, ${tokens} o200k tokens, ${bpt} bytes/token; columns ${headers.slice(1).join(', ')}`);
    });
    await t.step('bits per byte from the model appear (the model is loaded)', async () => {
      await t.waitFor(async () => /^\d+\.\d{3}$/.test((await frame.locator('#card-bpb .card-value').textContent()) ?? ''), {
        timeoutMs: 60_000,
        message: 'no bits per byte in the panel',
      });
      t.log(`bits per byte ${await frame.locator('#card-bpb .card-value').textContent()}`);
      await t.screenshot('metrics-panel');
    });
    await t.step('a workspace scan lists the fixture files', async () => {
      await frame.locator('#tab-workspace').click();
      await frame.locator('#scan').click();
      await t.waitFor(async () => /^Done/.test((await frame.locator('#scan-status').textContent()) ?? ''), { timeoutMs: 60_000, message: 'the scan did not finish' });
      const names = await frame.locator('#file-table tbody td:first-child').allTextContents();
      for (const f of ['shapes.py', 'cart.ts']) if (!names.some((n) => n.endsWith(f))) throw new Error(`scan rows ${names.join(', ')} miss ${f}`);
      t.log(`scan rows: ${names.join(', ')}`);
      await t.screenshot('metrics-scan');
    });
  },
};
