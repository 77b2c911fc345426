// Turning a block into a module that runs it: imports it relies on, the table's preamble,
// the earlier block it continues, and its checked lines routed to the recorder.
import { instrument, type Block, type Expectation } from './blocks.js';
import { SETUPS, SKIPS, type Setup, type Skip } from './table.js';

/** What the test does with a block: run it (with its setup, if any) or skip it, saying why. */
export type Plan = { block: Block; setup?: Setup; skip?: undefined } | { block: Block; skip: Skip; setup?: undefined };

function matching(blocks: readonly Block[], file: string, contains: string): Block[] {
  return blocks.filter((b) => b.file === file && b.code.includes(contains));
}

/** The one block of `file` that contains `contains`; an error names the entry when there is none or more than one. */
export function findBlock(blocks: readonly Block[], file: string, contains: string): Block {
  const found = matching(blocks, file, contains);
  if (found.length !== 1) {
    const where = found.map((b) => `${b.file}:${b.line}`).join(', ');
    throw new Error(`docs-check table: ${file} has ${found.length} \`\`\`ts blocks containing ${JSON.stringify(contains)} (${where || 'none'}); expected exactly one`);
  }
  return found[0]!;
}

/** A plan for every block; an entry of the tables that names no block, or a block two entries name, is an error. */
export function planBlocks(blocks: readonly Block[], setups: readonly Setup[] = SETUPS, skips: readonly Skip[] = SKIPS): Plan[] {
  const named = new Map<Block, string>();
  const claim = (block: Block, entry: string): void => {
    const earlier = named.get(block);
    if (earlier) throw new Error(`docs-check table: ${block.file}:${block.line} is named by two entries, ${earlier} and ${entry}`);
    named.set(block, entry);
  };
  const setupOf = new Map<Block, Setup>();
  const skipOf = new Map<Block, Skip>();
  for (const s of setups) {
    const block = findBlock(blocks, s.file, s.contains);
    claim(block, `setup ${JSON.stringify(s.contains)}`);
    setupOf.set(block, s);
    if (s.after !== undefined) findBlock(blocks, s.file, s.after);
  }
  for (const s of skips) {
    const block = findBlock(blocks, s.file, s.contains);
    claim(block, `skip ${JSON.stringify(s.contains)}`);
    skipOf.set(block, s);
  }
  return blocks.map((block) => {
    const skip = skipOf.get(block);
    if (skip) return { block, skip };
    const setup = setupOf.get(block);
    return setup ? { block, setup } : { block };
  });
}

const GRAD_NAMES = ['grad', 'jacobian', 'hessian', 'verifyGrad', 'seededRandom'];

function importedNames(code: string): Set<string> {
  const names = new Set<string>();
  for (const [, list] of code.matchAll(/import\s*\{([^}]*)\}\s*from/g)) {
    for (const part of list!.split(',')) {
      const name = part.trim().replace(/^type\s+/, '').split(/\s+as\s+/).at(-1)!;
      if (name) names.add(name);
    }
  }
  for (const [, name] of code.matchAll(/import\s+\*\s+as\s+(\w+)/g)) names.add(name!);
  return names;
}

/**
 * The imports a block relies on without writing them, as the guide's prose does
 * (`const T = sym.T` is in its translation table): `sym`, `T`, and @sym/grad's functions.
 */
export function autoImports(code: string): string[] {
  const imported = importedNames(code);
  const lines: string[] = [];
  const usesT = /(?<![\w.])T\./.test(code) && !/\bconst T\b/.test(code);
  if ((/(?<![\w.])sym\./.test(code) || usesT) && !imported.has('sym')) lines.push("import * as sym from '@sym/graph';");
  const grads = GRAD_NAMES.filter((n) => new RegExp(`(?<![\\w.])${n}\\(`).test(code) && !imported.has(n));
  if (grads.length) lines.push(`import { ${grads.join(', ')} } from '@sym/grad';`);
  if (usesT) lines.push('const T = sym.T;');
  return lines;
}

/** The code the block's setup runs before it: the earlier blocks it continues, then its preamble. */
function before(blocks: readonly Block[], setup: Setup | undefined): string[] {
  if (!setup) return [];
  const parts: string[] = [];
  if (setup.after !== undefined) {
    const earlier = findBlock(blocks, setup.file, setup.after);
    const earlierSetup = SETUPS.find((s) => s.file === earlier.file && earlier.code.includes(s.contains));
    parts.push(...before(blocks, earlierSetup), `// continues ${earlier.file}:${earlier.line}`, earlier.code);
  }
  if (setup.preamble !== undefined) parts.push('// preamble (docs-check table)', setup.preamble);
  return parts;
}

/** The module that runs a planned block, and what it should report. */
export function compose(plan: Plan, blocks: readonly Block[], harness: string): { source: string; expectations: Expectation[] } {
  if (plan.skip) throw new Error(`docs-check: ${plan.block.file}:${plan.block.line} is skipped (${plan.skip.reason}); it has no module`);
  const { block, setup } = plan;
  const { code, expectations } = instrument(block, setup?.prose);
  const epilogue: string[] = [];
  for (const c of setup?.claims ?? []) {
    const match = c.promised.exec(block.code);
    if (!match) throw new Error(`docs-check table: ${block.file}:${block.line} no longer says what ${c.promised} reads (the claim of ${c.expr})`);
    const line = block.line + block.code.slice(0, match.index).split('\n').length - 1;
    const key = -(epilogue.length + 1);
    expectations.push({ kind: 'value', key, line, text: match[1]! });
    epilogue.push(`__docs.value(${key}, await (${c.expr})); // claim at ${block.file}:${line}`);
  }
  const head = before(blocks, setup);
  const body = [...head, `// ${block.file}:${block.line}`, code, ...epilogue].join('\n');
  const source = [`import { recorder as __recorder } from '${harness}';`, ...autoImports(body), 'const __docs = __recorder();', 'const console = __docs.console;', body, ''].join('\n');
  return { source, expectations };
}
