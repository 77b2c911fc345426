/** The program passes, registered like the graph rewrites (phases `fuse` and `inplace`). */
import type { Mode, OptimizerOptions, Program } from '@sym/graph';
import { registerRewrite, selectRewrites } from '../registry.js';
import { DEFAULT_FUSION, fuse } from './fusion.js';
import { assignBuffers, dropDeadSteps } from './buffers.js';
import { dropFillLoads } from './simplify.js';
import { smallDotsToElementwise } from './small-dot.js';
import { fuseEpilogues } from './epilogue.js';
import { writeUpdatesInPlace } from './inplace.js';
import { shrinkScatterOperands } from './scatter-values.js';

registerRewrite({ kind: 'program', name: 'small_dot_elemwise', phase: 'fuse', tags: ['fast_run', 'fusion'], run: smallDotsToElementwise });
registerRewrite({ kind: 'program', name: 'drop_fill_loads', phase: 'fuse', tags: ['fast_run'], run: dropFillLoads });
registerRewrite({
  kind: 'program',
  name: 'elemwise_fusion',
  phase: 'fuse',
  tags: ['fast_run', 'fusion'],
  run: (p) => fuse(p, { ...DEFAULT_FUSION, reduce: false }),
});
registerRewrite({
  kind: 'program',
  name: 'reduce_prologue_fusion',
  phase: 'fuse',
  tags: ['fast_run', 'fusion'],
  run: (p) => fuse(p, DEFAULT_FUSION),
});
registerRewrite({
  kind: 'program',
  name: 'epilogue_fusion',
  phase: 'fuse',
  tags: ['fast_run', 'fusion'],
  run: (p) => fuseEpilogues(p, DEFAULT_FUSION.maxExprSize, DEFAULT_FUSION.maxInputs),
});
// after fusion, so that the values' kernel is the one that computes them from constants and vectors along the row
registerRewrite({ kind: 'program', name: 'scatter_row_operands', phase: 'fuse', tags: ['fast_run'], run: shrinkScatterOperands });
registerRewrite({
  kind: 'program',
  name: 'drop_dead',
  phase: 'fuse',
  tags: ['fast_run'],
  run: (p) => assignBuffers(dropDeadSteps(p), false),
});
registerRewrite({
  kind: 'program',
  name: 'buffer_reuse',
  phase: 'inplace',
  tags: ['fast_run'],
  run: (p) => assignBuffers(p, true),
});
// after buffer_reuse, which renumbers only programs that write no input
registerRewrite({
  kind: 'program',
  name: 'inplace_updates',
  phase: 'inplace',
  tags: ['fast_run', 'inplace'],
  run: writeUpdatesInPlace,
});

/** Run the selected program passes, in phase order. */
export function optimizeProgram(program: Program, mode: Mode = 'FAST_RUN', options: OptimizerOptions = {}): Program {
  let p = program;
  for (const r of selectRewrites(mode, options)) if (r.kind === 'program') p = r.run(p);
  return p;
}
