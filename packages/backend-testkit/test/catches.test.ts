// Backends with one deliberate bug each, which the suite must catch. This file imports the testkit and
// nothing else of ours: the optimizer the cases compile with is the one the testkit installs itself, so
// these bugs (in fused kernels, in-place updates, mixed-dtype switches and random samples) surface for any backend.
import { describe, expect, it } from 'vitest';
import type { DeviceBuffer, Executable, Kernel, Launch, ScalarExpr, TypedArray } from '@sym/graph';
import { DTYPES, getOptimizer, registerBackend } from '@sym/graph';
import { COMPILE_CHECKS, caseRng, conformanceCases, defaultTolerance, runCase, type CaseContext, type CaseGroup, type OpCase } from '../src/index.js';
import { InterpreterBackend } from './interpreter.js';
import { irCases } from '../src/ir/cases.js';
import { runIrCase } from '../src/ir/run.js';

/** Runs its kernels without their epilogues: a reduction or product stored as it is. */
class EpilogueDropping extends InterpreterBackend {
  override compile(kernel: Kernel): Executable {
    return super.compile(kernel.kind === 'reduce' || kernel.kind === 'matmul' ? { ...kernel, epilogue: undefined } : kernel);
  }
}

/** Lets every update go in place, then runs each list of launches twice. */
class TwiceInPlace extends InterpreterBackend {
  inPlaceLaunches = 0;
  overwrites(): boolean {
    return true;
  }
  override run(launches: readonly Launch[]): void {
    this.inPlaceLaunches += launches.filter((l) => l.inputs.includes(l.output)).length;
    super.run(launches);
    super.run(launches);
  }
}

/** Lets every update go in place and runs each launch once (correct). */
class InPlace extends TwiceInPlace {
  override run(launches: readonly Launch[]): void {
    this.inPlaceLaunches += launches.filter((l) => l.inputs.includes(l.output)).length;
    InterpreterBackend.prototype.run.call(this, launches);
  }
}

