/**
 * @sym/opt: sym's optimizer. Graph rewrites in ordered phases (merge,
 * constant folding, canonicalize, stabilize, specialize), then kernel
 * fusion and buffer reuse on the scheduled program. Importing the package
 * installs it with `setOptimizer`, so every function compiled afterwards is
 * optimized; backends import it for you.
 *
 * ```ts
 * import * as sym from '@sym/graph';
 * import '@sym/backend-cpu'; // brings @sym/opt
 * const x = sym.T.vector('x');
 * const f = sym.function([x], sym.T.log(sym.T.sigmoid(x)));
 * f.debugprint(); // Elemwise{neg}(Elemwise{softplus}(Elemwise{neg}(x)))
 * const g = sym.function([x], x.mul(2).add(1), { optimizer: { excluding: ['fusion'] } });
 * ```
 * @packageDocumentation
 */
import { setOptimizer, type Optimizer } from '@sym/graph';
import './rewrites/merge.js';
import './rewrites/fold.js';
import './rewrites/op-from-graph.js';
import './rewrites/canonicalize.js';
import './rewrites/stabilize.js';
import './rewrites/specialize.js';
import './rewrites/share-softmax.js';
import './rewrites/sparse-forward-only.js';
import './rewrites/pairs-scatter.js';
import './rewrites/scan.js';
import { optimizeProgram } from './program/passes.js';
import { optimizeGraph } from './engine.js';

export { PHASES, registerRewrite, registeredRewrites, selectRewrites } from './registry.js';
export type { Phase, Rewrite, NodeRewrite, GraphPass, ProgramPass, NodeRewriter, RewriteContext } from './registry.js';
export { optimizeGraph, runGraphRewrites } from './engine.js';
export type { GraphReport } from './engine.js';
export { optimizeProgram } from './program/passes.js';
export { fuse, DEFAULT_FUSION, pinnedBuffers } from './program/fusion.js';
export { fuseEpilogues } from './program/epilogue.js';
export { smallDotKernel, smallDotsToElementwise, SMALL_K } from './program/small-dot.js';
export type { FusionOptions } from './program/fusion.js';
export { assignBuffers, dropDeadSteps } from './program/buffers.js';
export { readsAtOutputIndex, writeUpdatesInPlace } from './program/inplace.js';
export { mapLoad, composeLoad } from './program/loads.js';
export type { IndexMap } from './program/loads.js';
export { merge } from './rewrites/merge.js';
export { inlineOpFromGraph } from './rewrites/op-from-graph.js';

/** The optimizer `@sym/opt` installs. */
export const optimizer: Optimizer = {
  rewriteGraph: (outputs, mode, options) => optimizeGraph(outputs, mode, options).outputs,
  optimizeProgram: (program, mode, options) => optimizeProgram(program, mode, options),
};
setOptimizer(optimizer);
