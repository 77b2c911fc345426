/** Tables of one device's run, and docs/benchmarks.md with one section per device (a run replaces only its own). */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Comparison, Counts, Suite } from './suite.js';
import type { Workload } from './workloads.js';

export interface Result {
  readonly lib: string;
  readonly value: number | null;
  readonly note?: string;
  readonly counts?: Counts;
}

export interface Row {
  readonly workload: Workload;
  readonly results: Result[];
}

export function fmt(v: number | null, unit: string): string {
  if (v === null) return 'n/a';
  return unit === 'GFLOP/s' ? (v < 1 ? v.toFixed(3) : v.toFixed(1)) : v < 1 ? v.toFixed(3) : v.toFixed(1);
}

/** The subject's result against the best of the peers', as "how many times better" (>1 means the subject leads). */
export function ratio(row: Row, subject: string, cmp: Comparison): string {
  const higherIsBetter = row.workload.unit === 'GFLOP/s';
  const mine = row.results.find((r) => r.lib === subject)?.value ?? null;
  const theirs = row.results.filter((r) => cmp.peers.includes(r.lib) && r.value !== null).map((r) => r.value!);
  if (mine === null || theirs.length === 0) return 'n/a';
  const best = higherIsBetter ? Math.max(...theirs) : Math.min(...theirs);
  return (higherIsBetter ? mine / best : best / mine).toFixed(2);
}

export function resultsTable(rows: readonly Row[], suite: Suite, quick: boolean): string {
  const cmps = suite.comparisons;
  // the subject first, then what it is compared with, in the comparisons' order
  const order = [suite.subject, ...cmps.flatMap((c) => c.peers)];
  const rank = (l: string) => (order.includes(l) ? order.indexOf(l) : order.length);
  const libs = [...new Set(rows.flatMap((r) => r.results.map((x) => x.lib)))].sort((a, b) => rank(a) - rank(b));
  return [
    `| workload | unit | ${libs.join(' | ')} | ${cmps.map((c) => c.label).join(' | ')} |`,
    `|---|---|${libs.map(() => '---:').join('|')}|${cmps.map(() => '---:').join('|')}|`,
    ...rows.map((r) => {
      const cells = libs.map((l) => {
        const x = r.results.find((y) => y.lib === l);
        return x ? fmt(x.value, r.workload.unit) : '';
      });
      return `| ${r.workload.id}: ${r.workload.title(quick)} | ${r.workload.unit} | ${cells.join(' | ')} | ${cmps.map((c) => ratio(r, suite.subject, c)).join(' | ')} |`;
    }),
  ].join('\n');
}

/** Device work per call, for the implementations that were counted. */
export function countsTable(rows: readonly Row[]): string | undefined {
  const lines = rows.flatMap((r) =>
    r.results
      .filter((x) => x.counts)
      .map((x) => `| ${r.workload.id} | ${x.lib} | ${x.counts!.dispatches} | ${x.counts!.submits} | ${x.counts!.uploads} | ${x.counts!.readbacks} |`),
  );
  if (!lines.length) return undefined;
  return ['| workload | lib | dispatches | submits | uploads (writeBuffer) | readbacks (mapAsync) |', '|---|---|---:|---:|---:|---:|', ...lines].join('\n');
}

/** Failures, named in the doc rather than dropped. */
export function failures(rows: readonly Row[]): string[] {
  return rows.flatMap((r) => r.results.filter((x) => x.value === null).map((x) => `${r.workload.id} ${x.lib}: ${x.note ?? 'failed'}`));
}

const ORDER = ['cpu', 'cpu-relaxed-simd', 'webgpu', 'webgpu-gpu', 'gpujs'] as const;
/** A section of the doc: one per device, and one for WebGPU measured on a hardware GPU (bench/device). */
export type Section = (typeof ORDER)[number];
export const SECTIONS: readonly Section[] = ORDER;
const TITLES: Record<Section, string> = {
  cpu: 'CPU',
  'cpu-relaxed-simd': 'CPU, with WebAssembly relaxed SIMD',
  webgpu: 'WebGPU',
  'webgpu-gpu': 'WebGPU on a hardware GPU',
  gpujs: 'gpu.js',
};

const HEADER = `# Benchmarks

Each section is written by \`pnpm bench -- --device=<device> --write\` (add
\`--quick\` for the small sizes) and replaced only by the next recorded run
for the same device. Medians of repeated calls after one warm-up call; times
in milliseconds unless the unit says otherwise. Only ratios within one
section mean anything. The development machine is shared, has 2 cores, and
its GPU devices are software drivers (Mesa llvmpipe / lavapipe) running on
those same cores; the hardware-GPU section comes from bench/device/run.sh on
a lent GPU machine, with its own machine line.
`;

/** Replace this device's section of the doc at `path`, keeping the others. */
export function writeSection(path: string, device: Section, body: string): void {
  const old = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const sections = new Map<string, string>();
  for (const d of ORDER) {
    const m = old.match(new RegExp(`<!-- bench:${d} -->\\n([\\s\\S]*?)<!-- /bench:${d} -->`));
    if (m) sections.set(d, m[1]!);
  }
  sections.set(device, `## ${TITLES[device]}\n\n${body.trim()}\n`);
  const parts = ORDER.filter((d) => sections.has(d)).map((d) => `<!-- bench:${d} -->\n${sections.get(d)}<!-- /bench:${d} -->\n`);
  // sections written by hand (<!-- section:NAME --> ... <!-- /section:NAME -->) stay as they are, after the generated ones
  const kept = [...old.matchAll(/<!-- section:([\w-]+) -->\n[\s\S]*?<!-- \/section:\1 -->\n/g)].map((m) => m[0]);
  writeFileSync(path, `${HEADER}\n${[...parts, ...kept].join('\n')}`);
}
