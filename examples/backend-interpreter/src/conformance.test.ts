// The shared conformance suite, every group and dtype, on the interpreter.
import { runConformance } from '@sym/backend-testkit';
import { InterpreterBackend } from './index.js';

// quick: about 60% of the cases (1.5 minutes of CPU with 3 075 tests). The
// full suite (INTERP_FULL=1) passes too but takes minutes more: its 100 x
// 100 linear algebra and 1000-long sorts are 95% of that, as an interpreter
// spends about 150 ns on each expression node of each element and those
// lower to hundreds of kernels of 10^4 elements.
runConformance({ backend: () => new InterpreterBackend(), quick: process.env.INTERP_FULL !== '1' });
