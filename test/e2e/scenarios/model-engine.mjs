// The inference engine starts in the extension host's worker and reports its model and provider.
export default {
  name: 'model-engine',
  description: 'the Tokenwise log names the loaded model and the active execution provider',
  timeoutMs: 90_000,
  async run(t) {
    await t.step('the log names the active execution provider', async () => {
      const m = await t.waitForLog(/execution provider:?\s+(cpu|cuda|webgpu)\b(?!\s+unavailable)[^\n]*/i, { timeoutMs: 60_000 });
      t.log(`log: ${m[0]}`);
    });
    await t.step('the log names the model', async () => {
      const m = await t.waitForLog(/\bmodel:?\s+\S+[^\n]*/i, { timeoutMs: 30_000 });
      t.log(`log: ${m[0].slice(0, 160)}`);
    });
    await t.step('no error was logged', async () => {
      const errors = t.extensionLog().split('\n').filter((l) => /\[error\]/.test(l));
      if (errors.length) throw new Error(`the Tokenwise log has errors:\n${errors.slice(0, 5).join('\n')}`);
    });
  },
};
