/**
 * sparse.csr / sparse.csc of symbolic parts (variable.ts fromParts): bad
 * parts raise before the call commits anything (they were refused only by
 * the SparseMatrix the call returned, after its updates were written).
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

const { sparse } = sym;

function callWith(format: 'csr' | 'csc', indices: number[], indptr: number[], data = [1, 2, 3]) {
  const d = T.vector('d');
  const i = T.ivector('i');
  const p = T.ivector('p');
  const calls = sym.shared(0, { name: 'calls' });
  const f = sym.function([d, i, p], sparse.fromParts(format, d, i, p, [3, 4]), { updates: [[calls, T.add(calls, 1)]] });
  let error: unknown;
  let value: unknown;
  try {
    value = f.sync(data, indices, indptr);
  } catch (e) {
    error = e;
  }
  return { error: error instanceof Error ? error.message : undefined, calls: calls.getValue().item(), value };
}

describe('sparse.csr of symbolic parts', () => {
  it.each([
    ['csr', [0, 4, 1], [0, 1, 1, 3], 'sparse.csr: indices[1] = 4 is out of range for 4 columns (indices must lie in [0, 4))'],
    ['csr', [0, -1, 1], [0, 1, 1, 3], 'sparse.csr: indices[1] = -1 is out of range for 4 columns (indices must lie in [0, 4))'],
    ['csc', [0, 3, 1], [0, 1, 1, 3, 3], 'sparse.csc: indices[1] = 3 is out of range for 3 rows (indices must lie in [0, 3))'],
    ['csr', [0, 2], [0, 1, 1, 3], 'sparse.csr: indices has 2 entries but data has 3; they must be as long (one index per stored value)'],
    ['csr', [0, 2, 1], [0, 1, 3], 'sparse.csr: indptr must have 4 entries (rows + 1), got 3'],
    ['csr', [0, 2, 1], [1, 1, 1, 3], 'sparse.csr: indptr must start at 0, got indptr[0] = 1'],
    ['csr', [0, 2, 1], [-2, 1, 1, 3], 'sparse.csr: indptr must start at 0, got indptr[0] = -2'],
    ['csr', [0, 2, 1], [0, 1, 1, 2], 'sparse.csr: indptr must end at len(data) = 3, the number of stored values; its last entry is 2'],
    ['csr', [0, 2, 1], [0, 1, 1, 5], 'sparse.csr: indptr must end at len(data) = 3, the number of stored values; its last entry is 5'],
    ['csr', [0, 2, 1], [0, 2, 1, 3], 'sparse.csr: indptr must not decrease, but indptr[2] < indptr[1] (by 1)'],
  ] as const)('%s with indices %j, indptr %j: %s, and the call commits nothing', (format, indices, indptr, message) => {
    const got = callWith(format, [...indices], [...indptr]);
    expect(got.error).toBe(message);
    expect(got.calls).toBe(0);
  });

  it('gives good parts back unchanged, and commits', () => {
    const got = callWith('csr', [0, 3, 1], [0, 1, 1, 3]);
    expect(got.error).toBeUndefined();
    expect(got.calls).toBe(1);
    const m = got.value as InstanceType<typeof sparse.SparseMatrix>;
    expect(Array.from(m.indptr.data)).toEqual([0, 1, 1, 3]);
    expect(Array.from(m.indices.data)).toEqual([0, 3, 1]);
    expect(m.toDense().toArray()).toEqual([[1, 0, 0, 0], [0, 0, 0, 0], [0, 3, 0, 2]]);
  });
});
