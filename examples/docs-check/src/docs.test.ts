// Every ```ts block of the user documentation runs, typechecks, and prints what its comments say.
import '@sym/backend-cpu';
import { execFile } from 'node:child_process';
import { rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { documentedFiles, readBlocks } from './blocks.js';
import { compose, planBlocks } from './compose.js';
import { generatedDir, moduleName, packageRoot, runModule } from './run.js';

const root = join(packageRoot, '..', '..');
const HARNESS = '../../src/harness.js';
const blocks = readBlocks(root);
const plans = planBlocks(blocks);

it('finds the ```ts blocks of every documented file', () => {
  for (const file of documentedFiles(root)) expect(blocks.some((b) => b.file === file), `${file} has a \`\`\`ts block`).toBe(true);
  expect(blocks.filter((b) => b.file === 'docs/guide.md').length).toBeGreaterThanOrEqual(18);
});

for (const file of documentedFiles(root)) {
  describe(file, () => {
    for (const plan of plans.filter((p) => p.block.file === file)) {
      const { block } = plan;
      const where = `${block.file}:${block.line}`;
      if (plan.skip) {
        const reason = plan.skip.reason;
        it(`${where} (skipped: ${reason})`, (ctx) => ctx.skip(reason));
        continue;
      }
      it(`${where} runs and prints what its comments say`, async () => {
        const { source, expectations } = compose(plan, blocks, HARNESS);
        const wrong = await runModule(where, generatedDir('run'), moduleName(block.file, block.line), source, expectations, block.file);
        expect(wrong).toEqual([]);
      });
    }
  });
}

// A reader copies the blocks into TypeScript: each must typecheck (strict, as the packages are) with the imports it is run with.
it('every block that runs typechecks', async () => {
  const dir = generatedDir('typecheck');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const names = new Map<string, string>();
  for (const plan of plans) {
    if (plan.skip) continue;
    const name = moduleName(plan.block.file, plan.block.line);
    names.set(name, `${plan.block.file}:${plan.block.line}`);
    writeFileSync(join(dir, name), compose(plan, blocks, HARNESS).source);
  }
  const tsc = join(packageRoot, 'node_modules', '.bin', 'tsc');
  const result = await promisify(execFile)(tsc, ['-p', 'tsconfig.blocks.json', '--noEmit', '--pretty', 'false'], { cwd: packageRoot }).then(
    () => '',
    (e: { stdout?: string; message: string }) => e.stdout || e.message,
  );
  // One entry per diagnostic (its continuation lines are indented). Errors inside the
  // packages' own sources are theirs to report (their typecheck does); output that is not
  // a diagnostic at all (tsc missing, a crash) fails here.
  const entries = result.split(/\n(?=\S)/).filter((e) => e.trim() !== '');
  const errors = entries
    .filter((e) => !/^(\.\.\/)+packages\/[^(]+\(\d+,\d+\): error TS\d+/.test(e))
    .map((e) => e.replace(/^generated\/typecheck\/(\w+\.ts)/, (m, n: string) => `${names.get(n) ?? m} (${m})`));
  expect(errors, 'blocks that do not typecheck: fix the block, or give it what the prose declares in src/table.ts').toEqual([]);
  rmSync(dir, { recursive: true, force: true });
});
