/**
 * The GPU devices need their environment before the process starts: Vulkan
 * reads VK_ICD_FILENAMES and the loader LD_LIBRARY_PATH at startup (the
 * software driver that scripts/system-deps.sh unpacks into .cache/mesa), and
 * headless-gl needs an X display; `--relaxed-simd` needs a V8 flag on Node
 * 20. When one is missing, the bench runs itself again in a child process
 * with it, and exits with the child's status.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const GUARD = 'SYM_BENCH_RELAUNCHED';

/** Node 20's switch for WebAssembly relaxed SIMD (on by default from Node 22): `--relaxed-simd` runs the bench with it. */
export const RELAXED_SIMD_FLAG = '--experimental-wasm-relaxed-simd';

export function relaunchIfNeeded(device: string, relaxedSimd = false): void {
  if (process.env[GUARD]) return;
  const env: Record<string, string | undefined> = { ...process.env, [GUARD]: '1' };
  let wrapper: string[] = [];
  const flags: string[] = [];
  if (relaxedSimd && !process.execArgv.includes(RELAXED_SIMD_FLAG)) flags.push(RELAXED_SIMD_FLAG);
  if (device === 'webgpu' && !process.env.VK_ICD_FILENAMES) {
    const file = fileURLToPath(new URL('../../.cache/mesa/env.json', import.meta.url));
    if (!existsSync(file)) return; // a machine with a GPU of its own, or the setup step was skipped: Dawn says which
    const extra = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    for (const [k, v] of Object.entries(extra)) env[k] = k === 'LD_LIBRARY_PATH' && env[k] ? `${v}:${env[k]}` : v;
  } else if (device === 'gpujs' && !process.env.DISPLAY) {
    wrapper = ['xvfb-run', '-a', '-s', '-screen 0 1024x768x24'];
  } else if (flags.length === 0) return;
  const argv = [...wrapper, process.execPath, ...flags, ...process.execArgv, process.argv[1]!, ...process.argv.slice(2)];
  const r = spawnSync(argv[0]!, argv.slice(1), { stdio: 'inherit', env });
  if (r.error) {
    const hint = wrapper.length ? ' (no DISPLAY and no xvfb-run: install xvfb, see scripts/system-deps.sh)' : '';
    console.error(`bench: could not start ${argv[0]}${hint}: ${r.error.message}`);
    process.exit(1);
  }
  process.exit(r.status ?? 1);
}
