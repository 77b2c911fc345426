/**
 * Theano's `true_dot(x, y, grad_preserves_dense=True)`: the product of a
 * sparse matrix with a sparse or dense one (either side), sparse, whose
 * gradient with respect to a sparse operand is the full one (TrueDot's
 * "regular, not structured" gradient): `gz @ y.T` as a sparse matrix,
 * non-zero wherever that product is, not only where x stores values.
 *
 * A gradient with respect to a sparse variable is taken through its
 * stored values (its data), which have no place for the positions x does
 * not store. So the product is computed through each sparse operand's
 * dense matrix (`denseFromSparse`, a "full view" of it), and the view is
 * recorded here: `grad(cost, x)` (@sym/grad) asks for the views of x in
 * the cost's graph and differentiates the cost with respect to them (a
 * dense matrix each) besides x's data (full-views.ts keeps the record,
 * which sym.clone carries to the copies). Every other gradient (with respect
 * to x.data, to a dense operand, Rop, jacobian) sees an ordinary graph:
 * the view is connected to x's data by its scatter, so they are
 * structured as elsewhere.
 */
import { asTensor, type TensorLike } from '../core/op.js';
import { labelForErrors, nameInError } from '../core/error-names.js';
import type { TensorVariable } from '../core/variable.js';
import * as T from '../tensor/tensor.js';
import { csrFromDense, cscFromDense, denseFromSparse } from './ops.js';
import { checkSparse, isSparse, type SparseVariable } from './variable.js';
import { fullViewSource, recordFullView } from './full-views.js';
import { toposort } from '../kernel/schedule.js';

/** A dense matrix computed from a sparse variable's data (`view`), as that variable or as its transpose. */
export interface FullView {
  /** The dense matrix, computed from the sparse variable's parts. */
  readonly view: TensorVariable;
  /** Whether `view` is the transpose of the sparse variable asking (its rows are that one's columns). */
  readonly transposed: boolean;
}

function fullView(x: SparseVariable): TensorVariable {
  // named as the user would write it in a product's error (unlabelled, the view's inner reshape)
  const view = labelForErrors(denseFromSparse(x), () => `denseFromSparse(${String(x)})`);
  recordFullView(view, { data: x.data, rowIds: x.rowIds, colIds: x.colIds });
  return view;
}

/**
 * The dense views true_dot made of x's values, as x or as x.T (x.T shares
 * x's data), that the graph of `ends` computes: what `grad(cost, x)`
 * differentiates for x's full gradient. A view of another matrix sharing
 * x's data but not its pattern is left out (its gradient reaches x's
 * data, structured, as any graph's).
 */
export function fullGradientViews(x: SparseVariable, ends: readonly TensorVariable[]): FullView[] {
  const s = checkSparse(x, 'sparse.fullGradientViews');
  const found: FullView[] = [];
  for (const node of toposort(ends)) {
    for (const view of node.outputs) {
      const source = fullViewSource(view);
      if (source?.data !== s.data) continue;
      if (source.rowIds === s.rowIds && source.colIds === s.colIds) found.push({ view, transposed: false });
      else if (source.rowIds === s.colIds && source.colIds === s.rowIds) found.push({ view, transposed: true });
    }
  }
  return found;
}

function denseMatrix(v: TensorLike, caller: string, which: string): TensorVariable {
  const d = asTensor(v, `${caller}: ${which}`);
  if (d.ndim !== 2) throw new TypeError(`${caller}: ${which} must be a sparse matrix or a dense matrix, got ${nameInError(d)} of type ${d.type}`);
  return d;
}

/**
 * Theano's `true_dot(x, y, grad_preserves_dense=True)`: x @ y of a sparse
 * matrix and a sparse or dense matrix (either one dense), sparse: in x's
 * format when x is sparse, else in y's (Theano's transpose of
 * TrueDot(y.T, x.T)), the product's non-zeros (SciPy's `csr_matrix(x @
 * y)`), canonical. The gradient with respect to a sparse operand is full
 * (`grad(cost, x)`: the sparse matrix of `gz @ y.T`), with respect to a
 * dense one dense. The product is computed as the dense one of the
 * operands' dense matrices (a matmul of their full sizes: structuredDot
 * is the product for large sparse operands). `gradPreservesDense` false
 * (Theano's sparse gradient for a dense operand) is not provided: the
 * gradient of a dense variable is dense in sym.
 */
export function trueDot(x: SparseVariable | TensorLike, y: SparseVariable | TensorLike, gradPreservesDense = true): SparseVariable {
  const caller = 'sparse.trueDot';
  if (gradPreservesDense !== true) {
    throw new TypeError(`${caller}: gradPreservesDense must be true (Theano's default), got ${String(gradPreservesDense)}: a dense operand's gradient is dense in sym, Theano's sparse one is not provided`);
  }
  if (!isSparse(x) && !isSparse(y)) throw new TypeError(`${caller}: one operand must be sparse (for two dense ones use T.dot)`);
  const format = isSparse(x) ? x.format : (y as SparseVariable).format;
  const xd = isSparse(x) ? fullView(checkSparse(x, caller)) : denseMatrix(x, caller, 'x');
  const yd = isSparse(y) ? fullView(checkSparse(y, caller)) : denseMatrix(y, caller, 'y');
  const product = T.dot(xd, yd);
  return format === 'csr' ? csrFromDense(product) : cscFromDense(product);
}
