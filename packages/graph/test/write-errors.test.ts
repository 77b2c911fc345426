/**
 * setSubtensor/incSubtensor refuse a bad y at the front door, naming the
 * user's x and y (not the intermediates a window of several ops is built
 * of: `Alloc.0`, `DimShuffle{0,x}.0`), through every kind of window: the
 * same dtype texts as the ops' own `checkWritable`, and y's shape against
 * the window's when both are known.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from './helpers.js';

type V = sym.TensorVariable;
const idx = T.lvector('idx');
const idx2 = T.lmatrix('idx2');
const mask = T.tensor('bool', [false], 'mask');
const i = T.lscalar('i');

/** Every kind of window over a matrix x. */
const windows: [string, (x: V) => V][] = [
  ['a basic slice x[0:2]', (x) => x.get('0:2')],
  ['an integer x[0]', (x) => x.get(0)],
  ['a new axis x[None]', (x) => x.get(null)],
  ['an Ellipsis x[..., 0]', (x) => x.get('...', 0)],
  ['a mask x[mask]', (x) => x.get(mask)],
  ['a mask among slices x[:, mask]', (x) => x.get(':', mask)],
  ['a 0-d boolean x[True]', (x) => x.get(true)],
  ['an integer vector x[idx]', (x) => x.get(idx)],
  ['an integer vector after a slice x[:, idx]', (x) => x.get(':', idx)],
  ['an integer vector and a new axis x[idx, None]', (x) => x.get(idx, null)],
  ['an integer vector and an integer x[idx, 0]', (x) => x.get(idx, 0)],
  ['pairs x[idx, idx]', (x) => x.get(idx, idx)],
  ['an integer matrix x[idx2]', (x) => x.get(idx2)],
  ['a value-length slice x[i:]', (x) => x.get(T.slice(i))],
];

describe('writing a bad y into a window names the user\'s x and y', () => {
  const b = T.tensor('bool', [false, false], 'b');
  const f = T.fmatrix('f');
  it.each(windows)('through %s', (_, window) => {
    expect(() => T.incSubtensor(window(b), true)).toThrow(new TypeError('incSubtensor: cannot increment a bool tensor b; use setSubtensor'));
    expect(() => T.incSubtensor(window(f), T.dscalar('d'))).toThrow(
      new TypeError("incSubtensor: cannot write d (float64) into f (float32) without losing data; cast it first (.astype('float32'))"),
    );
    expect(() => T.setSubtensor(window(f), T.lscalar('n'))).toThrow(
      new TypeError("setSubtensor: cannot write n (int64) into f (float32) without losing data; cast it first (.astype('float32'))"),
    );
    // what is allowed still builds: a bool set, a float32 y added
    expect(T.setSubtensor(window(b), true).type.toString()).toBe(b.type.toString());
    expect(T.incSubtensor(window(f), T.fscalar('g')).type.toString()).toBe(f.type.toString());
  });
});

describe('a y that cannot broadcast to the window is refused before any op is built', () => {
  const x = T.constant(sym.NDArray.zeros([3, 4], 'float32'), { dtype: 'float32', name: 'x' });
  const y = T.constant(sym.NDArray.zeros([7], 'float32'), { dtype: 'float32', name: 'y' });
  const two = T.constant([0, 2], { dtype: 'int64' });
  const known: [string, (x: V) => V, string][] = [
    ['x[0:2]', (x) => x.get('0:2'), '(2, 4)'],
    ['x[0]', (x) => x.get(0), '(4,)'],
    ['x[None]', (x) => x.get(null), '(1, 3, 4)'],
    ['x[..., 0]', (x) => x.get('...', 0), '(3,)'],
    ['x[mask]', (x) => x.get(T.constant([true, false, true], { dtype: 'bool' })), '(?, 4)'],
    ['x[True]', (x) => x.get(true), '(1, 3, 4)'],
    ['x[idx]', (x) => x.get(two), '(2, 4)'],
    ['x[:, idx]', (x) => x.get(':', two), '(3, 2)'],
    ['x[idx, None]', (x) => x.get(two, null), '(2, 1, 4)'],
    ['x[idx, 0]', (x) => x.get(two, 0), '(2,)'],
    ['x[idx, idx]', (x) => x.get(two, two), '(2,)'],
    ['x[idx2]', (x) => x.get(T.constant([[0], [2]], { dtype: 'int64' })), '(2, 1, 4)'],
    ['x[i:]', (x) => x.get(T.slice(i)), '(?, 4)'],
  ];
  it.each(known)('through %s (window %s)', (_, window, shape) => {
    for (const write of [T.setSubtensor, T.incSubtensor]) {
      const what = write === T.setSubtensor ? 'setSubtensor' : 'incSubtensor';
      expect(() => write(window(x), y)).toThrow(new RangeError(`${what} into x: y of shape (7,) does not broadcast to the window's shape ${shape}.`));
    }
  });
});

describe('AdvancedIncSubtensor1 built directly keeps its own checks (checkWritable)', () => {
  it('names its inputs', () => {
    const f = T.fmatrix('f');
    const rows = T.fmatrix('rows');
    const op = new sym.AdvancedIncSubtensor1(false);
    expect(() => sym.apply1(op, [f, T.dmatrix('dm'), idx])).toThrow(
      new TypeError("AdvancedIncSubtensor1: cannot write dm (float64) into f (float32) without losing data; cast it first (.astype('float32'))"),
    );
    expect(sym.apply1(op, [f, rows, idx]).dtype).toBe('float32');
  });
});
