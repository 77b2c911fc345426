/**
 * Packs what a device machine (a lent GPU, no registry, no node_modules)
 * needs to measure sym's WebGPU backend: Node itself, Dawn's native module,
 * and bundles of the tile sweep, the bench, the conformance cases, the
 * MLP check and the W3T probe. Output: .device/ at the repository root
 * (ignored by git), run there by bench/device/run.sh. See
 * bench/device/README.md.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../../', import.meta.url));
const out = join(root, '.device');
const require = createRequire(import.meta.url);

rmSync(join(out, 'js'), { recursive: true, force: true });
mkdirSync(join(out, 'js'), { recursive: true });

// ESM bundles of CommonJS packages (tfjs, emscripten glue) still reach for these
const banner = [
  "import { createRequire as __symRequire } from 'node:module';",
  "import { fileURLToPath as __symPath } from 'node:url';",
  "import { dirname as __symDir } from 'node:path';",
  'const require = __symRequire(import.meta.url);',
  'const __filename = __symPath(import.meta.url);',
  'const __dirname = __symDir(__filename);',
].join('\n');

/** The bench loads tfjs through createRequire (Node picks tfjs's CommonJS build); a bundle needs plain require calls. */
const plainRequire = {
  name: 'plain-require',
  setup(b) {
    b.onLoad({ filter: /bench[/\\]src[/\\](tf|webgpu)\.ts$/ }, async (args) => {
      const { readFileSync } = await import('node:fs');
      const text = readFileSync(args.path, 'utf8')
        .replace(/const require = createRequire\(import\.meta\.url\);/, '')
        .replace(/createRequire\(import\.meta\.url\)\(/g, 'require(');
      return { contents: text, loader: 'ts' };
    });
  },
};

await build({
  entryPoints: {
    tiles: join(root, 'packages/backend-webgpu/bench/tiles.ts'),
    bench: join(root, 'bench/src/main.ts'),
    conformance: join(root, 'bench/device/conformance.ts'),
    'check-mlp': join(root, 'bench/device/check-mlp.ts'),
    w3t: join(root, 'bench/device/w3t.ts'),
  },
  outdir: join(out, 'js'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  conditions: ['@sym/source'],
  external: ['webgpu', 'gl', 'resvg-js', '@resvg/resvg-js'],
  banner: { js: banner },
  outExtension: { '.js': '.mjs' },
  plugins: [plainRequire],
  logLevel: 'warning',
});
writeFileSync(join(out, 'js', 'package.json'), '{ "type": "module" }\n');

// Dawn: the package's loader and its Linux x64 native module, nothing else
const webgpuDir = dirname(require.resolve('webgpu/package.json', { paths: [join(root, 'packages/backend-webgpu')] }));
const dawn = join(out, 'js', 'node_modules', 'webgpu');
mkdirSync(join(dawn, 'dist', 'linux-x64'), { recursive: true });
for (const f of ['package.json', 'index.js']) cpSync(join(webgpuDir, f), join(dawn, f));
cpSync(join(webgpuDir, 'dist', 'linux-x64', 'dawn.node'), join(dawn, 'dist', 'linux-x64', 'dawn.node'));

// Node itself, compressed (the device image has none)
if (!existsSync(join(out, 'node.xz'))) execFileSync('sh', ['-c', `xz -T2 -6 -c "${process.execPath}" > "${join(out, 'node.xz')}"`]);
// the Vulkan loader and GL dispatch (the image has the NVIDIA driver, whose Vulkan ICD is libGLX_nvidia, but neither)
const debs = join(out, 'debs');
if (!existsSync(debs) || readdirSync(debs).length === 0) {
  mkdirSync(join(out, 'apt', 'partial'), { recursive: true });
  mkdirSync(debs, { recursive: true });
  const o = ['-oAPT::Architecture=amd64', '-oAPT::Architectures=amd64', `-oDir::State::Lists=${join(out, 'apt')}`];
  execFileSync('apt-get', [...o, 'update'], { stdio: 'inherit' });
  const packages = ['libvulkan1', 'libegl1', 'libglvnd0', 'libopengl0', 'libgl1', 'libglx0', 'libgles2'];
  execFileSync('apt-get', [...o, 'download', ...packages], { cwd: debs, stdio: 'inherit' });
}
rmSync(join(out, 'apt'), { recursive: true, force: true });
const size = execFileSync('du', ['-sh', out]).toString().trim();
console.log(`packed ${size}; carry ".device" and run: bash bench/device/run.sh`);
