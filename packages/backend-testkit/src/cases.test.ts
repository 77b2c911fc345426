import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import { DTYPES, SCALAR_OP_NAMES } from '@sym/graph';
import { CASE_GROUPS, conformanceCases } from './suite.js';
import { evaluateReference, graphDTypes } from './reference.js';
import { caseRng } from './rng.js';
import { REDUCERS } from './cases/reduce.js';
import { definedOn } from './cases/elemwise.js';

describe('case tables', () => {
  const { cases, unfit } = conformanceCases(DTYPES);

  it('name every case uniquely', () => {
    const names = cases.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(unfit).toEqual([]);
  });

  it('cover every scalar op on every dtype, with special values', () => {
    for (const op of SCALAR_OP_NAMES) {
      if (op === 'cast') continue;
      // the bitwise ops are defined on integer dtypes only
      for (const d of DTYPES) {
        expect(cases.some((c) => c.group === 'elemwise' && c.op === op && c.dtype === d), `${op} ${d}`).toBe(definedOn(op, d));
      }
      expect(cases.some((c) => c.group === 'special' && c.op === op && c.dtype === (definedOn(op, 'float32') ? 'float32' : 'int32')), `${op} special`).toBe(true);
    }
    // every pair of dtypes, and the 32- and 64-bit integers at float32's rounding ties
    expect(cases.filter((c) => c.group === 'cast').length).toBe(DTYPES.length * (DTYPES.length - 1) + 3);
    expect(cases.filter((c) => c.group === 'cast' && c.name.includes('rounding ties')).map((c) => c.name.split(' ')[1])).toEqual(['int32', 'int64', 'uint32']);
  });

  it('cover every reducer on every dtype and layout', () => {
    for (const r of REDUCERS) for (const d of DTYPES) expect(cases.filter((c) => c.op === r && c.dtype === d).length).toBeGreaterThanOrEqual(5);
  });

  it('leave out cases a backend cannot hold', () => {
    const f32 = conformanceCases(['bool', 'int32', 'uint32', 'float32'], CASE_GROUPS);
    for (const c of f32.cases) for (const d of graphDTypes(c.graph.outputs)) expect(['bool', 'int32', 'uint32', 'float32']).toContain(d);
    expect(f32.unfit.some((c) => c.name.startsWith('sum int32'))).toBe(true);
    expect(f32.cases.some((c) => c.name.startsWith('max int32'))).toBe(true);
  });

  it('draw the same inputs for the same seed, and have a reference for them', () => {
    for (const c of cases.filter((_, i) => i % 97 === 0)) {
      const a = c.graph.values(caseRng(5, c.name));
      const b = c.graph.values(caseRng(5, c.name));
      expect(a.map((v) => [...v.data])).toEqual(b.map((v) => [...v.data]));
      if (c.graph.raises) continue;
      const ref = evaluateReference(c.graph.outputs, new Map(c.graph.inputs.map((v, i) => [v, a[i]!])));
      expect(ref.length).toBe(c.graph.outputs.length);
      ref.forEach((r, i) => expect(r.dtype).toBe(c.graph.outputs[i]!.dtype));
    }
  });
});

describe('computed indices', () => {
  it("cases that raise raise in the reference, with NumPy's IndexError; the others compute", () => {
    const computed = conformanceCases(DTYPES).cases.filter((c) => c.name.startsWith('computed ind'));
    expect(computed.length).toBe(6);
    for (const c of computed) {
      const values = c.graph.values(caseRng(5, c.name));
      const run = () => evaluateReference(c.graph.outputs, new Map(c.graph.inputs.map((v, i) => [v, values[i]!])));
      if (c.graph.raises) expect(run, c.name).toThrow(/is out of bounds for axis 0 with size 4/);
      else expect(run().length).toBe(5);
    }
  });
});

describe('evaluateReference', () => {
  it('evaluates a graph with perform, reading constants and shared variables', () => {
    const x = sym.T.dvector('x');
    const s = sym.shared(sym.array([10, 20], { dtype: 'float64' }));
    const y = x.mul(2).add(s).sum();
    const [v] = evaluateReference([y], new Map([[x, sym.array([1, 2], { dtype: 'float64' })]]));
    expect(v!.item()).toBe(36);
    expect(() => evaluateReference([y], new Map())).toThrow(/no value for x/);
  });
});

describe('reference semantics the special cases rely on', () => {
  it('integer pow wraps like repeated multiplication (checked with BigInt)', () => {
    const pow = sym.SCALAR_OPS.pow.impl;
    for (const [d, bits, signed] of [['int32', 32, true], ['uint32', 32, false], ['int8', 8, true], ['uint16', 16, false]] as const) {
      for (const a of [3, 7, -7, 2147483647, -2147483648, 255, 65535]) {
        for (const b of [0, 1, 2, 5, 31, 63, 1000]) {
          const x = sym.castScalar(a, d);
          let exact = 1n;
          for (let i = 0; i < b; i++) exact *= BigInt(x);
          const want = Number(signed ? BigInt.asIntN(bits, exact) : BigInt.asUintN(bits, exact));
          expect(sym.castScalar(pow([x, b], d, d), d), `${x} ** ${b} in ${d}`).toBe(want);
        }
      }
    }
  });
});

describe('float floor division follows NumPy (a == b * (a // b) + a % b)', () => {
  it('gives 1 // 0.1 = 9, inf // 2 = NaN, -2 // inf = -1, 0 // -3 = -0', () => {
    const fd = (a: number, b: number): number => sym.SCALAR_OPS.intdiv.impl([a, b], 'float64', 'float64');
    expect([fd(1, 0.1), fd(-1, 0.1), fd(Infinity, 2), fd(-2, Infinity), fd(2, Infinity), fd(7, 2.5), fd(-7, 2.5), fd(5, 0)]).toEqual([9, -10, NaN, -1, 0, 2, -3, Infinity]);
    expect(Object.is(fd(0, -3), -0)).toBe(true);
  });

  it('gives a zero remainder the sign of the divisor', () => {
    const mod = (a: number, b: number): number => sym.SCALAR_OPS.mod.impl([a, b], 'float64', 'float64');
    expect(Object.is(mod(-4, 2), 0)).toBe(true);
    expect(Object.is(mod(4, -2), -0)).toBe(true);
    expect([mod(-1, 0.3), mod(5, -3), mod(2, Infinity), mod(-2, Infinity)].map((v) => Math.round(v * 1e12) / 1e12)).toEqual([0.2, -1, 2, Infinity]);
  });
});

describe('the quick suite', () => {
  it('keeps every op and dtype with fewer layouts', () => {
    const full = conformanceCases(DTYPES).cases;
    const quick = conformanceCases(DTYPES, CASE_GROUPS, true).cases;
    // a little over half (the special values, special functions, products and the composite cases keep every layout)
    expect(quick.length).toBeLessThan(full.length * 0.58);
    const key = (c: { op: string; dtype: string; group: string }) => `${c.group} ${c.op} ${c.dtype}`;
    expect(new Set(quick.map(key))).toEqual(new Set(full.map(key)));
  });
});
