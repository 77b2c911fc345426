// Running one composed block: write its module inside the package, import it, compare what it reported.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as sym from '@sym/graph';
import type { Expectation } from './blocks.js';
import { mismatch, startRecording } from './harness.js';

/** The package folder: blocks' modules are written below it, so that their imports of @sym/* resolve as a user's would. */
export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the modules of `kind` ('run', 'typecheck') are written; the harness is `../../src/harness.js` from there. */
export function generatedDir(kind: string): string {
  return join(packageRoot, 'generated', kind);
}

/** A file name for the module of the block at `file`:`line`. */
export function moduleName(file: string, line: number): string {
  return `${file.replace(/[^\w]+/g, '_')}_${line}.ts`;
}

let runs = 0;

/**
 * Run a module and list what differs from its expectations, one line each
 * (`docs/guide.md:120: the comment says "..."; the run gave "..."`). A module
 * that throws is an error naming `where`; its file is kept for reading, and
 * removed after a run without problems.
 */
export async function runModule(where: string, dir: string, name: string, source: string, expectations: readonly Expectation[], docFile: string): Promise<string[]> {
  // A new file each run: a module imported before would not run again.
  const file = join(dir, name.replace(/\.ts$/, `-${++runs}.ts`));
  // The documentation assumes the defaults, whatever SYM_FLAGS or an earlier block set.
  sym.config.set({ device: 'cpu', floatX: 'float64', mode: 'FAST_RUN', profile: false });
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, source);
  const recorder = startRecording();
  try {
    await import(/* @vite-ignore */ pathToFileURL(file).href);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new Error(`${where}: the block threw: ${message} (its module: ${file}; a fragment needs a preamble, or a skip with its reason, in examples/docs-check/src/table.ts)`, {
      cause: e,
    });
  }
  const wrong = expectations.flatMap((e) => {
    const why = mismatch(e, recorder.got);
    return why === undefined ? [] : [`${docFile}:${e.line}: the comment says ${JSON.stringify(e.text)}; the run ${why}`];
  });
  if (wrong.length === 0) rmSync(file);
  return wrong;
}
