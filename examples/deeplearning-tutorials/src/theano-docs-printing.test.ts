/**
 * Theano's documentation page "Printing/Drawing Theano graphs"
 * (tutorial/printing_drawing.html) on its logistic regression: `pprint`
 * and `debugprint` of the prediction before compilation, `debugprint` of
 * the compiled `predict`, and `pydotprint` (sym's `toDot`, Graphviz text
 * rather than a PNG).
 *
 * Differences from the page, by design: sym's pp writes a comparison as
 * `a > b` where Theano writes `gt(a, b)`, and leaves out the parentheses
 * around a negation; sym's graphs broadcast scalars without Theano's
 * DimShuffle{x} nodes; its compiled graph is the rewritten graph
 * (sigmoid found, as Theano's scalar_sigmoid), fusion happening later, in
 * the kernels, not as a Composite node. The page's `x.tag.test_value` has
 * no twin (sym has no test values: shapes are checked when the graph is
 * built, where known, and when the function runs).
 */
import * as sym from '@sym/graph';
import { grad } from '@sym/grad';
import { describe, expect, it } from 'vitest';
import { useFloat64 } from './test-support.js';

const T = sym.T;

describe("Theano's Printing/Drawing page", () => {
  useFloat64();
  // the page's N = 400, feats = 784, smaller: the prints do not depend on them
  const model = () => {
    const rng = new sym.RandomState(0);
    const [N, feats] = [40, 7];
    const D = [rng.randn([N, feats]), (rng.randint(0, 2, [N]) as sym.NDArray).astype(sym.config.floatX)] as const;
    const x = T.matrix('x');
    const y = T.vector('y');
    const w = sym.shared(rng.randn(feats).astype(sym.config.floatX), { name: 'w' });
    const b = sym.shared(sym.array(0, { dtype: sym.config.floatX }), { name: 'b' });
    const p1 = T.div(1, T.add(1, T.exp(T.dot(x, w).neg().sub(b)))); // probability of having a one
    const prediction = T.gt(p1, 0.5); // the prediction: 0 or 1
    const xent = y.neg().mul(T.log(p1)).sub(T.sub(1, y).mul(T.log(T.sub(1, p1)))); // cross-entropy
    const cost = xent.mean().add(w.pow(2).sum().mul(0.01)); // the cost to optimize
    const [gw, gb] = grad(cost, [w, b]);
    const train = sym.function([x, y], [prediction, xent], { updates: [[w, w.sub(gw!.mul(0.01))], [b, b.sub(gb!.mul(0.01))]], name: 'train' });
    const predict = sym.function([x], prediction, { name: 'predict' });
    return { D, x, w, b, prediction, train, predict };
  };

  it('pretty-prints the prediction', () => {
    const { prediction } = model();
    // Theano: gt((TensorConstant{1} / (TensorConstant{1} + exp(((-(x \dot w)) - b)))), TensorConstant{0.5})
    expect(sym.pp(prediction)).toBe('((TensorConstant{1} / (TensorConstant{1} + exp((-(x \\dot w) - b)))) > TensorConstant{0.5})');
  });

  it('debugprints the pre-compilation graph: gt of true_div of 1 and 1 + exp(-(x·w) - b), and 0.5', () => {
    const { prediction } = model();
    expect(sym.debugprint(prediction)).toBe(
      [
        "Elemwise{gt,no_inplace} [id A] ''",
        " |Elemwise{true_div,no_inplace} [id B] ''",
        ' | |TensorConstant{1} [id C]',
        " | |Elemwise{add,no_inplace} [id D] ''",
        ' | | |TensorConstant{1} [id E]',
        " | | |Elemwise{exp,no_inplace} [id F] ''",
        " | | | |Elemwise{sub,no_inplace} [id G] ''",
        " | | | | |Elemwise{neg,no_inplace} [id H] ''",
        " | | | | | |dot [id I] ''",
        ' | | | | | | |x [id J]',
        ' | | | | | | |w [id K]',
        ' | | | | |b [id L]',
        ' |TensorConstant{0.5} [id M]',
      ].join('\n'),
    );
  });

  it("debugprints the compiled predict: the division rewritten to a sigmoid, as Theano's scalar_sigmoid", async () => {
    const { predict, D, w, b } = model();
    // the first call loads the backend named by config.device, which installs the optimizer: before it, debugprint shows the graph not yet rewritten, and says so
    expect(predict.debugprint()).toMatch(/\(not rewritten yet: the optimizer is installed when a backend is imported, or by the first call\)$/);
    await predict(D[0]);
    const text = predict.debugprint();
    expect(text).toMatch(/^Elemwise\{gt,no_inplace\} \[id A\] ''\n \|Elemwise\{sigmoid,no_inplace\} /);
    expect(text).not.toMatch(/true_div|exp/);
    expect(text).toMatch(/\|dot \[id F\] ''\n[ |]*\|x \[id G\]\n[ |]*\|w \[id H\]\n/);
    // and it predicts what the page's formula does
    const X = D[0].toArray() as number[][];
    const W = w.getValue().toArray() as number[];
    const B = Number(b.getValue());
    const expected = X.map((row) => 1 / (1 + Math.exp(-row.reduce((s, v, j) => s + v * W[j]!, 0) - B)) > 0.5);
    expect((((await predict(D[0])) as sym.NDArray).toArray() as boolean[]).map(Boolean)).toEqual(expected);
  });

  it('the compiled train function prints its outputs then its updates, and trains', async () => {
    const { train, D, w } = model();
    await train(D[0], D[1]);
    const text = train.debugprint();
    // the two outputs and the two updates are the roots of the printed forest
    expect(text.split('\n').filter((line) => !line.startsWith(' ')).length).toBe(4);
    const before = w.getValue().toArray() as number[];
    await train(D[0], D[1]);
    expect(w.getValue().toArray()).not.toEqual(before);
  });

  it("draws the graph as pydotprint does, as Graphviz text (sym.pydotprint is toDot)", async () => {
    const { prediction, predict, D } = model();
    await predict(D[0]);
    const dot = sym.pydotprint(prediction);
    expect(dot).toMatch(/^digraph G \{/);
    for (const label of ['x', 'w', 'b', 'dot']) expect(dot).toContain(`label="${label}"`);
    expect(dot.trimEnd().endsWith('}')).toBe(true);
    // the compiled function's graph draws too
    expect(sym.pydotprint(predict)).toContain('label="Elemwise{sigmoid,no_inplace}"');
    expect(sym.pydotprint(predict)).toContain('graph [label="predict"');
  });
});
