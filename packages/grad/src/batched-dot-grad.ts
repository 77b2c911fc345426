/**
 * BatchedDot's gradient, Z[b] = A[b] B[b]: gA = gZ Bᵀ and gB = Aᵀ gZ for
 * each b, themselves BatchedDots (the transposes are views, read through
 * the matmul kernel's strides).
 *
 * In a batched pass (jacobian, nb > 0) gZ has nb more leading axes J...;
 * they are folded into gZ's rows (for gA) or columns (for gB), so that the
 * gradient is still one BatchedDot: gZ as (B, J... M, N) times Bᵀ, and Aᵀ
 * times gZ as (B, M, J... N).
 */
import { T, type TensorVariable } from '@sym/graph';
import { range } from './shape-helpers.js';
import type { GradContext, InputGrad } from './types.js';

type Length = number | TensorVariable;

/** The last two axes of a 3-d tensor swapped. */
const mT = (x: TensorVariable): TensorVariable => T.dimshuffle(x, [0, 2, 1]);

/** Length of axis d of v: a number where known. */
const len = (v: TensorVariable, d: number): Length => (v.broadcastable[d] ? 1 : (v.staticShape[d] ?? T.shapeI(v, d)));

/** The product of lengths, a number where all are numbers (a reshape to numbers keeps static shapes). */
const product = (ls: readonly Length[]): Length => (ls.every((l) => typeof l === 'number') ? (ls as number[]).reduce((p, l) => p * l, 1) : T.mul(...ls));

export function batchedDotGrad({ x: [a, b], gz, nb }: GradContext): InputGrad[] {
  if (nb === 0) return [T.batchedDot(gz, mT(b!)), T.batchedDot(mT(a!), gz)];
  const J = range(nb);
  const jLens = J.map((d) => len(gz, d));
  const [batch, m, n] = [nb, nb + 1, nb + 2].map((d) => len(gz, d)) as [Length, Length, Length];
  const k = len(a!, 2);
  // gA: rows (J..., m), back to (J..., B, M, K)
  const gRows = T.reshape(T.dimshuffle(gz, [nb, ...J, nb + 1, nb + 2]), [batch, product([...jLens, m]), n]);
  const ga = T.reshape(T.batchedDot(gRows, mT(b!)), [batch, ...jLens, m, k]);
  // gB: columns (J..., n), back to (J..., B, K, N)
  const gCols = T.reshape(T.dimshuffle(gz, [nb, nb + 1, ...J, nb + 2]), [batch, m, product([...jLens, n])]);
  const gb = T.reshape(T.batchedDot(mT(a!), gCols), [batch, k, ...jLens, n]);
  return [T.dimshuffle(ga, [...range(nb, 1), 0, nb + 1, nb + 2]), T.dimshuffle(gb, [...range(nb, 2), 0, 1, nb + 2])];
}
