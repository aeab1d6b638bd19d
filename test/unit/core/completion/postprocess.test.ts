import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bracketState, placeInLine, postprocess, rules, type PostprocessContext } from '../../../../src/core/completion/postprocess/postprocess';

const base: PostprocessContext = {
  linePrefix: '    return ',
  lineSuffix: '',
  textBelow: '',
  multiline: false,
  indentUnit: '    ',
  stopStrings: ['<|endoftext|>', '<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>'],
};

interface Golden {
  name: string;
  rule: string;
  raw: string;
  ctx?: Partial<PostprocessContext>;
  expected: string | undefined;
}

/** One golden case (at least) per rule, checked through the whole pipeline. */
const goldens: Golden[] = [
  { name: 'leaked FIM sentinel is cut', rule: 'cutAtSpecialTokens', raw: 'a + b<|fim_middle|>junk', expected: 'a + b' },
  { name: 'leaked <think> is cut', rule: 'cutAtSpecialTokens', raw: 'x<think>hmm', expected: 'x' },
  { name: 'completion that is only a special token shows nothing', rule: 'cutAtSpecialTokens', raw: '<|endoftext|>', expected: undefined },
  { name: 'markdown fence around code is removed', rule: 'stripMarkdownFences', raw: '```python\nx = 1\ny = 2\n```\nMore prose', ctx: { linePrefix: '', multiline: true }, expected: 'x = 1\ny = 2' },
  { name: 'a degenerate loop is cut after its first copy', rule: 'cutRepetitionLoop', raw: 'return _is_1, 3, 0, 0, 0, 0, 0, 0, 0,', expected: 'return _is_1, 3, 0' },
  { name: 'a word loop is cut too; ordinary repetition stays', rule: 'cutRepetitionLoop', raw: 'if not not not not not not x', ctx: { linePrefix: '    ' }, expected: 'if not' },
  { name: 'single line when text sits right of the cursor', rule: 'keepSingleLine', raw: 'a, b)\n    more()', ctx: { linePrefix: 'f(', lineSuffix: '' }, expected: 'a, b)' },
  { name: 'trailing whitespace and blank lines are trimmed', rule: 'trimTrailingWhitespace', raw: 'if x:  \n        y()\t\n\n', ctx: { linePrefix: '    ', multiline: true }, expected: 'if x:\n        y()' },
  { name: 'stops before repeating the line below', rule: 'stopAtRepeatedLineBelow', raw: 'x = 1\n    return x', ctx: { linePrefix: '    ', multiline: true, textBelow: '    return x\n' }, expected: 'x = 1' },
  { name: 'a first line equal to the line below is dropped', rule: 'stopAtRepeatedLineBelow', raw: 'x', ctx: { linePrefix: '    return ', textBelow: '\n    return x\n' }, expected: undefined },
  { name: 'stops where the block ends (dedent below the cursor line)', rule: 'stopAtBlockEnd', raw: 'total = 0\n    for v in values:\n        total += v\n\ndef other():\n    pass', ctx: { linePrefix: '    ', multiline: true }, expected: 'total = 0\n    for v in values:\n        total += v' },
  { name: 'keeps the closing brace of the block, then stops', rule: 'stopAtBlockEnd', raw: 'if (ok) {\n    go();\n  }\n  more();\n}\nnext();', ctx: { linePrefix: '  ', multiline: true, indentUnit: '  ' }, expected: 'if (ok) {\n    go();\n  }\n  more();\n}' },
  { name: 'tabs become the document’s spaces on continuation lines', rule: 'matchIndentation', raw: 'if ok:\n\t\tgo()', ctx: { linePrefix: '    ', multiline: true }, expected: 'if ok:\n        go()' },
  { name: 'spaces become tabs in a tab-indented document', rule: 'matchIndentation', raw: 'if ok:\n        go()', ctx: { linePrefix: '\t', multiline: true, indentUnit: '\t' }, expected: 'if ok:\n\t\tgo()' },
  { name: 'indentation typed twice is removed', rule: 'matchIndentation', raw: '    x = 1', ctx: { linePrefix: '    ', multiline: true }, expected: 'x = 1' },
  { name: 'duplicated closing bracket is removed', rule: 'removeSuffixOverlap', raw: 'a, b)', ctx: { linePrefix: 'f(', lineSuffix: ')' }, expected: 'a, b' },
  { name: 'duplicated closing brackets and colon are removed', rule: 'removeSuffixOverlap', raw: 'n in range(10)):', ctx: { linePrefix: 'for ', lineSuffix: ')):' }, expected: 'n in range(10' },
  { name: 'a short word overlap is kept (not a duplicate)', rule: 'removeSuffixOverlap', raw: 'count', ctx: { linePrefix: 'x = ', lineSuffix: 'nt' }, expected: 'count' },
  { name: 'a long repeated tail is removed', rule: 'removeSuffixOverlap', raw: 'value + offset', ctx: { linePrefix: 'y = ', lineSuffix: 'offset' }, expected: 'value + ' },
  // Issue 17 item 2: the `)` VS Code auto-closed after `print(` is the call's; `items()` keeps its own.
  { name: 'a closer the line needs is kept before an auto-closed bracket', rule: 'removeSuffixOverlap', raw: 'ems()', ctx: { linePrefix: '    print(self.stock.it', lineSuffix: ')' }, expected: 'ems()' },
  // Issue 17 item 5: naive mode, prompt ending in the token `ret`: the model starts the next line.
  { name: 'a new line glued onto the cursor line is dropped', rule: 'dropGluedLine', raw: '        if self.stdout is None:', ctx: { linePrefix: '        ret', textBelow: '        if self.stdout is None:\n' }, expected: undefined },
  { name: 'two spaces before a comment are not a glued line', rule: 'dropGluedLine', raw: '  # done', ctx: { linePrefix: 'x = 1' }, expected: '  # done' },
];

