/**
 * `pnpm bench`: sym against @tensorflow/tfjs (cpu, wasm) and @jax-js/jax
 * (wasm, jit) on the same data in one run; prints a table of medians and
 * ratios, and with `--write` records it in docs/benchmarks.md.
 *
 * Flags: --quick (small sizes), --only=W3,W4, --write.
 */
import { writeFileSync } from 'node:fs';
import { cpus, platform, release } from 'node:os';
import { fileURLToPath } from 'node:url';
import { WORKLOADS, type Workload } from './workloads.js';
import { measure } from './timing.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const write = args.includes('--write');
const only = args.find((a) => a.startsWith('--only='))?.slice(7).split(',');

interface Row {
  workload: Workload;
  results: { lib: string; value: number | null; note?: string }[];
}

function fmt(v: number | null, unit: string): string {
  if (v === null) return 'n/a';
  return unit === 'GFLOP/s' ? v.toFixed(1) : v < 1 ? v.toFixed(3) : v.toFixed(1);
}

const rows: Row[] = [];
for (const w of WORKLOADS) {
  if (only && !only.includes(w.id)) continue;
  const row: Row = { workload: w, results: [] };
  process.stdout.write(`${w.id} ${w.title(quick)}\n`);
  for (const impl of w.impls) {
    try {
      const run = await impl.prepare(quick);
      const t = await measure(run, { minMs: quick ? 300 : 1000 });
      const value = w.unit === 'GFLOP/s' ? w.flops!(quick) / (t.median * 1e6) : w.id === 'W5' ? t.first / t.median : t.median;
      row.results.push({ lib: impl.lib, value });
      process.stdout.write(`  ${impl.lib.padEnd(22)} ${fmt(value, w.unit).padStart(10)} ${w.unit}  (${t.runs} runs, first ${t.first.toFixed(1)} ms)\n`);
    } catch (e) {
      row.results.push({ lib: impl.lib, value: null, note: (e as Error).message.split('\n')[0] });
      process.stdout.write(`  ${impl.lib.padEnd(22)} failed: ${(e as Error).message.split('\n')[0]}\n`);
    }
  }
  rows.push(row);
}

/** sym's best result against the best peer's, as "how many times better" (>1 means sym leads). */
function ratio(row: Row): string {
  const higherIsBetter = row.workload.unit === 'GFLOP/s';
  const pick = (xs: (number | null)[]) => {
    const v = xs.filter((x): x is number => x !== null);
    if (!v.length) return null;
    return higherIsBetter ? Math.max(...v) : Math.min(...v);
  };
  const sym = pick(row.results.filter((r) => r.lib.startsWith('sym')).map((r) => r.value));
  const peer = pick(row.results.filter((r) => !r.lib.startsWith('sym')).map((r) => r.value));
  if (sym === null || peer === null) return 'n/a';
  return (higherIsBetter ? sym / peer : peer / sym).toFixed(2);
}

const libs = [...new Set(rows.flatMap((r) => r.results.map((x) => x.lib)))];
const table = [
  `| workload | unit | ${libs.join(' | ')} | sym vs best peer |`,
  `|---|---|${libs.map(() => '---:').join('|')}|---:|`,
  ...rows.map((r) => {
    const cells = libs.map((l) => {
      const x = r.results.find((y) => y.lib === l);
      return x ? fmt(x.value, r.workload.unit) : '';
    });
    return `| ${r.workload.id}: ${r.workload.title(quick)} | ${r.workload.unit} | ${cells.join(' | ')} | ${ratio(r)} |`;
  }),
].join('\n');
console.log(`\n${table}\n\n"sym vs best peer" > 1 means sym is faster than every peer in this run.`);

if (write) {
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, ${platform()} ${release()}, Node ${process.version}`;
  const doc = `# Benchmarks

Produced by \`pnpm bench${quick ? ' -- --quick' : ''} -- --write\` on ${new Date().toISOString().slice(0, 10)}.

- Machine: ${machine}
- Peers: @tensorflow/tfjs-core 4.22.0 with tfjs-backend-cpu and tfjs-backend-wasm 4.22.0; @jax-js/jax 0.1.25 (wasm device, \`jit\`).
- Medians of repeated runs after one warm-up run; times in milliseconds unless the unit says otherwise. W5 is the ratio of the first call (compile + run) to the steady step (lower is better).
- Only ratios within one run mean anything: the machine is shared and has 2 cores.

${table}

"sym vs best peer" above 1 means sym beat every peer on that workload in this run.
`;
  const out = fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url));
  writeFileSync(out, doc);
  console.log(`wrote ${out}`);
}
process.exit(0);
