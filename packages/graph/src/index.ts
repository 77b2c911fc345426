/**
 * @sym/graph: symbolic tensors, ops, printing, configuration, compiled
 * functions and the Backend interface.
 *
 * ```ts
 * import * as sym from '@sym/graph';
 * const T = sym.T;
 * const foo = T.scalar('foo');
 * const bar = foo.pow(2);
 * const f = sym.function([foo], bar);
 * console.log(await f(3)); // 9.0
 * ```
 * @packageDocumentation
 */
import './tensor/fluent.js';
import './function/eval.js';

export * as T from './tensor/tensor.js';
export * as tensor from './tensor/tensor.js';
export * as sparse from './sparse/index.js';
export * as complex from './complex/index.js';
export { ComplexVariable } from './complex/variable.js';
export { ComplexArray } from './complex/array.js';
export type { ComplexDType } from './complex/variable.js';
export type { ReduceOptions } from './tensor/tensor.js';

export { DTYPES, STORAGE, KIND, promote, promoteAll, canCastSafely, castScalar, f16round, floatOf, isFloat, isInt, allocate, intRange } from './core/dtype.js';
export type { DType, DTypeKind, FloatDType, TypedArray } from './core/dtype.js';
export { NDArray, array, fill, fromTyped, sizeOf, contiguousStrides, shapeToString, reprValue } from './core/ndarray.js';
export type { Shape, NestedArray, ArrayLike } from './core/ndarray.js';
export { formatArray, reprArray, formatScalar } from './printing/format.js';
export { TensorType } from './core/type.js';
export { TensorVariable, TensorConstant } from './core/variable.js';
export type { StaticShape } from './core/variable.js';
export { Op, Apply, applyNode, apply1, asTensor, constant, resultDType } from './core/op.js';
export { nameInError, labelForErrors, carryErrorLabel } from './core/error-names.js';
export type { OpKind, TensorLike } from './core/op.js';
export { CustomOp } from './core/custom-op.js';
export type { CustomOpParam } from './core/custom-op.js';
export { SCALAR_OPS, SCALAR_OP_NAMES, scalarOutDType, powFloat } from './core/scalar.js';
export type { ScalarOpName, ScalarOpSpec, OutRule, ElemwiseOpName } from './core/scalar.js';
export { COMPOSITE_OPS, COMPOSITE_OP_NAMES, isComposite } from './tensor/special.js';
export type { CompositeScalarOp, CompositeScalarOpSpec } from './tensor/special.js';
export type { Arith } from './tensor/special-math.js';
export { Elemwise, cast, elemwise } from './ops/elemwise.js';
export type { ElemwiseDTypes } from './ops/elemwise.js';
export { Reduce, reduceDTypes, reduceIdentity, normaliseAxes } from './ops/reduce.js';
export { Dot, dotDTypes } from './ops/dot.js';
export { BatchedDot } from './ops/batched-dot.js';
export { DimShuffle, MatchLength, Reshape, ReshapeTo, ShapeI, SpecifyShape } from './ops/shape.js';
export { CheckIndex, checkedLabels, type IndexCheck, type IndexErrorText } from './ops/check-index.js';
export { withoutShapeOnlyChecks } from './kernel/index-check-live.js';
export { forwardOnlySparseProducts } from './sparse/forward-only.js';
export type { ValueAt } from './ops/host-index.js';
export type { ReshapeOptions, ReshapeZeros } from './ops/shape.js';
export type { DimShufflePattern } from './ops/shape.js';
export { Subtensor, IncSubtensor, resolveSlice } from './ops/subtensor.js';
export type { IndexEntry, ResolvedSlice } from './ops/subtensor.js';
export { AdvancedSubtensor1, AdvancedIncSubtensor1 } from './ops/advanced.js';
export { HostOp, NonZero, Unique, BincountLength } from './ops/host.js';
export { SliceWindow } from './ops/slice-window.js';
export type { UniqueOutputs } from './ops/host.js';
export { Join, JoinSplit } from './ops/join.js';
export { Sort, TakeAlongAxis, SORT_KINDS } from './ops/sort.js';
export type { SortKind, SortReturns, TopKOptions } from './ops/sort.js';
export { Softmax } from './ops/nnet.js';
export { MatrixInverse, Det, Cholesky, Solve, SOLVE_STRUCTURES, linalgDType } from './ops/linalg.js';
export { QR, QR_MODES, type QRMode } from './ops/linalg-qr.js';
export { Eigh } from './ops/linalg-eigh.js';
export { Eig } from './ops/linalg-eig.js';
export { SVD } from './ops/linalg-svd.js';
export type { SolveStructure } from './ops/linalg.js';
export { Im2Col, Col2Im, resolvePad, windowCount } from './ops/conv.js';
export { DftAxis } from './tensor/fft-op.js';
export type { DftForm } from './tensor/fft-stages.js';
export type { DftScale } from './tensor/fft-plan.js';
export type { Im2ColErrors, Pair, PadSpec, PatchEdges, PatchGeometry, Triple } from './ops/conv.js';
export type { PoolMode, PoolOptions, Pool2dOptions, Pool3dOptions } from './ops/pool.js';
export type { BorderMode, Conv2dOptions, Conv2dShapes, ConvShape } from './nnet/conv2d.js';
export type { BorderMode3d, Conv3dOptions, Conv3dShapes, Conv3dShape } from './nnet/conv3d.js';
export type { NeibsMode } from './nnet/neighbours.js';
export { broadcastShapes, broadcastStrides } from './ops/broadcast.js';
export { config, parseFlags, parseRc, MODES } from './core/config.js';
export type { Mode, ConfigValues, Config } from './core/config.js';
export { TensorSharedVariable, shared } from './core/shared.js';
export type { SharedOptions } from './core/shared.js';
export { convertValue } from './core/convert.js';
export { checkOptionNames } from './core/options.js';
export type { ConvertOptions } from './core/convert.js';
export { pp, debugprint } from './printing/printing.js';
export type { DebugprintOptions, CompiledGraph } from './printing/printing.js';
export { toDot, toDot as pydotprint } from './printing/dot.js';
export type { DotOptions } from './printing/dot.js';
export { cloneReplace } from './core/clone.js';
export { schedule, toposort, graphLeaves } from './kernel/schedule.js';
export { foldGraph } from './core/fold.js';
export { inputExtent, moveInputs } from './kernel/kernel-inputs.js';
export type { ExprKernel, InputPlace } from './kernel/kernel-inputs.js';
export type { FoldMemo } from './core/fold.js';
export type { Program, ScheduleOptions } from './kernel/schedule.js';
export type { IndexFlag, IndexGuard } from './kernel/index-check-device.js';
export type {
  Kernel,
  InPlaceRequest,
  ElementwiseKernel,
  ReduceKernel,
  MatmulKernel,
  MatmulOperand,
  SortKernel,
  ScatterAddKernel,
  ScatterAccumulator,
  OptionalKernel,
  ScalarExpr,
  LoadExpr,
  ConstExpr,
  ApplyExpr,
  ReducedExpr,
  GatherExpr,
  Epilogue,
  Reducer,
  Step,
  BufferSpec,
} from './kernel/kernel.js';
export { kernelKey, kernelOutputSize, walkExpr, operandsOf, operandUses, loadsOf, gathers, mapLeaves, splitEpilogue, epilogueShape, isContiguousOver } from './kernel/kernel.js';
export type { LowerContext, LowerMark, TensorView, BufferView, ScalarView, ReduceRequest, At, Draw } from './kernel/lower.js';
export { isContiguous } from './kernel/lower.js';
export { COSTLY_SCALAR_OPS, appliesCostly } from './kernel/costly-ops.js';
export { mayCancel } from './kernel/may-cancel.js';
export { nesting } from './kernel/nesting.js';
export { foldExpr } from './kernel/fold-expr.js';
export { regroupOperand } from './kernel/may-regroup.js';
export {
  registerBackend,
  registeredBackends,
  getBackend,
  resolveBackend,
  resolveBackendSync,
  setBackendImporter,
} from './core/backend.js';
export type { Backend, BackendInfo, DeviceBuffer, Executable, GatherFusion, Launch } from './core/backend.js';
export { CompiledFunction, In, InputSpec, Out, OutputSpec, compileFunction, compileFunction as function, setOptimizer, getOptimizer } from './function/function.js';
export type { FunctionOptions, Optimizer, OptimizerOptions, SymFunction, Pairs, FunctionOutput } from './function/function.js';
export type { CopyOptions } from './function/function-copy.js';
export { FunctionProfile } from './function/profile.js';
export type { KernelProfile, KernelTiming, OpProfile, ProfilePhases, ProgramProfile, SummaryOptions } from './function/profile.js';
export type { Givens } from './function/eval.js';
export { InvalidValueError, BadThunkOutput } from './function/debug.js';
export { Scan } from './ops/scan.js';
export { Alloc, ARange } from './ops/alloc.js';
export type { ScanInner, ScanKeep, ScanLastIndexed, ScanOpOptions, ScanWindow } from './ops/scan.js';
export { scan } from './control/scan.js';
export { map, reduce, foldl, foldr, clone } from './control/scan-module.js';
export type { MapOptions, FoldOptions } from './control/scan-module.js';
export { until, Until } from './control/scan-until.js';
export { ifelse } from './control/ifelse.js';
export { opFromGraph } from './control/op-from-graph.js';
export { asOp } from './core/as-op.js';
export { Print, PrintOp } from './printing/print-op.js';
export type { PrintAttr } from './printing/print-op.js';
export type { AsOpOptions } from './core/as-op.js';
export type { OpFromGraphOptions, OpFromGraphFunction, OpFromGraphGrad, OpFromGraphRop } from './control/op-from-graph.js';
export { OpFromGraph } from './ops/op-from-graph.js';
export type { OpFromGraphOpOptions } from './ops/op-from-graph.js';
export { RandomStreams } from './random/random.js';
export type { RandomTensor, ShuffledTensor, UniformOptions, NormalOptions, BinomialOptions, IntegersOptions, MultinomialOptions, ChoiceOptions, PermutationOptions, PoissonOptions } from './random/random.js';
export { RandomVariable, SharedRandomState } from './ops/random.js';
export { WithUpdates, withUpdates } from './ops/with-updates.js';
export type { Distribution } from './ops/random.js';
export { RandomState } from './random/random-state.js';
export type { RandomStateSnapshot } from './random/random-state.js';
export type { ScanOptions, ScanOutputInfo, ScanSequence, ScanUpdates, StepUpdates } from './control/scan.js';
