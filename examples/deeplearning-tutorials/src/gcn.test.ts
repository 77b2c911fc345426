import { describe, expect, it } from 'vitest';
import * as sym from '@sym/graph';
import { Gcn } from './gcn.js';
import { maxAbsDiff } from './test-support.js';

const [n, f, h, c] = [7, 4, 3, 2];
// two triangles joined by an edge (2, 3), the second closed into a square by (6, 3)
const EDGES = [[0, 1], [1, 2], [2, 0], [3, 4], [4, 5], [5, 6], [6, 3], [2, 3]];
const adjacency = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j || EDGES.some(([a, b]) => (a === i && b === j) || (a === j && b === i)) ? 1 : 0)));
const X = Array.from({ length: n }, (_, i) => Array.from({ length: f }, (_, j) => Math.sin(i * f + j + 1)));
const w1 = Array.from({ length: f }, (_, i) => Array.from({ length: h }, (_, j) => 0.5 * Math.cos(i * h + j)));
const w2 = Array.from({ length: h }, (_, i) => Array.from({ length: c }, (_, j) => 0.5 * Math.sin(2 * (i * c + j) + 1)));

/**
 * NumPy and SciPy (python3; .audit's gcn_ref.py): A a scipy csr_matrix, Â = diags(d^-1/2) @ A @ diags(d^-1/2),
 * the forward pass and its gradients written out (np.add.at for the labelled rows), five SGD steps at rate 4.
 */
const WANT = {
  float64: {
    costs: [0.6952107123172555, 0.6935987800773036, 0.692835082205806, 0.6922992276861216, 0.691806945857808],
    w1: [0.5469601899143095, 0.17802482799053426, -0.08726423318802759, -0.4620459156608659, -0.3916920481839204, 0.15547464308644873, 0.4687312348192067, 0.3989783740358243, -0.17881591855595896, -0.5007845494744848, -0.3308627822408342, -0.12604600383355213],
    w2: [0.48210783401104856, 0.009187662422833363, -0.4486150841950456, 0.29764624622287095, 0.20521992844819006, -0.4991557891026635],
  },
  float32: {
    costs: [0.6952107548713684, 0.6935988664627075, 0.6928350925445557, 0.6922992467880249, 0.691806972026825],
    w1: [0.5469601154327393, 0.17802482843399048, -0.08726422488689423, -0.46204596757888794, -0.39169204235076904, 0.15547461807727814, 0.46873122453689575, 0.39897844195365906, -0.17881597578525543, -0.5007845759391785, -0.33086273074150085, -0.12604603171348572],
    w2: [0.48210781812667847, 0.009187663905322552, -0.44861504435539246, 0.2976461946964264, 0.20521995425224304, -0.49915578961372375],
  },
};

describe('a two-layer GCN with a sparse normalized adjacency', () => {
  for (const [dtype, tolerance] of [['float64', 1e-13], ['float32', 2e-6]] as const) {
    it(`five SGD steps match NumPy/SciPy's (${dtype})`, async () => {
      const model = new Gcn({ w1, w2, dtype, learningRate: 4 });
      const train = model.trainFunction();
      const A = sym.sparse.SparseMatrix.fromDense(adjacency, 'csr', { dtype });
      // scipy's csr_matrix of the same triples: 23 stored, the same indptr
      expect([A.nnz, Array.from(A.indptr.data)]).toEqual([23, [0, 3, 6, 10, 14, 17, 20, 23]]);
      const features = sym.array(X, { dtype });
      const costs: number[] = [];
      for (let step = 0; step < 5; step++) costs.push((await train(A, features, [0, 2, 4, 6], [0, 0, 1, 1])).item());
      const want = WANT[dtype];
      expect(maxAbsDiff(costs, want.costs)).toBeLessThan(tolerance);
      expect(costs[4]!).toBeLessThan(costs[0]!);
      expect(maxAbsDiff(model.w1.getValue().data as ArrayLike<number>, want.w1)).toBeLessThan(tolerance);
      expect(maxAbsDiff(model.w2.getValue().data as ArrayLike<number>, want.w2)).toBeLessThan(tolerance);
    });
  }
});
