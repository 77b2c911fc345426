/**
 * Calls by input name, Theano's keyword arguments: `f(1, b=2)` is written
 * `f(1, { b: 2 })` and `f(x=1, b=2)` `f({ x: 1, b: 2 })`. The names are the
 * inputs' (the variable's, or the one `In` gives); keywords mix with
 * positional values and defaults. Each of Theano's refusals has its own
 * message: an unknown name, a value given twice, a missing input, a name
 * two inputs share, an unnamed input reached by name.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

/** The page "More Examples": f = function([x, In(y, value=1), In(w, value=2, name='w_by_name')], (x + y) * w). */
function moreExamples(): sym.SymFunction<sym.NDArray> {
  const [x, y, w] = T.dscalars('x', 'y', 'w');
  return sym.function([x!, sym.In(y!, { value: 1 }), sym.In(w!, { value: 2, name: 'w_by_name' })], x!.add(y!).mul(w!), { name: 'f' });
}

describe('keyword calls', () => {
  it("take Theano's tutorial calls: f(33, w_by_name=1), f(33, w_by_name=1, y=0), f(x=33)", async () => {
    const f = moreExamples();
    expect(Number(await f(33, { w_by_name: 1 }))).toBe(34); // y keeps its default 1
    expect(Number(await f(33, { w_by_name: 1, y: 0 }))).toBe(33);
    expect(Number(await f({ x: 33 }))).toBe(68);
    expect(Number(f.sync({ w_by_name: 3, x: 1, y: 2 }))).toBe(9); // the keys' order does not matter
    expect(Number(f.sync(1, 2, { w_by_name: 10 }))).toBe(30);
    // undefined leaves an input out, as it does positionally; an empty object is no keywords
    expect(Number(f.sync(33, { y: undefined, w_by_name: 1 }))).toBe(34);
    expect(Number(f.sync(33, {}))).toBe(68);
    expect(Number(f.sync(undefined, { x: 5 }))).toBe(12);
    expect(f.compiled.kernelCount({ x: 1 })).toBeGreaterThan(0);
  });

  it('copy an NDArray given by keyword when the call is made, as a positional one', async () => {
    const x = T.dvector('x');
    const f = sym.function([x], x.mul(2));
    const batch = sym.array([1, 2], { dtype: 'float64' });
    const pending = f({ x: batch });
    batch.data.fill(100); // refilled for the next call before this one ran
    expect((await pending).toArray()).toEqual([2, 4]);
  });

  it('refuse an unknown name, listing the names, with the name meant when it is a near miss', () => {
    const f = moreExamples();
    expect(() => f.sync(33, { z: 1 })).toThrow("function f: no input is named z; its inputs' names are x, y, w_by_name");
    expect(() => f.sync(33, { w_by_nam: 1 })).toThrow("function f: no input is named w_by_nam; its inputs' names are x, y, w_by_name (did you mean w_by_name?)");
    expect(() => f.sync(33, { wByName: 1 })).toThrow('(did you mean w_by_name?)');
    // the variable's own name, which In replaced
    expect(() => f.sync(33, { w: 1 })).toThrow("function f: no input is named w; its inputs' names are x, y, w_by_name (w is the variable of input 2, which sym.In named w_by_name: use that name)");
    // a short name two edits away is another name, not a typo
    expect(() => f.sync({ ab: 1 })).toThrow(/no input is named ab; its inputs' names are x, y, w_by_name$/);
    const none = sym.function([], T.constant(1));
    expect(() => none.sync({ a: 1 })).toThrow('function: no input is named a; it has no inputs');
    expect(Number(none.sync({}))).toBe(1);
  });

  it('refuse an input given both positionally and by keyword', async () => {
    const f = moreExamples();
    expect(() => f.sync(33, { x: 2 })).toThrow('function f: input 0 (x) is given twice: as argument 0 and as the keyword x');
    await expect(f(33, 0, { y: 1 })).rejects.toThrow('function f: input 1 (y) is given twice: as argument 1 and as the keyword y');
  });

  it('refuse a missing input without a default, naming it', () => {
    const f = moreExamples();
    expect(() => f.sync({ y: 2, w_by_name: 1 })).toThrow('function f: argument 0 (x): missing, and it has no default value');
  });

  it('refuse a keyword two inputs are named by, and take the others', () => {
    const a = T.dscalar('x');
    const b = T.dscalar('x');
    const c = T.dscalar('c');
    const f = sym.function([a, b, c], a.sub(b).mul(c));
    expect(() => f.sync({ x: 1, c: 2 })).toThrow(
      'function: the keyword x is ambiguous: inputs 0 and 1 are all named x. Pass them positionally, or give them distinct names with sym.In(variable, { name })',
    );
    expect(Number(f.sync(5, 2, { c: 3 }))).toBe(9);
    const named = sym.function([a, sym.In(b, { name: 'y' }), c], a.sub(b).mul(c));
    expect(Number(named.sync({ x: 5, y: 2, c: 3 }))).toBe(9);
  });

  it('reach an unnamed input by position only, and say so when another name is wrong', () => {
    const x = T.dscalar('x');
    const anonymous = T.dscalar();
    const f = sym.function([x, anonymous], x.add(anonymous));
    expect(Number(f.sync(1, 2))).toBe(3);
    expect(Number(f.sync(undefined, 2, { x: 1 }))).toBe(3);
    expect(() => f.sync({ x: 1, b: 2 })).toThrow("function: no input is named b; its inputs' names are x; input 1 has no name and is given by position only");
    const g = sym.function([T.dscalar(), T.dscalar()].map((v) => v) as sym.TensorVariable[], T.constant(0), { onUnusedInput: 'ignore' });
    expect(() => g.sync({ a: 1 })).toThrow("function: no input is named a; its inputs' names are (none); inputs 0, 1 have no name and are given by position only");
  });

  it('take keywords only last: an object of input names before it is keywords misplaced', () => {
    const f = moreExamples();
    expect(() => f.sync({ y: 2 }, 3)).toThrow(
      'function f: argument 0 (x): got an object of input names (y) before the last argument; keyword arguments come last, as in Theano: f(..., { y: ... })',
    );
    // any other object is refused as a value of no tensor type
    expect(() => f.sync({ a: 1 }, 3)).toThrow('function f: argument 0 (x): expected TensorType(float64, scalar) (a number, nested arrays, a typed array or an NDArray), got a plain object with keys a');
    expect(() => f.sync(1, 2, 3, 4, { y: 1 })).toThrow('function f: expected at most 3 positional arguments before the keywords, got 4');
  });
});

describe('keyword calls, forwarded or given as a Map', () => {
  it('take keywords followed by undefined (a wrapper forwarding an unset argument), as without it', async () => {
    const f = moreExamples();
    const forward = (...args: unknown[]) => f.sync(...args, undefined);
    // it said the keywords were not last
    expect(Number(forward({ x: 33, w_by_name: 1 }))).toBe(34);
    expect(Number(f.sync(33, { w_by_name: 1 }, undefined, undefined))).toBe(34);
    expect(Number(await f({ x: 33 }, undefined))).toBe(68);
    expect(() => f.sync({ y: 2 }, 3, undefined)).toThrow('function f: argument 0 (x): got an object of input names (y) before the last argument');
  });

  it('refuse a Map of names, saying that names come in a plain object', () => {
    const f = moreExamples();
    // it said "got object [object Map]"
    expect(() => f.sync(33, new Map([['w_by_name', 1]]))).toThrow(
      "function f: argument 1 (y): got a Map; values by input name come in a plain object, last (Theano's keyword arguments): f(..., { y: ... })",
    );
  });
});

describe('keyword calls of a function with updates', () => {
  function accumulator(): { state: sym.TensorSharedVariable; acc: sym.SymFunction<sym.NDArray> } {
    const state = sym.shared(0, { name: 'state' });
    const inc = T.iscalar('inc');
    const step = T.iscalar('step');
    const acc = sym.function([inc, sym.In(step, { value: 1 })], state, { updates: [[state, state.add(inc.mul(step))]], name: 'acc' });
    return { state, acc };
  }

  it('apply the updates of a call by name, with the defaults', async () => {
    const { state, acc } = accumulator();
    expect(Number(await acc({ inc: 3 }))).toBe(0);
    expect(Number(state.getValue())).toBe(3);
    expect(Number(acc.sync(2, { step: 10 }))).toBe(3);
    expect(Number(state.getValue())).toBe(23);
  });

  it('leave the shared variables unchanged when a call by name is refused', async () => {
    const { state, acc } = accumulator();
    await acc({ inc: 5 });
    await expect(acc({ inc: 1, stpe: 2 })).rejects.toThrow('function acc: no input is named stpe; its inputs\' names are inc, step (did you mean step?)');
    await expect(acc(1, { inc: 2 })).rejects.toThrow('function acc: input 0 (inc) is given twice');
    expect(() => acc.sync({ step: 2 })).toThrow('function acc: argument 0 (inc): missing, and it has no default value');
    expect(() => acc.sync({ inc: [1, 2] })).toThrow(/function acc: argument 0 \(inc\): wrong number of dimensions/);
    expect(Number(await state.getValueAsync())).toBe(5);
    expect(Number(await acc({ inc: 1 }))).toBe(5);
    expect(Number(state.getValue())).toBe(6);
  });

  it("keep the inputs' names in f.copy: a copy swapping the state is called by name", async () => {
    const { state, acc } = accumulator();
    const other = sym.shared(100, { name: 'other' });
    const copied = acc.copy({ swap: [[state, other]] });
    expect(Number(await copied({ inc: 2, step: 3 }))).toBe(100);
    expect(Number(other.getValue())).toBe(106);
    expect(Number(state.getValue())).toBe(0);
    expect(() => copied.sync({ inc: 1, size: 2 })).toThrow("function acc: no input is named size; its inputs' names are inc, step");
  });
});
