import { describe, expect, it } from 'vitest';
import { MatrixFactorization } from './matrix-factorization.js';
import { maxAbsDiff } from './test-support.js';

const [U, I, k] = [5, 6, 3];
const users = Array.from({ length: U }, (_, i) => Array.from({ length: k }, (_, j) => 0.3 * Math.sin(i * k + j + 1)));
const items = Array.from({ length: I }, (_, i) => Array.from({ length: k }, (_, j) => 0.3 * Math.cos(i * k + j) + 0.5));
// user 1 three times, user 0 twice; items 2 and 5 twice
const user = [0, 1, 1, 3, 4, 0, 2, 1];
const item = [2, 0, 5, 5, 1, 2, 3, 4];
const rating = [4, 3, 5, 1, 2, 4.5, 3, 2];

/**
 * NumPy (python3; .audit's matrix_factorization_ref.py): gradients written out, users by
 * acc[u] = acc[u] + g ** 2 (the last repeat's write kept) and np.add.at(P, u, -lr g / sqrt(acc[u] + eps)),
 * items by dense Adagrad on np.add.at's gradient; four steps, l2 0.05, rate 0.3, eps 1e-6, in each dtype.
 */
const WANT = {
  float64: {
    costs: [86.5158581632209, 47.146302091530124, 23.068342683494894, 12.449091014805596],
    p: [1.159190593187683, 1.1832073624897879, 0.9877353834841516, 1.4449599068807515, 1.0062030004583393, 1.966050276983892, 0.9435764257682996, 1.0321880065469802, 0.8107525630694714, 0.4445314618783388, 0.21766366461482514, 0.5294643651694236, 0.6714090721542871, 0.8175549388088369, 0.6958521358016193],
    q: [0.9641794505369522, 0.763351152048969, 0.5707540229160847, 0.7602654763239259, 0.8248154032076384, 1.1054372951588083, 1.3593807144959416, 1.294959560195346, 1.070938638102402, 0.9821582405327343, 0.9715597048639105, 1.2760759553168644, 0.5613816608808581, 0.540407263954984, 0.394044917290882, 0.6395891184986097, 0.5144111481605854, 0.8032092259802625],
  },
  float32: {
    costs: [86.51585860117878, 47.14630113857006, 23.068342702409744, 12.449091479449667],
    p: [1.1591904163360596, 1.183207392692566, 0.9877354502677917, 1.4449597597122192, 1.006203055381775, 1.9660505056381226, 0.9435763955116272, 1.032188057899475, 0.8107525110244751, 0.4445314407348633, 0.21766364574432373, 0.5294643640518188, 0.6714090704917908, 0.8175549507141113, 0.6958521604537964],
    q: [0.9641794562339783, 0.7633512020111084, 0.5707540512084961, 0.7602655291557312, 0.8248154520988464, 1.1054373979568481, 1.3593807220458984, 1.2949596643447876, 1.0709387063980103, 0.9821582436561584, 0.9715597629547119, 1.2760759592056274, 0.5613816380500793, 0.5404071807861328, 0.3940449357032776, 0.6395890712738037, 0.5144111514091492, 0.8032092452049255],
  },
};

describe('matrix factorization with sparse and dense Adagrad', () => {
  for (const [dtype, tolerance] of [['float64', 1e-13], ['float32', 2e-6]] as const) {
    it(`four steps match NumPy's: set_subtensor's last write at repeated users, inc_subtensor's sum (${dtype})`, async () => {
      const model = new MatrixFactorization({ users, items, dtype, l2: 0.05, learningRate: 0.3, epsilon: 1e-6 });
      const train = model.trainFunction();
      const costs: number[] = [];
      for (let step = 0; step < 4; step++) costs.push((await train(user, item, rating)).item());
      const want = WANT[dtype];
      expect(maxAbsDiff(costs, want.costs)).toBeLessThan(tolerance * 50);
      expect(costs[3]!).toBeLessThan(costs[0]!);
      expect(maxAbsDiff(model.p.getValue().data as ArrayLike<number>, want.p)).toBeLessThan(tolerance);
      expect(maxAbsDiff(model.q.getValue().data as ArrayLike<number>, want.q)).toBeLessThan(tolerance);
    });
  }
});
