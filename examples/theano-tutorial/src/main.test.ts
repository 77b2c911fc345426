import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

/** Run the example as `pnpm tutorial` does, isolated from the caller's SYM_FLAGS and ~/.symrc. */
async function tutorial(flags?: string): Promise<{ stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: mkdtempSync(join(tmpdir(), 'sym-tutorial-')) };
  delete env.SYM_FLAGS;
  if (flags !== undefined) env.SYM_FLAGS = flags;
  return run(tsx, ['--conditions=@sym/source', 'src/main.ts'], { cwd: root, env });
}

describe('the Theano tutorial example', () => {
  it('prints the expected transcript, cell by cell', async () => {
    const expected = readFileSync(join(root, 'expected-output.txt'), 'utf8');
    const { stdout, stderr } = await tutorial();
    expect(stderr).toBe('');
    expect(stdout).toBe(expected);
  });

  it('loads the backend that config.device names, and says so when it cannot', async () => {
    const failure = await tutorial('device=nosuch').then(
      () => undefined,
      (e: { stderr: string }) => e.stderr,
    );
    expect(failure).toMatch(/device=nosuch: no backend named "nosuch".*@sym\/backend-nosuch/);
  });
});
