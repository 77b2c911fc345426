// The reading of blocks and comments, and the runner's verdicts, on small made-up blocks.
import '@sym/backend-cpu';
import { describe, expect, it } from 'vitest';
import { extractBlocks, instrument, leadingValue, type Block } from './blocks.js';
import { autoImports, compose, planBlocks } from './compose.js';
import { generatedDir, moduleName, runModule } from './run.js';

const block = (code: string, line = 10): Block => ({ file: 'doc.md', line, code });

describe('extractBlocks', () => {
  it('reads ```ts blocks, indented ones too, and leaves other languages alone', () => {
    const text = ['# t', '```ts', 'const a = 1;', '```', '```python', 'x = 1', '```', '- item', '  ```ts', '  const b = 2;', '    nested();', '  ```'].join('\n');
    expect(extractBlocks('doc.md', text)).toEqual([
      { file: 'doc.md', line: 3, code: 'const a = 1;' },
      { file: 'doc.md', line: 10, code: 'const b = 2;\n  nested();' },
    ]);
  });

  it('refuses a block that is never closed, naming where it opens', () => {
    expect(() => extractBlocks('doc.md', 'a\n```ts\nconst a = 1;\n')).toThrow('doc.md:2: a ```ts block that is never closed');
  });
});

describe('leadingValue', () => {
  it('takes the bracketed value or the number that starts a comment, not the prose after it', () => {
    expect(leadingValue('[ 2.  8. 18.]: w2 was replaced by y * 2')).toBe('[ 2.  8. 18.]');
    expect(leadingValue('[array([14., 32.]), array(91.)]')).toBe('[array([14., 32.]), array(91.)]');
    expect(leadingValue('array(91.)')).toBe('array(91.)');
    expect(leadingValue('[-1000.], where the naive graph gives -inf')).toBe('[-1000.]');
    expect(leadingValue('9.0')).toBe('9.0');
    expect(leadingValue('-1.5e-3; small')).toBe('-1.5e-3');
  });

  it('calls a comment that starts with words prose', () => {
    expect(leadingValue("returns w's value from before the update")).toBeUndefined();
    expect(leadingValue('passes')).toBeUndefined();
    expect(leadingValue('2x faster')).toBeUndefined();
  });

  it('refuses unbalanced brackets', () => {
    expect(() => leadingValue('[[1. 2.]')).toThrow('not balanced');
  });
});

describe('instrument', () => {
  it('routes awaited values, prints and expected errors to the recorder, with their lines', () => {
    const { code, expectations } = instrument(
      block(['const v = await f(); // [1. 2.]: prose', 'await g(); // says what it does', 'console.log(a, b); // 1 2', 'await h();', '// [array(1.),', '//  array(2.)]', 'await bad();', '// RangeError: no'].join('\n')),
    );
    expect(expectations).toEqual([
      { kind: 'value', key: 10, line: 10, text: '[1. 2.]' },
      { kind: 'log', key: 12, line: 12, text: '1 2' },
      { kind: 'value', key: 13, line: 13, text: '[array(1.),\n array(2.)]' },
      { kind: 'error', key: 16, line: 16, text: 'RangeError: no' },
    ]);
    expect(code.split('\n')).toEqual([
      'const v = __docs.value(10, await (f())); // [1. 2.]: prose',
      'await g(); // says what it does',
      '__docs.log(12, a, b); // 1 2',
      '__docs.value(13, await (h()));',
      '// [array(1.),',
      '//  array(2.)]',
      'await __docs.rejects(16, async () => (bad()));',
      '// RangeError: no',
    ]);
  });

  it("reads a console.log comment's \\n as a line break, and leaves the comments of prose lines alone", () => {
    const { expectations } = instrument(block('console.log(String(m)); // [[1. 2.]\\n [3. 4.]]\nconsole.log(n); // quick'), ['// quick']);
    expect(expectations).toEqual([{ kind: 'log', key: 10, line: 10, text: '[[1. 2.]\n [3. 4.]]' }]);
  });
});

