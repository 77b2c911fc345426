// The shared conformance suite, every group and dtype, on the interpreter.
import { runConformance } from '@sym/backend-testkit';
import { InterpreterBackend } from './index.js';

// quick: about 2 600 cases in under a minute. The full suite (INTERP_FULL=1,
// about 4 700 cases) passes too but takes 3.5 minutes of CPU (7.5 on two
// shared cores): its 100 x 100 linear algebra and 1000-long sorts are 95% of
// that, as an interpreter spends about 150 ns on each expression node of
// each element and those lower to hundreds of kernels of 10^4 elements.
runConformance({ backend: () => new InterpreterBackend(), quick: process.env.INTERP_FULL !== '1' });
