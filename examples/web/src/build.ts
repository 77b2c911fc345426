/**
 * Bundles the pages with esbuild into a folder of static files: the two
 * HTML pages, their entry scripts and one chunk per backend. Workspace
 * packages are bundled from their TypeScript sources (the `@sym/source`
 * export condition), so no package needs building first.
 */
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const PAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'page');

/** The pages: HTML file and the entry script it loads. */
export const PAGES = [
  { html: 'index.html', entry: 'demo.ts' },
  { html: 'conformance.html', entry: 'conformance.ts' },
] as const;

/**
 * The testkit's `runConformance` and `runCrossDevice` register vitest tests; the pages use only
 * its cases and `runCase`, so vitest is replaced by a module whose
 * functions say so if anything ever calls them.
 */
const noVitest: esbuild.Plugin = {
  name: 'no-vitest-in-the-browser',
  setup(build) {
    build.onResolve({ filter: /^vitest$/ }, () => ({ path: 'vitest', namespace: 'no-vitest' }));
    build.onLoad({ filter: /.*/, namespace: 'no-vitest' }, () => ({
      contents:
        'const browser = () => { throw new Error("runConformance and runCrossDevice need vitest; in the browser, run cases with runCase"); };\n' +
        'export const describe = browser, it = browser, beforeAll = browser, afterAll = browser, expect = browser;\n',
      loader: 'js',
    }));
  },
};

export interface BuildResult {
  readonly dir: string;
  /** Output files and their sizes in bytes. */
  readonly files: { readonly path: string; readonly bytes: number }[];
}

/** Bundle the pages into `outDir` (emptied first). Warnings fail the build: a dropped import is a broken page. */
export async function buildSite(outDir: string, options: { minify?: boolean } = {}): Promise<BuildResult> {
  const dir = resolve(outDir);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const result = await esbuild.build({
    entryPoints: PAGES.map((p) => join(PAGE_DIR, p.entry)),
    outdir: dir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@sym/source'],
    // @sym/opt registers its rewrites by importing modules for their effects; its
    // package.json lists only index.ts as side-effecting, so honouring the
    // annotations would drop the rewrites
    ignoreAnnotations: true,
    minify: options.minify ?? false,
    sourcemap: true,
    metafile: true,
    logLevel: 'silent',
    plugins: [noVitest],
  });
  if (result.warnings.length > 0) {
    const text = await esbuild.formatMessages(result.warnings, { kind: 'warning' });
    throw new Error(`esbuild warnings building the web example:\n${text.join('\n')}`);
  }
  for (const p of PAGES) await copyFile(join(PAGE_DIR, p.html), join(dir, p.html));
  const files = Object.entries(result.metafile.outputs).map(([path, o]) => ({ path, bytes: o.bytes }));
  return { dir, files };
}
