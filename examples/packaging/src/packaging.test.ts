/**
 * The release path, end to end: build every published package (`pnpm
 * build`'s tsc), pack it as `pnpm publish` would (workspace ranges become
 * versions), install the tarballs with npm alone into an empty project, and
 * check what a user gets: a strict TypeScript program type-checks against
 * the shipped declarations (skipLibCheck off), and runs in plain Node from
 * dist/ with the results the workspace gives.
 *
 * The other tests run the packages from their TypeScript sources (the
 * `@sym/source` condition), so only this one sees a build that fails or a
 * tarball that lacks a file.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = resolve(here, '../../..');
const PUBLISHED = ['graph', 'opt', 'grad', 'nn', 'backend-cpu', 'backend-webgpu', 'backend-gpujs', 'backend-testkit'];
/** What the consumer installs: a complete CPU system, with gradients and layers. Their only dependencies are each other, so npm needs no registry. */
const INSTALLED = ['graph', 'opt', 'grad', 'nn', 'backend-cpu'];

function run(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

let work: string;
const tarballs = new Map<string, string>();

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'sym-packaging-'));
  for (const name of PUBLISHED) {
    const dir = join(root, 'packages', name);
    // each package's own build, in dependency order (PUBLISHED is one)
    run('pnpm', ['run', 'build'], dir);
    const out = run('pnpm', ['pack', '--pack-destination', work], dir).trim().split('\n');
    tarballs.set(name, out[out.length - 1]!.trim());
  }
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function contents(name: string): string[] {
  return run('tar', ['tzf', tarballs.get(name)!], work)
    .split('\n')
    .filter(Boolean)
    .map((p) => p.replace(/^package\//, ''));
}

function manifest(name: string): Record<string, unknown> & { exports: Record<string, Record<string, string>> } {
  return JSON.parse(run('tar', ['xzf', tarballs.get(name)!, '-O', 'package/package.json'], work));
}

describe('the packed packages', () => {
  it.each(PUBLISHED)('@sym/%s ships its entry point, declarations, README and LICENSE, and no tests', (name) => {
    const files = contents(name);
    const pkg = manifest(name);
    const dot = pkg.exports['.']!;
    for (const entry of [dot['default'], dot['types'], pkg['main'], pkg['types']]) {
      expect(files, `${entry} is named by package.json`).toContain(String(entry).replace(/^\.\//, ''));
    }
    expect(files).toContain('README.md');
    expect(files).toContain('LICENSE');
    expect(files.filter((f) => /\.test\.ts$/.test(f))).toEqual([]);
    // every JavaScript file of src/ has its build
    const built = new Set(files.filter((f) => f.startsWith('dist/') && f.endsWith('.js')));
    const missing = files.filter((f) => /^src\/.*\.ts$/.test(f) && !built.has(f.replace(/^src\//, 'dist/').replace(/\.ts$/, '.js')));
    expect(missing).toEqual([]);
  });

  it.each(PUBLISHED)('@sym/%s depends on released versions, not on workspace ranges', (name) => {
    const pkg = manifest(name);
    const ranges = ['dependencies', 'peerDependencies', 'optionalDependencies'].flatMap((field) =>
      Object.values((pkg[field] as Record<string, string> | undefined) ?? {}),
    );
    expect(ranges.filter((r) => r.startsWith('workspace:'))).toEqual([]);
  });
});

describe('a user project that installs them with npm', () => {
  let project: string;

  beforeAll(() => {
    project = join(work, 'project');
    cpSync(join(here, '../consumer'), project, { recursive: true });
    run('npm', ['init', '-y'], project);
    run('npm', ['pkg', 'set', 'type=module'], project);
    const specs = INSTALLED.map((name) => tarballs.get(name)!);
    run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock', ...specs], project);
  });

  it('installs exactly the packages asked for', () => {
    expect(readdirSync(join(project, 'node_modules', '@sym')).sort()).toEqual(INSTALLED.map((n) => n).sort());
  });

  it('type-checks a strict TypeScript program against the shipped declarations and builds it', () => {
    const tsc = createRequire(join(here, 'packaging.test.ts')).resolve('typescript/bin/tsc');
    expect(() => run(process.execPath, [tsc, '-p', 'tsconfig.json'], project)).not.toThrow();
    expect(readdirSync(join(project, 'out'))).toContain('main.js');
  });

  it('runs in plain Node: cpu is loaded by name and the tutorial MLP trains as in the workspace', () => {
    const out = run(process.execPath, ['out/main.js'], project).trim().split('\n');
    // examples/mlp prints Cost 162.390 at iteration 20 (float64)
    expect(out).toEqual(['grad [2. 4. 6.]', 'cost 162.390', 'device cpu']);
  });
});

describe('the manifests in the workspace', () => {
  it('name LICENSE files that exist', () => {
    for (const name of PUBLISHED) {
      const pkg = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8')) as { license?: string };
      expect(pkg.license, name).toBe('MIT');
      expect(readFileSync(join(root, 'packages', name, 'LICENSE'), 'utf8')).toBe(readFileSync(join(root, 'LICENSE'), 'utf8'));
    }
  });
});
