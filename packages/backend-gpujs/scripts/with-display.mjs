#!/usr/bin/env node
// Runs a command with an X display: headless-gl (gpu.js mode headlessgl)
// needs an X server. With DISPLAY set, the command runs as it is; without
// one, under `xvfb-run -a` (scripts/system-deps.sh installs Xvfb).
// -noreset: Xvfb otherwise resets whenever its last client leaves and
// refuses connections meanwhile, and each test file's process connects
// anew as the previous one exits; gpu.js keeps a refused first context as
// "headlessgl not supported" for the whole process.
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
if (args.length === 0) {
  console.error('usage: with-display.mjs <command> [args...]');
  process.exit(2);
}
const useXvfb = !process.env.DISPLAY;
const [cmd, ...rest] = useXvfb ? ['xvfb-run', '-a', '-s', '-screen 0 1024x768x24 -noreset', ...args] : args;
const r = spawnSync(cmd, rest, { stdio: 'inherit' });
if (r.error) {
  const hint = useXvfb && r.error.code === 'ENOENT' ? ' (no DISPLAY and no xvfb-run: install xvfb, see scripts/system-deps.sh)' : '';
  console.error(`with-display: could not start ${cmd}${hint}: ${r.error.message}`);
  process.exit(1);
}
process.exit(r.status ?? 1);