describe('autoImports', () => {
  it('adds sym, T and @sym/grad functions a block uses without importing them', () => {
    expect(autoImports('const x = T.vector("x"); grad(x.sum(), x); sym.pp(x);')).toEqual([
      "import * as sym from '@sym/graph';",
      "import { grad } from '@sym/grad';",
      'const T = sym.T;',
    ]);
    expect(autoImports("import * as sym from '@sym/graph';\nimport { grad, type GradContext } from '@sym/grad';\nconst T = sym.T;\ngrad(T.x);")).toEqual([]);
    expect(autoImports('x.grad(y); obj.T.foo;')).toEqual([]);
  });
});

describe('planBlocks', () => {
  const blocks = [block('const a = 1;', 3), block('const b = 2;', 9)];

  it('refuses an entry that names no block, or more than one', () => {
    expect(() => planBlocks(blocks, [{ file: 'doc.md', contains: 'const c' }], [])).toThrow('doc.md has 0 ```ts blocks containing "const c" (none); expected exactly one');
    expect(() => planBlocks(blocks, [], [{ file: 'doc.md', contains: 'const', reason: 'r' }])).toThrow('(doc.md:3, doc.md:9)');
  });

  it('refuses a block that two entries name', () => {
    expect(() => planBlocks(blocks, [{ file: 'doc.md', contains: 'a = 1' }], [{ file: 'doc.md', contains: 'const a', reason: 'r' }])).toThrow(
      'doc.md:3 is named by two entries',
    );
  });

  it('runs every block no entry names', () => {
    const plans = planBlocks(blocks, [], [{ file: 'doc.md', contains: 'const b', reason: 'needs a browser' }]);
    expect(plans.map((p) => [p.block.line, p.skip?.reason])).toEqual([
      [3, undefined],
      [9, 'needs a browser'],
    ]);
  });
});

// The runner, end to end, on blocks whose comments are right, wrong, or whose code throws.
describe('runModule', () => {
  const run = async (code: string): Promise<string[]> => {
    const b = block(code, 100);
    const { source, expectations } = compose({ block: b }, [b], '../../src/harness.js');
    return runModule('doc.md:100', generatedDir('selftest'), moduleName('doc.md', 100), source, expectations, 'doc.md');
  };

  it('passes a block whose comments say what it gives', async () => {
    expect(await run("const x = T.vector('x');\nawait sym.function([x], x.mul(2))([1, 2]); // [2. 4.]\nconsole.log(String(await x.sum().eval({ x: [1, 2] }))); // 3.0")).toEqual([]);
  });

  it('names the line, the comment and what the run gave when they differ', async () => {
    expect(await run("const x = T.vector('x');\nawait sym.function([x], x.mul(2))([1, 2]); // [2. 5.]\nconsole.log(String(await x.sum().eval({ x: [1, 2] }))); // 3")).toEqual([
      'doc.md:101: the comment says "[2. 5.]"; the run gave "[2. 4.]"',
      'doc.md:102: the comment says "3"; the run printed "3.0"',
    ]);
  });

  it('reports an expected error that does not come, and a line that never ran', async () => {
    expect(await run("const x = T.vector('x');\nawait x.sum().eval({ x: [1] });\n// TypeError: no\nif (Math.PI < 3) {\n  await x.eval({ x: [1] }); // [1.]\n}")).toEqual([
      'doc.md:101: the comment says "TypeError: no"; the run gave "no error; the value: 1.0"',
      'doc.md:104: the comment says "[1.]"; the run never reached the line',
    ]);
  });

  it('fails a block that throws, naming it', async () => {
    await expect(run("T.vector('x').add(T.matrix('y')).get(0, 0, 0);")).rejects.toThrow(/^doc\.md:100: the block threw/);
  });
});
