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
import './fluent.js';
import './eval.js';

export * as T from './tensor.js';
export * as tensor from './tensor.js';
export type { ReduceOptions } from './tensor.js';

export { DTYPES, STORAGE, KIND, promote, promoteAll, canCastSafely, castScalar, f16round, floatOf, isFloat, isInt, allocate, intRange } from './dtype.js';
export type { DType, DTypeKind, FloatDType, TypedArray } from './dtype.js';
export { NDArray, array, fill, fromTyped, sizeOf, contiguousStrides, shapeToString, reprValue } from './ndarray.js';
export type { Shape, NestedArray, ArrayLike } from './ndarray.js';
export { formatArray, reprArray, formatScalar } from './format.js';
export { TensorType } from './type.js';
export { TensorVariable, TensorConstant } from './variable.js';
export type { StaticShape } from './variable.js';
export { Op, Apply, applyNode, apply1, asTensor, constant, resultDType } from './op.js';
export { nameInError, labelForErrors, carryErrorLabel } from './error-names.js';
export type { OpKind, TensorLike } from './op.js';
export { CustomOp } from './custom-op.js';
export type { CustomOpParam } from './custom-op.js';
export { SCALAR_OPS, SCALAR_OP_NAMES, scalarOutDType, powFloat } from './scalar.js';
export type { ScalarOpName, ScalarOpSpec, OutRule, ElemwiseOpName } from './scalar.js';
export { COMPOSITE_OPS, COMPOSITE_OP_NAMES, isComposite } from './special.js';
export type { CompositeScalarOp, CompositeScalarOpSpec } from './special.js';
export type { Arith } from './special-math.js';
export { Elemwise, cast, elemwise } from './ops/elemwise.js';
export type { ElemwiseDTypes } from './ops/elemwise.js';
export { Reduce, reduceDTypes, reduceIdentity, normaliseAxes } from './ops/reduce.js';
export { Dot, dotDTypes } from './ops/dot.js';
export { BatchedDot } from './ops/batched-dot.js';
export { DimShuffle, MatchLength, Reshape, ReshapeTo, ShapeI, SpecifyShape } from './ops/shape.js';
export { CheckIndex, checkedLabels, type IndexCheck, type IndexErrorText } from './ops/check-index.js';
export { withoutShapeOnlyChecks } from './index-check-live.js';
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
export { SVD } from './ops/linalg-svd.js';
export type { SolveStructure } from './ops/linalg.js';
export { Im2Col, Col2Im, resolvePad, windowCount } from './ops/conv.js';
export type { Im2ColErrors, Pair, PadSpec, PatchEdges, PatchGeometry, PoolMode, Pool2dOptions } from './ops/conv.js';
export type { BorderMode, Conv2dOptions, Conv2dShapes, ConvShape } from './conv2d.js';
export type { NeibsMode } from './neighbours.js';
export { broadcastShapes, broadcastStrides } from './ops/broadcast.js';
export { config, parseFlags, parseRc, MODES } from './config.js';
export type { Mode, ConfigValues, Config } from './config.js';
export { TensorSharedVariable, shared } from './shared.js';
export type { SharedOptions } from './shared.js';
export { convertValue } from './convert.js';
export { checkOptionNames } from './options.js';
export type { ConvertOptions } from './convert.js';
export { pp, debugprint } from './printing.js';
export type { DebugprintOptions, CompiledGraph } from './printing.js';
export { toDot, toDot as pydotprint } from './dot.js';
export type { DotOptions } from './dot.js';
export { cloneReplace } from './clone.js';
export { schedule, toposort, graphLeaves } from './schedule.js';
export { foldGraph } from './fold.js';
export { inputExtent, moveInputs } from './kernel-inputs.js';
export type { ExprKernel, InputPlace } from './kernel-inputs.js';
export type { FoldMemo } from './fold.js';
export type { Program, ScheduleOptions, InPlaceRequest } from './schedule.js';
export type {
  Kernel,
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
} from './kernel.js';
export { kernelKey, kernelOutputSize, walkExpr, operandsOf, operandUses, loadsOf, gathers, mapLeaves, splitEpilogue, epilogueShape, isContiguousOver } from './kernel.js';
export type { LowerContext, LowerMark, TensorView, BufferView, ScalarView, ReduceRequest, At, Draw } from './lower.js';
export { isContiguous } from './lower.js';
export {
  registerBackend,
  registeredBackends,
  getBackend,
  resolveBackend,
  resolveBackendSync,
  setBackendImporter,
} from './backend.js';
export type { Backend, BackendInfo, DeviceBuffer, Executable, Launch } from './backend.js';
export { CompiledFunction, In, InputSpec, compileFunction, compileFunction as function, setOptimizer, getOptimizer } from './function.js';
export type { FunctionOptions, Optimizer, OptimizerOptions, SymFunction, Pairs } from './function.js';
export type { CopyOptions } from './function-copy.js';
export { FunctionProfile } from './profile.js';
export type { KernelProfile, KernelTiming, OpProfile, ProfilePhases, ProgramProfile, SummaryOptions } from './profile.js';
export type { Givens } from './eval.js';
export { InvalidValueError, BadThunkOutput } from './debug.js';
export { Scan } from './ops/scan.js';
export { Alloc, ARange } from './ops/alloc.js';
export type { ScanInner, ScanKeep, ScanLastIndexed, ScanOpOptions, ScanWindow } from './ops/scan.js';
export { scan } from './scan.js';
export { map, reduce, foldl, foldr, clone } from './scan-module.js';
export type { MapOptions, FoldOptions } from './scan-module.js';
export { until, Until } from './scan-until.js';
export { ifelse } from './ifelse.js';
export { opFromGraph } from './op-from-graph.js';
export { asOp } from './as-op.js';
export { Print, PrintOp } from './print-op.js';
export type { PrintAttr } from './print-op.js';
export type { AsOpOptions } from './as-op.js';
export type { OpFromGraphOptions, OpFromGraphFunction, OpFromGraphGrad } from './op-from-graph.js';
export { OpFromGraph } from './ops/op-from-graph.js';
export type { OpFromGraphOpOptions } from './ops/op-from-graph.js';
export { RandomStreams } from './random.js';
export type { RandomTensor, ShuffledTensor, UniformOptions, NormalOptions, BinomialOptions, IntegersOptions, MultinomialOptions, ChoiceOptions, PermutationOptions, PoissonOptions } from './random.js';
export { RandomVariable, SharedRandomState } from './ops/random.js';
export { WithUpdates, withUpdates } from './ops/with-updates.js';
export type { Distribution } from './ops/random.js';
export { RandomState } from './random-state.js';
export type { RandomStateSnapshot } from './random-state.js';
export type { ScanOptions, ScanOutputInfo, ScanSequence, ScanUpdates, StepUpdates } from './scan.js';
