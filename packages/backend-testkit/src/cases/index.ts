/** All case tables, by group. */
import type { DType } from '@sym/graph';
import type { CaseGroup, OpCase } from '../case.js';
import { elemwiseCases } from './elemwise.js';
import { specialCases } from './special.js';
import { specialFunctionCases } from './special-functions.js';
import { int64Cases } from './int64.js';
import { promotionCases } from './promotion.js';
import { reduceCases } from './reduce.js';
import { dotCases } from './linalg.js';
import { castCases, shapeCases, softmaxCases } from './shape.js';
import { compositeCases } from './composite.js';
import { opFromGraphCases } from './op-from-graph.js';
import { ifelseCases } from './ifelse.js';
import { customOpCases } from './custom-op.js';
import { indexingCases } from './indexing.js';
import { computedIndexCases } from './computed-indices.js';
import { convCases } from './conv.js';
import { scanCases } from './scan.js';
import { dataDependentCases } from './data-dependent.js';
import { randomCases } from './random.js';
import { nlinalgCases } from './nlinalg.js';
import { sortCases } from './sort.js';
import { theanoExtraCases } from './theano-extras.js';
import { theanoIndexCases } from './theano-indices.js';
import { fftCases } from './fft.js';
import { ieeeCases } from './ieee-edges.js';
import { sparseCases } from './sparse.js';
import { complexCases } from './complex.js';
import { reversedViewCases } from './reversed-views.js';
import { gatherFusionCases } from './gather-fusion.js';
import { indexBoundsCases } from './index-bounds.js';
import { hostStageCases } from './host-stages.js';
import { scanUntilCases } from './scan-until.js';
import { deepCases } from './deep.js';

const BUILDERS: { readonly [G in Exclude<CaseGroup, 'compile' | 'ir'>]: (dtypes: readonly DType[], quick: boolean) => OpCase[] } = {
  elemwise: elemwiseCases,
  special: (dtypes) => [...specialCases(dtypes), ...int64Cases(dtypes), ...specialFunctionCases(dtypes)],
  ieee: ieeeCases,
  promotion: () => promotionCases(),
  reduce: reduceCases,
  dot: dotCases,
  shape: shapeCases,
  softmax: softmaxCases,
  cast: castCases,
  composite: (dtypes, quick) => [...compositeCases(dtypes, quick), ...convCases(dtypes), ...opFromGraphCases(dtypes), ...ifelseCases(dtypes), ...customOpCases(dtypes), ...theanoExtraCases(dtypes), ...fftCases(dtypes), ...sparseCases(dtypes), ...complexCases(dtypes), ...deepCases(dtypes)],
  indexing: (dtypes) => [...indexingCases(dtypes), ...computedIndexCases(dtypes), ...dataDependentCases(dtypes), ...theanoIndexCases(dtypes), ...reversedViewCases(dtypes), ...gatherFusionCases(dtypes), ...indexBoundsCases(dtypes), ...hostStageCases(dtypes)],
  scan: (dtypes) => [...scanCases(dtypes), ...scanUntilCases(dtypes)],
  random: randomCases,
  sort: sortCases,
  nlinalg: nlinalgCases,
};

/**
 * The op cases of the chosen groups for a backend holding `dtypes` (compile
 * checks and the hand-built kernels of `ir` are separate). `quick` keeps, for elementwise ops and reductions,
 * only the layouts with broadcasting and non-contiguous operands, and
 * leaves out the composite cases with long loops.
 */
export function buildCases(dtypes: readonly DType[], groups: readonly CaseGroup[], quick = false): OpCase[] {
  return groups.flatMap((g) => (g === 'compile' || g === 'ir' ? [] : BUILDERS[g](dtypes, quick)));
}
