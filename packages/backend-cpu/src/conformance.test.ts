// The CPU backend runs the shared conformance suite: every op and dtype against the reference perform.
// Then single cases run against deliberately broken copies of the CPU backend, to show the suite catches them.
import { describe, expect, it } from 'vitest';
import type { BackendInfo, DeviceBuffer, Kernel, TypedArray } from '@sym/graph';
import { DTYPES, registerBackend } from '@sym/graph';
import { COMPILE_CHECKS, Rng, conformanceCases, defaultTolerance, runCase, runConformance, type CaseContext } from '@sym/backend-testkit';
import { CpuBackend } from './backend.js';
import { renderKernel } from './render.js';
import { cpu } from './index.js';

runConformance({ backend: cpu });
// The op cases above run fused where @sym/opt fuses; the multi-op graphs once more as one kernel per op.
runConformance({
  backend: cpu,
  name: 'conformance: cpu, unfused',
  groups: ['composite', 'softmax'],
  functionOptions: { optimizer: { excluding: ['fusion'] } },
});

/** The CPU backend with optional kernels off, under a name of its own. */
class NetworkCpu extends CpuBackend {
  override describe(): BackendInfo {
    return { ...super.describe(), name: this.sortKernels ? 'cpu-scan' : 'cpu-network' };
  }
}
// The sorts above run as sort kernels; once more as the network of elementwise kernels every backend without optional
// kernels runs (sort, argsort, topk, and the row sort and segmented scan of AdvancedIncSubtensor1 in the indexing cases).
runConformance({ backend: new NetworkCpu({ sortKernels: false, scatterKernels: false }), name: 'conformance: cpu without sort kernels', groups: ['sort', 'indexing'] });
/** The CPU backend's plain JavaScript kernels (no WebAssembly: where SIMD is missing), under a name of its own. */
class JsCpu extends CpuBackend {
  override describe(): BackendInfo {
    return { ...super.describe(), name: 'cpu-js' };
  }
}
// Negative strides (x[::-1] is a view) through the plain kernels too: their loops, the JS matmul, sort and scatter-add.
runConformance({
  backend: new JsCpu({ wasm: false }),
  name: 'conformance: cpu, plain JavaScript, reversed views',
  groups: ['indexing', 'ir', 'compile'],
  skip: (c) => !/reversed|backwards/.test(c.name),
});
// The increments above run as scatter-add kernels; once more as a sort kernel and a segmented scan.
runConformance({ backend: new NetworkCpu({ scatterKernels: false }), name: 'conformance: cpu without scatter-add kernels', groups: ['indexing'] });

