/**
 * The full gradient with respect to a sparse variable that `sparse.trueDot`
 * multiplies (Theano's TrueDot: "regular, not structured"). The product
 * is computed through x's dense matrix (a view of x's data, which the
 * sparse module records), so the cost's derivative with respect to that
 * view is the full gradient there: `gz @ y.T`, including positions x does
 * not store. x's other uses keep their structured gradient; the two are
 * summed as Theano sums a structured and a TrueDot gradient: the sparse
 * sum of both, canonical (a position whose sum is exactly 0 dropped).
 */
import { T, sparse, toposort, type TensorVariable } from '@sym/graph';

/** The variables computed on the way to `ends` (their ancestors, themselves included). */
function ancestors(ends: readonly TensorVariable[]): Set<TensorVariable> {
  const seen = new Set<TensorVariable>(ends);
  for (const node of toposort(ends)) {
    for (const v of node.inputs) seen.add(v);
    for (const v of node.outputs) seen.add(v);
  }
  return seen;
}

type Differentiate = (ws: readonly TensorVariable[], constants: readonly TensorVariable[]) => TensorVariable[];

/**
 * x's full gradient when the cost reaches a trueDot's view of it, else
 * null (the structured one stands). `differentiate(ws, constants)`: the
 * gradient with respect to ws with `constants` held constant, disconnected
 * ones zero, as grad's options otherwise say.
 */
export function fullSparseGrad(x: sparse.SparseVariable, ends: readonly TensorVariable[], differentiate: Differentiate): sparse.SparseVariable | null {
  const made = sparse.fullGradientViews(x);
  if (made.length === 0) return null;
  const reached = ancestors(ends);
  const views = made.filter((v) => reached.has(v.view));
  if (views.length === 0) return null;
  const viewVars = views.map((v) => v.view);
  // x's other uses, the views held constant: the gradient through them is the full one below, not this structured part again
  const [structured] = differentiate([x.data], viewVars);
  const full = differentiate(viewVars, [])
    .map((g, i) => (views[i]!.transposed ? T.transpose(g) : g))
    .reduce((a, b) => T.add(a, b));
  const fullSparse = x.format === 'csr' ? sparse.csrFromDense(full) : sparse.cscFromDense(full);
  return sparse.add(x.withData(structured!), fullSparse);
}
