// The testkit's suite on the kernel IR interpreter: the plumbing of runConformance, with its options.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Executable, Kernel } from '@sym/graph';
import { getBackend, registerBackend } from '@sym/graph';
import { runConformance } from '../src/index.js';
import { InterpreterBackend } from './interpreter.js';

/** The interpreter, counting the kernels it compiled. */
class CountingInterpreter extends InterpreterBackend {
  compiled = 0;
  override compile(kernel: Kernel): Executable {
    this.compiled++;
    return super.compile(kernel);
  }
}

/** Every test's titles, from the top-level describe block down, as ' > '-joined paths. */
const titles: string[] = [];
beforeEach((ctx) => {
  const path: string[] = [ctx.task.name];
  for (let s = ctx.task.suite; s; s = s.suite) path.unshift(s.name);
  titles.push(path.join(' > '));
});

// The quick suite on seven dtypes, through a factory, with a skip and a tolerance override.
runConformance({
  backend: async () => new InterpreterBackend(),
  dtypes: ['bool', 'int8', 'uint16', 'int32', 'int64', 'float32', 'float64'],
  quick: true,
  name: 'conformance: interpreter',
  skip: (c) => (c.group === 'elemwise' && c.op === 'tan' && c.dtype === 'float32' ? 'shows a skipped case with its reason' : false),
  tolerance: (op, dtype) => (op === 'exp' && dtype === 'float32' ? { rtol: 1e-4, atol: 1e-6 } : undefined),
});

// A float32-only device: cases needing other dtypes are listed as skipped.
runConformance({
  backend: new InterpreterBackend('interpreter-f32', ['bool', 'int32', 'uint32', 'float32']),
  groups: ['reduce', 'compile'],
  seed: 99,
});

// The README's recipe: the backend's entry registered its own instance, the test file makes another one.
const registered = new CountingInterpreter('interpreter-entry', ['bool', 'int32', 'float32']);
registerBackend(registered);
const madeAsync: CountingInterpreter[] = [];
runConformance({
  backend: async () => {
    const b = new CountingInterpreter('interpreter-entry', ['bool', 'int32', 'float32']);
    madeAsync.push(b);
    return b;
  },
  groups: ['softmax', 'compile'],
});
const madeSync: CountingInterpreter[] = [];
runConformance({
  backend: () => {
    const b = new CountingInterpreter('interpreter-entry', ['bool', 'int32', 'float32']);
    madeSync.push(b);
    return b;
  },
  groups: ['shape'],
});

describe('runConformance options', () => {
  it('refuses unknown groups before registering anything', () => {
    expect(() => runConformance({ backend: new InterpreterBackend('x'), groups: ['nope' as 'reduce'] })).toThrow(/unknown group "nope"/);
  });

  it('tests the backend a factory makes, not the instance registered under its name, and registers that one again after', () => {
    expect(madeAsync).toHaveLength(1);
    expect(madeSync).toHaveLength(1);
    expect(madeAsync[0]!.compiled).toBeGreaterThan(0);
    expect(madeSync[0]!.compiled).toBeGreaterThan(0);
    expect(registered.compiled).toBe(0);
    expect(getBackend('interpreter-entry')).toBe(registered);
  });

  it('titles the suite by the backend: on top for an instance or a plain factory, one level down for an async factory', () => {
    expect(titles).toContain('conformance: interpreter-f32 > compile > constant arrays in the graph are uploaded once and stay right across calls');
    expect(titles).toContain('conformance: interpreter-entry > shape > dimshuffle/transpose/reshape/flatten int32: x (2, 3, 4), v (3,)');
    expect(titles.some((t) => t.startsWith('conformance > interpreter-entry > softmax > '))).toBe(true);
    expect(titles.some((t) => t.startsWith('conformance: interpreter > elemwise > '))).toBe(true);
  });
});
