// The testkit's suite on the kernel IR interpreter: the plumbing of runConformance, with its options.
import { describe, expect, it } from 'vitest';
import { runConformance } from '../src/index.js';
import { InterpreterBackend } from './interpreter.js';

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

describe('runConformance options', () => {
  it('refuses unknown groups before registering anything', () => {
    expect(() => runConformance({ backend: new InterpreterBackend('x'), groups: ['nope' as 'reduce'] })).toThrow(/unknown group "nope"/);
  });
});
