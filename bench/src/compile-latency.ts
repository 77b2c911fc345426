/**
 * `tsx --conditions=@sym/source src/compile-latency.ts [--runs=5] [--only=lenet,resnet]`:
 * how long the CPU backend takes to make a training step's function and run
 * its first call, for the models of the examples (the tutorial MLP, W2,
 * LeNet, and the deeplearning-tutorials' char-LSTM, ResNet and Transformer
 * LM, built here as those examples build them). Each run of a model is a
 * fresh process (compiled kernels are cached per process); the table holds
 * the medians of `--runs` processes per model, taken in turns.
 *
 * Times are the process's CPU time (ms), steadier than wall time on a
 * shared machine: graph + grad; `sym.function` and the first call
 * (`first`), split into the graph rewrites, the program passes (fusion,
 * buffers), the backend's kernel compiles, the first run, and the rest
 * (`plan`: checks, scheduling, kernel keys, buffers, uploads); then a
 * steady call (the median of 10) and the kernels a call launches.
 */
import * as sym from '@sym/graph';
import { cpu } from '@sym/backend-cpu';
import { grad } from '@sym/grad';
import { spawnSync } from 'node:child_process';
import { MODELS } from './compile-models.js';

const PHASES = ['graph', 'rewrite', 'plan', 'passes', 'compile', 'run', 'first', 'steady', 'kernels'] as const;
type Phase = (typeof PHASES)[number];

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** One model in this process: its phases' CPU times, as JSON on stdout. */
function measureModel(name: string): Record<Phase, number> {
  const took: Record<string, number> = { rewrite: 0, passes: 0, compile: 0, run: 0 };
  const timed = <A extends unknown[], R>(phase: string, f: (...a: A) => R) => (...a: A): R => {
    const s = cpuMs();
    try {
      return f(...a);
    } finally {
      took[phase]! += cpuMs() - s;
    }
  };
  const optimizer = sym.getOptimizer()!;
  sym.setOptimizer({ rewriteGraph: timed('rewrite', optimizer.rewriteGraph), optimizeProgram: timed('passes', optimizer.optimizeProgram!) });
  cpu.compile = timed('compile', cpu.compile.bind(cpu));
  cpu.run = timed('run', cpu.run.bind(cpu));
  const t0 = cpuMs();
  const model = MODELS[name]!();
  const updates = model.updates(grad(model.cost, [...model.params]));
  const t1 = cpuMs();
  const f = sym.function(model.inputs, model.cost, { updates });
  f.sync(...model.args);
  const t2 = cpuMs();
  const first = { ...took };
  const steady: number[] = [];
  for (let i = 0; i < 10; i++) {
    const s = cpuMs();
    f.sync(...model.args);
    steady.push(cpuMs() - s);
  }
  // what is not timed apart: sym.function's checks, scheduling, the kernels' keys, buffers, uploads
  const plan = t2 - t1 - first.rewrite! - first.passes! - first.compile! - first.run!;
  return { graph: t1 - t0, rewrite: first.rewrite!, plan, passes: first.passes!, compile: first.compile!, run: first.run!, first: t2 - t1, steady: median(steady), kernels: f.compiled.kernelCount(...model.args) };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

const child = process.argv.find((a) => a.startsWith('--child='))?.slice(8);
if (child) {
  console.log(JSON.stringify(measureModel(child)));
  process.exit(0);
}
const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 5);
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const names = Object.keys(MODELS).filter((m) => !only || only.includes(m));
const results = new Map<string, Record<Phase, number>[]>(names.map((n) => [n, []]));
for (let r = 0; r < runs; r++) {
  for (const name of names) {
    const p = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!, `--child=${name}`], { encoding: 'utf8' });
    if (p.status !== 0) throw new Error(`compile-latency: ${name} failed:\n${p.stderr}`);
    results.get(name)!.push(JSON.parse(p.stdout.trim().split('\n').at(-1)!) as Record<Phase, number>);
  }
}
console.log(`CPU ms, median of ${runs} processes per model (load average at the end ${(await import('node:os')).loadavg()[0]!.toFixed(1)})`);
console.log(`| model | ${PHASES.join(' | ')} |`);
console.log(`|---|${PHASES.map(() => '---:').join('|')}|`);
for (const [name, rs] of results) console.log(`| ${name} | ${PHASES.map((p) => median(rs.map((x) => x[p])).toFixed(p === 'kernels' ? 0 : 1)).join(' | ')} |`);