for (const g of goldens) {
  test(`postprocess golden: ${g.name}`, () => {
    assert.ok(rules.some(([name]) => name === g.rule), `unknown rule ${g.rule}`);
    assert.equal(postprocess(g.raw, { ...base, ...g.ctx }), g.expected);
  });
}

test('every rule has a golden case that fails without it', () => {
  for (const [name] of rules) {
    const cases = goldens.filter((g) => g.rule === name);
    assert.ok(cases.length > 0, `no golden for ${name}`);
    const without = rules.filter(([n]) => n !== name);
    const differs = cases.some((g) => {
      let text = g.raw;
      const ctx = { ...base, ...g.ctx };
      for (const [, rule] of without) text = rule(text, ctx);
      return (text.trim() === '' ? undefined : text) !== g.expected;
    });
    assert.ok(differs, `rule ${name} changes none of its goldens`);
  }
});

test('bracketState: mismatched closers, open brackets, strings and comments', () => {
  assert.deepEqual(bracketState('f(a, [b])'), { mismatch: false, open: 0 });
  assert.deepEqual(bracketState('f(a, b))'), { mismatch: true, open: 0 });
  assert.deepEqual(bracketState('print(self.x('), { mismatch: false, open: 2 });
  assert.deepEqual(bracketState('s = ")(" + f('), { mismatch: false, open: 1 });
  assert.deepEqual(bracketState('x = 1  # )'), { mismatch: false, open: 0, comment: true });
});

/** Issue 17 item 2: text VS Code's auto-closing already put right of the cursor. */
test('placeInLine: insert before an auto-closed bracket, replace it, or show nothing', () => {
  // `self.stock.it|)` + `items()` (the model leaves the `)` to the auto-closed one): inserted.
  assert.deepEqual(placeInLine('ems()', { linePrefix: '    n = len(self.stock.it', lineSuffix: ')' }), { text: 'ems()', replace: 0 });
  // `self.stock.it|)` + `items()):` (the model wrote the closer itself): replaces the auto-closed `)`.
  assert.deepEqual(placeInLine('ems()):', { linePrefix: '    for k in sorted(self.stock.it', lineSuffix: ')' }), { text: 'ems()):', replace: 1 });
  // `return (proxy_info_from_u|)` + `rl())`: replaces it, no `proxy_info_from_url()))`.
  assert.deepEqual(placeInLine('rl())', { linePrefix: '    return (proxy_info_from_u', lineSuffix: ')' }), { text: 'rl())', replace: 1 });
  // `items():` before the `)` would read `items():)`, and without it `print(` stays open: nothing.
  assert.equal(placeInLine('ems():', { linePrefix: '    print(self.stock.it', lineSuffix: ')' }), undefined);
  // Quotes: `open("da|")` + `ta.csv"` replaces the auto-closed quote.
  assert.deepEqual(placeInLine('ta.csv")', { linePrefix: 'f = open("da', lineSuffix: '")' }), { text: 'ta.csv")', replace: 2 });
  // A completion ending in a comment would put the auto-closed `)` inside it: replaces it.
  assert.deepEqual(placeInLine('e)  # 1', { linePrefix: '    total = len(valu', lineSuffix: ')' }), { text: 'e)  # 1', replace: 1 });
  // Not auto-inserted text (a word right of the cursor): inserted as is.
  assert.deepEqual(placeInLine('x', { linePrefix: 'a = ', lineSuffix: ' + b' }), { text: 'x', replace: 0 });
});
