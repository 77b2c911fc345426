/** The update rules' tests' problem: cost = sum((w - target)^2), so grad = 2 (w - target) and every step can be written out by hand. */
import * as sym from '@sym/graph';

export const TARGET = [1, -2, 0.5];
export const START = [0.3, 0.7, -1.1];

export function problem(): { w: sym.TensorSharedVariable; cost: sym.TensorVariable } {
  const w = sym.shared(sym.array(START, { dtype: 'float64' }), { name: 'w' });
  const cost = sym.T.sum(w.sub(sym.array(TARGET, { dtype: 'float64' })).pow(2));
  return { w, cost };
}

export const gradAt = (w: number[]): number[] => w.map((v, i) => 2 * (v - TARGET[i]!));
