/**
 * log(erfc(x)) and its gradient where erfc underflows (x past 26.6 in
 * float64, 9.2 in float32): Theano's local_log_erfc and
 * local_grad_log_erfc_neg make both finite; log_erfc and exp_over_erfc do
 * here, through erfcx. Without them the value is -Infinity and the
 * gradient 0 / 0 = NaN.
 */
import { describe, expect, it } from 'vitest';
import { grad } from '@sym/grad';
import { sym, T, close, values } from './helpers.js';

const X = [-30, -3, 0.5, 3, 10, 30, 100];
// SciPy: log_ndtr(-x sqrt(2)) + log(2) (log(erfc(x)) without underflow) and -2 / sqrt(pi) / erfcx(x)
const LOG_ERFC = [0.6931471805599453, 0.6931361352504468, -0.7350111298370848, -10.720363041981116, -102.87988902484493, -903.9741171106442, -10005.177585122668];
const GRAD = [-0, -6.962729502414981e-5, -1.8327056412986986, -6.3037536890032335, -20.099024116734604, -60.03329639875622, -200.0099990002499];

for (const [dtype, rtol] of [['float64', 1e-13], ['float32', 1e-6]] as const) {
  describe(`log(erfc(x)) where erfc underflows (${dtype})`, () => {
    it('the value and its gradient are finite and SciPy\'s; without the rewrites -Infinity and NaN', async () => {
      const x = T.vector('x', dtype);
      const y = T.log(T.erfc(x));
      const outputs = [y, grad(T.sum(y), [x])[0]!];
      const [value, gradient] = values(await sym.function([x], outputs)(X));
      expect(close(value!, LOG_ERFC, rtol), String(value)).toBe(true);
      expect(close(gradient!, GRAD, rtol), String(gradient)).toBe(true);
      const [naive, naiveGradient] = values(await sym.function([x], outputs, { optimizer: { excluding: ['log_erfc', 'exp_over_erfc'] } })(X));
      expect(naive![6]).toBe(-Infinity);
      expect(Number.isNaN(naiveGradient![6])).toBe(true);
    });
  });
}
