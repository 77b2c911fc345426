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
import { T, sparse, type TensorVariable } from '@sym/graph';

type Differentiate = (ws: readonly TensorVariable[], constants: readonly TensorVariable[]) => TensorVariable[];

/**
 * x's full gradient when the cost reaches a trueDot's view of it, else
 * null (the structured one stands). `differentiate(ws, constants)`: the
 * gradient with respect to ws with `constants` held constant, disconnected
 * ones zero, as grad's options otherwise say.
 */
export function fullSparseGrad(x: sparse.SparseVariable, ends: readonly TensorVariable[], differentiate: Differentiate): sparse.SparseVariable | null {
  const views = sparse.fullGradientViews(x, ends);
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