/** Keeps the first values written to each buffer: a value refilled at each call (a random sample) goes stale. */
class FirstWriteOnly extends InterpreterBackend {
  readonly #written = new WeakSet<DeviceBuffer>();
  override write(buffer: DeviceBuffer, data: TypedArray): void {
    if (this.#written.has(buffer)) return;
    this.#written.add(buffer);
    super.write(buffer, data);
  }
}

/** Converts a switch's condition to the compute dtype, as the other operands are. */
class SwitchConditionConverting extends InterpreterBackend {
  override compile(kernel: Kernel): Executable {
    return super.compile(kernel.kind === 'elementwise' ? { ...kernel, expr: convertConditions(kernel.expr) } : kernel);
  }
}

function convertConditions(e: ScalarExpr): ScalarExpr {
  if (e.kind !== 'apply') return e;
  const args = e.args.map(convertConditions);
  if (e.op === 'switch' && args[0]!.dtype !== e.computeDType) {
    args[0] = { kind: 'apply', op: 'cast', args: [args[0]!], computeDType: e.computeDType, dtype: e.computeDType };
  }
  return { ...e, args };
}

/** Stores each element as its expression computes it: the output array's own store is the only conversion (int32 3 into bool stays 3). */
class RawStoring extends InterpreterBackend {
  override compile(kernel: Kernel): Executable {
    return super.compile(kernel.kind === 'elementwise' ? { ...kernel, out: kernel.expr.dtype } : kernel);
  }
}

/** Folds integer reductions in doubles and wraps once at the store: exact below 2^53 only. */
class DoubleFolding extends InterpreterBackend {
  override compile(kernel: Kernel): Executable {
    return super.compile(kernel.kind === 'reduce' && (kernel.acc === 'int32' || kernel.acc === 'uint32') ? { ...kernel, acc: 'float64' } : kernel);
  }
}

function context(device: string): CaseContext {
  return { device, seed: 1234, tolerance: defaultTolerance, signedZeros: true };
}

/** The names of the cases that fail on the backend registered as `device`. */
async function failing(cases: readonly OpCase[], device: string): Promise<string[]> {
  const failed: string[] = [];
  for (const c of cases) {
    try {
      await runCase(c, context(device));
    } catch {
      failed.push(c.name);
    }
  }
  return failed;
}

const FUSED_GROUPS: readonly CaseGroup[] = ['composite', 'dot', 'reduce', 'softmax'];

describe('the suite catches broken backends, with the optimizer the testkit installs', () => {
  it('installs an optimizer on import', () => {
    expect(getOptimizer()).toBeDefined();
  });

  it('fails a backend that drops epilogues (reductions and products fused with the elementwise work after them)', async () => {
    registerBackend(new InterpreterBackend('honest'));
    registerBackend(new EpilogueDropping('drops-epilogues'));
    const { cases } = conformanceCases(['float32', 'float64'], FUSED_GROUPS, true);
    expect(await failing(cases, 'honest')).toEqual([]);
    const failed = await failing(cases, 'drops-epilogues');
    for (const d of ['float32', 'float64']) {
      // reduce epilogues and matmul epilogues (gemm, bias, activation)
      expect(failed).toContain(`composite ${d}: elementwise work on reductions`);
      expect(failed).toContain(`composite ${d}: elementwise work after a product (matmul epilogues: gemm, bias and activation)`);
    }
  });

  const inPlace = COMPILE_CHECKS.find((k) => k.name.startsWith('updates in place'))!;
  const compileContext = (backend: InterpreterBackend) => ({ device: backend.name, backend, dtype: 'float64' as const, rng: caseRng(1, inPlace.name), tolerance: defaultTolerance });

  it('runs updates in place on a backend that allows them, and passes a correct one', async () => {
    const ok = new InPlace('in-place');
    registerBackend(ok);
    await inPlace.run(compileContext(ok));
    expect(ok.inPlaceLaunches).toBeGreaterThan(0);
  });

  it('fails a backend whose in-place updates are not what updates out of place give', async () => {
    const twice = new TwiceInPlace('twice-in-place');
    registerBackend(twice);
    await expect(inPlace.run(compileContext(twice))).rejects.toThrow(/differ/);
    expect(twice.inPlaceLaunches).toBeGreaterThan(0);
  });

  it('fails a backend that converts the condition of a switch to the branches dtype', async () => {
    registerBackend(new SwitchConditionConverting('converts-conditions'));
    const switches = conformanceCases(DTYPES, ['elemwise'], true).cases.filter((c) => / condition \[/.test(c.name));
    expect(switches).toHaveLength(DTYPES.length * (DTYPES.length - 1));
    expect(await failing(switches, 'honest')).toEqual([]);
    const failed = await failing(switches, 'converts-conditions');
    for (const name of ['switch int8: float32 condition', 'switch int8: int16 condition', 'switch float32: float64 condition', 'switch float16: float32 condition']) {
      expect(failed.some((n) => n.startsWith(name)), name).toBe(true);
    }
  });

  it('fails a backend that uploads a random sample only once: the second call must draw the next sample', async () => {
    registerBackend(new InterpreterBackend('honest'));
    registerBackend(new FirstWriteOnly('first-write-only'));
    // sizes from x.shape are int64 scalars, and from an input int32 ones; binomial compares to a bool
    const { cases } = conformanceCases(['bool', 'int32', 'int64', 'float32', 'float64'], ['random']);
    expect(cases).toHaveLength(26);
    expect(await failing(cases, 'honest')).toEqual([]);
    const failed = await failing(cases, 'first-write-only');
    // both default-updates cases (uniform, normal and mask; permutations, Poisson counts and shuffles), in both dtypes
    expect(failed.sort()).toEqual(cases.filter((c) => c.name.includes('default updates')).map((c) => c.name).sort());
    expect(failed).toHaveLength(4);
  });

  it('fails, in the ir group, a backend that skips the conversion into the output dtype or folds integers in doubles', async () => {
    const irFailures = async (backend: InterpreterBackend): Promise<string[]> => {
      const failed: string[] = [];
      // the interpreter runs no scatter-add kernels (an optional kind)
      for (const c of irCases().filter((k) => k.kernel.kind !== 'scatterAdd')) {
        try {
          await runIrCase(backend, c, defaultTolerance);
        } catch {
          failed.push(c.name);
        }
      }
      return failed;
    };
    expect(await irFailures(new InterpreterBackend('honest'))).toEqual([]);
    expect(await irFailures(new RawStoring('raw-storing'))).toEqual(['a kernel stores its expression into its out dtype: int32 values into bool']);
    // a float64 accumulator also keeps fractions and has infinite identities
    expect(await irFailures(new DoubleFolding('double-folding'))).toEqual([
      'each value converts to acc: float32 values summed in int32 truncate one by one',
      'an int32 product wraps at every step (integers past 2^24)',
      'an empty max over int32 yields the identity (integers past 2^24)',
      'an empty min over int32 yields the identity (integers past 2^24)',
    ]);
  });
});
