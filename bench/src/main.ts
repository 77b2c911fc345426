/**
 * `pnpm bench`: sym against its JavaScript peers on the same data in one
 * run, for one device; prints a table of medians and ratios, and with
 * `--write` records it in its device's section of docs/benchmarks.md.
 *
 * Flags: --device=cpu|webgpu|gpujs (default cpu), --quick (small sizes),
 * --only=W1,W3-AB, --write (with --only, the device's section then holds
 * only those rows); --doc=PATH and --section=NAME write elsewhere
 * (bench/device/run.sh writes the webgpu-gpu section to a file it brings back);
 * --relaxed-simd runs Node with WebAssembly relaxed SIMD switched on (Node
 * 20 has it behind a flag, Node 22 on by default), for every library, and
 * records the CPU run in its own section.
 */
import { cpus, loadavg, platform, release } from 'node:os';
import { fileURLToPath } from 'node:url';
import { measure } from './timing.js';
import { relaunchIfNeeded } from './relaunch.js';
import { SECTIONS, countsTable, failures, fmt, resultsTable, writeSection, type Result, type Row, type Section } from './report.js';
import type { Suite } from './suite.js';
import type { Workload } from './workloads.js';

const DEVICES = ['cpu', 'webgpu', 'gpujs'] as const;
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const write = args.includes('--write');
const only = args.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const device = args.find((a) => a.startsWith('--device='))?.slice(9) ?? 'cpu';
if (!(DEVICES as readonly string[]).includes(device)) {
  console.error(`bench: --device must be one of ${DEVICES.join(', ')}; got ${JSON.stringify(device)}`);
  process.exit(2);
}
const relaxedSimd = args.includes('--relaxed-simd');
const section = (args.find((a) => a.startsWith('--section='))?.slice(10) ?? (relaxedSimd && device === 'cpu' ? 'cpu-relaxed-simd' : device)) as Section;
if (!SECTIONS.includes(section)) {
  console.error(`bench: --section must be one of ${SECTIONS.join(', ')}; got ${JSON.stringify(section)}`);
  process.exit(2);
}
const doc = args.find((a) => a.startsWith('--doc='))?.slice(6);
relaunchIfNeeded(device, relaxedSimd);

async function load(d: string): Promise<Suite> {
  if (d === 'webgpu') return (await import('./webgpu.js')).webgpuSuite;
  if (d === 'gpujs') return (await import('./gpujs.js')).gpujsSuite;
  return (await import('./cpu.js')).cpuSuite;
}

/** The row of a workload's first calls (everything after the data and parameters exist: building, compiling, running). */
function firstCallOf(w: Workload): Workload {
  return { id: `${w.id}-first`, title: () => `first call of ${w.id} (building, compiling and running the step)`, unit: 'ms', impls: [] };
}

// other work on the machine skews the ratios: the doc records how busy it was
const loadAtStart = loadavg()[0]!;
const suite = await load(device);
const runsOn = await suite.setup();
console.log(`device=${device}: ${runsOn}`);

const rows: Row[] = [];
for (const w of suite.workloads) {
  if (only && !only.includes(w.id)) continue;
  const row: Row = { workload: w, results: [] };
  const first: Row = { workload: firstCallOf(w), results: [] };
  process.stdout.write(`${w.id} ${w.title(quick)}\n`);
  for (const impl of w.impls) {
    let result: Result;
    try {
      const run = await impl.prepare(quick);
      const t = await measure(run, { minMs: quick ? 300 : suite.timing.minMs, minRuns: suite.timing.minRuns });
      const value = w.unit === 'GFLOP/s' ? w.flops!(quick) / (t.median * 1e6) : w.id === 'W5' ? t.first / t.median : t.median;
      let counts;
      if (suite.counter) {
        suite.counter.reset();
        await run();
        counts = suite.counter.read();
      }
      result = { lib: impl.lib, value, counts };
      first.results.push({ lib: impl.lib, value: t.first });
      const c = counts ? `; per call: ${counts.dispatches} dispatches, ${counts.submits} submits, ${counts.uploads} uploads, ${counts.readbacks} readbacks` : '';
      process.stdout.write(`  ${impl.lib.padEnd(22)} ${fmt(value, w.unit).padStart(10)} ${w.unit}  (${t.runs} runs, first ${t.first.toFixed(1)} ms${c})\n`);
    } catch (e) {
      result = { lib: impl.lib, value: null, note: (e as Error).message.split('\n')[0] };
      // named once, in the workload's own row: the first-call row leaves the cell empty
      process.stdout.write(`  ${impl.lib.padEnd(22)} failed: ${result.note}\n`);
    }
    row.results.push(result);
  }
  rows.push(row);
  if (w.firstCall) rows.push(first);
}

const table = resultsTable(rows, suite, quick);
const counted = countsTable(rows);
const failed = failures(rows);
const legend = `Ratios above 1 mean ${suite.subject} was faster than the best of the compared libraries on that workload in this run.`;
console.log(`\n${table}\n\n${legend}`);
if (counted) console.log(`\n${counted}`);

if (write) {
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, ${platform()} ${release()}, Node ${process.version}`;
  const cmd =
    section === 'webgpu-gpu'
      ? 'bash bench/device/run.sh (its bench step)'
      : `pnpm bench -- --device=${device}${relaxedSimd ? ' --relaxed-simd' : ''}${quick ? ' --quick' : ''}${only ? ` --only=${only.join(',')}` : ''} --write`;
  const body = [
    `Produced by \`${cmd}\` on ${new Date().toISOString().slice(0, 10)}.`,
    '',
    `- Machine: ${machine}; load average ${loadAtStart.toFixed(1)} at the start of the run, ${loadavg()[0]!.toFixed(1)} at its end`,
    `- Kernels ran on: ${runsOn}`,
    ...suite.notes(quick).map((n) => `- ${n}`),
    '',
    table,
    '',
    legend,
    ...(counted ? ['', 'Device work per call (one call counted after timing):', '', counted] : []),
    ...(failed.length ? ['', 'Failed in this run (no figure):', '', ...failed.map((f) => `- ${f}`)] : []),
  ].join('\n');
  const out = doc ?? fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url));
  writeSection(out, section, body);
  console.log(`wrote the ${device} section of ${out}`);
}
process.exit(0);
