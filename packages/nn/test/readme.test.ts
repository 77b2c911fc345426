import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// The custom-layer example is what a library author copies first: run it as
// a user would (its own process, `@sym/nn` by name, the default device) and
// check each `console.log(...); // expected` line prints what its comment says.
it("runs the README's custom-layer example and prints what its comments say", async () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const code = /## Your own layers\n[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(code, 'README.md has a ```ts example under "Your own layers"').toBeTruthy();
  const expected = code!
    .split('\n')
    .filter((l) => l.startsWith('console.log('))
    .map((l) => /\/\/ (.*)$/.exec(l)?.[1]);
  expect(expected.length).toBeGreaterThan(0);
  expect(expected.every((e) => e !== undefined), 'every console.log line says what it prints').toBe(true);
  // Inside the package, so that `@sym/nn` and its dependencies resolve; removed afterwards.
  const file = join(root, `readme-example-${process.pid}.ts`);
  writeFileSync(file, code!);
  try {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.SYM_FLAGS;
    const { stdout } = await run(join(root, 'node_modules', '.bin', 'tsx'), ['--conditions=@sym/source', file], { cwd: root, env });
    expect(stdout.trimEnd().split('\n')).toEqual(expected);
  } finally {
    rmSync(file, { force: true });
  }
});