/** The CPU backend with its generated source patched, or its writes dropped after the first. */
class BrokenCpu extends CpuBackend {
  readonly #written = new WeakSet<DeviceBuffer>();
  constructor(
    readonly tag: string,
    readonly patch: (source: string) => string,
    readonly writeOnce = false,
  ) {
    super();
  }
  override describe(): BackendInfo {
    return { ...super.describe(), name: `cpu-broken-${this.tag}` };
  }
  override compile(kernel: Kernel): ReturnType<CpuBackend['compile']> {
    const source = this.patch(renderKernel(kernel));
    const fn = new Function('ins', 'out', 'H', `"use strict";\n${source}`) as ReturnType<CpuBackend['compile']>['fn'];
    return { kernel, fn, source };
  }
  override write(buffer: DeviceBuffer, data: TypedArray): void {
    if (this.writeOnce && this.#written.has(buffer)) return;
    this.#written.add(buffer);
    super.write(buffer, data);
  }
}

interface Sabotage {
  readonly backend: BrokenCpu;
  /** Cases (by name) that must fail on it. */
  readonly caught: readonly string[];
  /** A compile check (by name prefix) that must fail on it. */
  readonly compile?: string;
}

const SABOTAGES: readonly Sabotage[] = [
  {
    backend: new BrokenCpu('imul', (s) => s.replaceAll('Math.imul(', '((a, b) => a * b)(')),
    caught: ['mul int32: matrix with matrix (3, 4), (3, 4)', 'mul uint32: every pair of special values (6, 1) with (1, 6)'],
  },
  {
    // truncating division instead of flooring
    backend: new BrokenCpu('intdiv', (s) => s.replaceAll('H.op.intdiv.impl', '((x) => Math.trunc(x[1] === 0 ? 0 : x[0] / x[1]))')),
    caught: ['intdiv int32: every pair of special values (10, 1) with (1, 10)', 'intdiv int8: scalar with matrix (), (3, 4)'],
  },
  {
    backend: new BrokenCpu('mean', (s) => s.replace(/acc \/ (\d+)/, 'acc / ($1 + 1)')),
    caught: ['mean float64: (2, 3, 4), 7 axis choices', 'mean int16: (4, 3).T, 4 axis choices'],
  },
  {
    backend: new BrokenCpu('max-nan', (s) => s.replaceAll('acc !== acc || v !== v ? NaN : ', '')),
    caught: ['max float32: special values (5, 4), axes 1, 0 and all'],
  },
  {
    backend: new BrokenCpu('neg-zero', (s) => s.replaceAll('(-in', '(0 - in')),
    caught: ['neg float64: special values [NaN, Infinity, -Infinity, 0, -0, 0.1, 0.5, -0.5, 1, -1, 2.5, -2.5, 7, 1.7e+308, -1.7e+308]'],
  },
  {
    // a transposed operand read as if it were contiguous
    backend: new BrokenCpu('strides', (s) => s.replace(/in0\[i0 \+ i1 \* (\d+)\]/, 'in0[i0 * $1 + i1]')),
    caught: ['exp float32: transposed matrix (4, 3).T', 'add int16: transposed matrix with matrix (4, 3).T, (3, 4)'],
  },
  {
    backend: new BrokenCpu('matmul-strides', (s) => s.replace(/pa \+= \d+;/, 'pa += 1;')),
    caught: ['dot float64: (6, 3).T · (6, 5) -> float64', 'dot int32: (4, 3).T · (5, 4).T -> int32'],
  },
  {
    // a scatter-add that clamps negative indices to row 0 instead of counting them from the end
    backend: new BrokenCpu('scatter-negative', (s) => s.replace(/if \(j < 0\) j \+= \d+;/, '')),
    caught: ['increments of repeated rows float32: x (6, 3), idx = [5, -1, 0, -6, 2, 5, 5], none = []', 'increments of repeated rows int8: x (6, 3), idx = [5, -1, 0, -6, 2, 5, 5], none = []'],
  },
  {
    backend: new BrokenCpu('stale-input', (s) => s, true),
    caught: [],
    compile: 'repeated calls with different input shapes',
  },
];

describe('the suite catches broken backends', () => {
  const { cases } = conformanceCases(DTYPES);
  const byName = new Map(cases.map((c) => [c.name, c]));
  for (const s of SABOTAGES) {
    registerBackend(s.backend);
    const device = s.backend.describe().name;
    const ctx: CaseContext = { device, seed: 1234, tolerance: defaultTolerance, signedZeros: true };
    for (const name of s.caught) {
      it(`${device} fails "${name}"`, async () => {
        const c = byName.get(name);
        expect(c, `no case named ${name}`).toBeDefined();
        await expect(runCase(c!, ctx)).rejects.toThrow(/differ from the reference/);
      });
    }
    if (s.compile) {
      it(`${device} fails the compile check "${s.compile}"`, async () => {
        const check = COMPILE_CHECKS.find((k) => k.name.startsWith(s.compile!));
        expect(check).toBeDefined();
        await expect(check!.run({ device, backend: s.backend, dtype: 'float64', rng: new Rng(1), tolerance: defaultTolerance })).rejects.toThrow();
      });
    }
  }
  it('the intact CPU backend passes those same cases', async () => {
    const ctx: CaseContext = { device: 'cpu', seed: 1234, tolerance: defaultTolerance, signedZeros: true };
    for (const s of SABOTAGES) for (const name of s.caught) await runCase(byName.get(name)!, ctx);
    expect(SABOTAGES.flatMap((s) => s.caught).length).toBeGreaterThan(8);
  });
});
