/** The API-context stage: project signatures as a comment block in the document's language, within a token budget. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderApiContext } from '../../../../src/core/completion/context/apiContext';

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

test('renders # or // comment lines, most relevant first, cut to the budget; empty without signatures', () => {
  const signatures = ['Inventory.restock(sku: str, quantity: int = 1) -> None', 'Inventory.withdraw(sku: str, quantity: int) -> bool', 'reorder_threshold(daily_sales: float, lead_days: int) -> float'];
  assert.equal(renderApiContext({ signatures }, 'python', words), `# Project APIs:\n${signatures.map((s) => `# ${s}\n`).join('')}`);
  assert.match(renderApiContext({ signatures }, 'typescript', words), /^\/\/ Project APIs:\n\/\/ Inventory\.restock/);
  const cut = renderApiContext({ signatures, budgetTokens: 16 }, 'python', words);
  assert.ok(words(cut) <= 16 && cut.includes('restock') && !cut.includes('reorder_threshold'), cut);
  assert.equal(renderApiContext({ signatures, budgetTokens: 3 }, 'python', words), '');
  assert.equal(renderApiContext({ signatures: [] }, 'python', words), '');
  assert.equal(renderApiContext(undefined, 'python', words), '');
});
