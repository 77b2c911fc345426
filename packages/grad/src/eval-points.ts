/**
 * The shape check of an eval point (Lop's, Rop's, hessianVectorProduct's
 * `v`) against the variable it pairs with. Without it the reverse pass
 * fits whatever comes to the variable's broadcast pattern: a (3, n) eval
 * point for a (1, n) row was summed over its rows, silently.
 */
import { MatchLength, SpecifyShape, apply1, shapeToString, type TensorVariable } from '@sym/graph';

/** A shape as errors state it, a length unknown where it is null (or absent). */
type Lengths = readonly (number | null | undefined)[];

/**
 * `point`, checked to have the shape of `like`: at build time where both
 * lengths are known, and when the function runs for a length `like`
 * fixes (a broadcastable dimension is 1 long) or holds as a root
 * variable (an input or shared variable, whose value is there anyway);
 * a length only an intermediate result knows is left to the ops that
 * use the eval point, rather than computing that result for the check.
 * `what` names the eval point, `likeName` the variable (both for errors).
 */
export function checkEvalPoint(point: TensorVariable, like: TensorVariable, caller: string, what: string, likeName: string): TensorVariable {
  const expected = like.staticShape.map((n, d) => (like.broadcastable[d] ? 1 : n));
  const message = (got: Lengths, wanted: Lengths, d: number) =>
    `${caller}: ${what} must have the shape of ${likeName}, ${shapeToString(wanted.map((n) => n ?? null))}` +
    `${like.broadcastable[d] ? ` (broadcastable along dimension ${d}, so 1 long there)` : ''}; got shape ${shapeToString(got.map((n) => n ?? null))} (dimension ${d} differs)`;
  let checked = point;
  for (let d = 0; d < expected.length; d++) {
    const want = expected[d] ?? null;
    const got = point.staticShape[d] ?? null;
    if (want !== null && got !== null) {
      if (want !== got) throw new RangeError(message(point.staticShape, expected, d));
    } else if (like.owner === null) {
      // against the variable itself, so that the error states its whole shape
      checked = apply1(new MatchLength(d, d, (ps, ls) => message(ps, expected.map((n, i) => n ?? ls[i]), d), `${caller} eval point ${d}`), [checked, like]);
    } else if (want !== null) {
      checked = apply1(new SpecifyShape(expected.map((_, i) => (i === d ? want : null)), (ps) => message(ps, expected, d), `${caller} eval point ${d}`), [checked]);
    }
  }
  return checked;
}
