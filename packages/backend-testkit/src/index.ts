/**
 * @sym/backend-testkit: the conformance suite every sym backend runs. It
 * compiles small graphs through `sym.function(..., { device })` and compares
 * each result with the ops' reference `perform`, for every scalar op,
 * reduction, dot, shape op, softmax and cast over every dtype the backend
 * supports, plus the semantics of compiled functions and hand-built kernels
 * of the IR (the `ir` group, whose reference is `runKernelReference`).
 *
 * ```ts
 * // test/conformance.test.ts of a backend package
 * import { runConformance } from '@sym/backend-testkit';
 * import { myBackend } from '../src/index.js';
 * runConformance({ backend: myBackend });
 * ```
 * @packageDocumentation
 */
export { runConformance, conformanceCases, CASE_GROUPS } from './suite.js';
export type { ConformanceOptions, CaseInfo } from './suite.js';
export { runCase, caseFits, operand } from './case.js';
export type { OpCase, CaseGraph, CaseCalls, CaseCall, CaseUpdate, CaseGroup, CaseContext, CaseFunctionOptions, OperandSpec, Operand } from './case.js';
export { COMPILE_CHECKS } from './compile.js';
export type { CompileCheck, CompileContext } from './compile.js';
export { defaultTolerance, flushingTolerance, EXACT } from './tolerance.js';
export type { Tolerance } from './tolerance.js';
export { assertArrayClose } from './compare.js';
export type { CompareOptions } from './compare.js';
export { evaluateReference, graphDTypes } from './reference.js';
export { runKernelReference, evaluateExpr } from './ir/reference.js';
export type { ElementAt } from './ir/reference.js';
export { irCases } from './ir/cases.js';
export { irCaseDTypes, runIrCase } from './ir/run.js';
export type { IrCase } from './ir/cases.js';
export { Rng, caseRng, hashString, randomArray, randomScalar } from './rng.js';
export type { ValueRange } from './rng.js';
export { specialValues } from './cases/special.js';
export { Softsign, CumMax, softsign, cummax } from './cases/custom-op.js';
export { randomGraph, RANDOM_GRAPH_DTYPES } from './random-graph.js';
export type { RandomGraph, RandomGraphOptions } from './random-graph.js';
export { checkRandomGraph } from './random-graph-check.js';
export { runCrossDevice } from './cross-device.js';
export type { CrossDeviceOptions } from './cross-device.js';
export type { RandomGraphCheck } from './random-graph-check.js';
