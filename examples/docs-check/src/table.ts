// The blocks that need more than their own code to run, and the blocks that are not run.
// Each entry names its block by a snippet of its code (`contains`), in one file; the test
// fails when an entry matches no block or more than one, so a stale entry cannot hide.

/** A prose comment that states a result (`// costs[0] 1.08, ...`): an expression that computes it, and where the block says it. */
export interface Claim {
  /** Evaluated after the block's code, in its scope; printed as Python would. */
  readonly expr: string;
  /** Matched against the block's code; group 1 is the promised output. */
  readonly promised: RegExp;
}

export interface Setup {
  readonly file: string;
  readonly contains: string;
  /** The block continues an earlier one of the same file (named by its snippet), whose code runs first. */
  readonly after?: string;
  /** Declarations the block takes from the prose around it; kept as small as the block allows. */
  readonly preamble?: string;
  readonly claims?: readonly Claim[];
  /** Snippets of lines whose trailing comments describe the line rather than state its output. */
  readonly prose?: readonly string[];
}

export interface Skip {
  readonly file: string;
  readonly contains: string;
  /** One line: why this block is not run. */
  readonly reason: string;
}

const GUIDE = 'docs/guide.md';

export const SETUPS: readonly Setup[] = [
  // "Seeding one variable" and "Saving and restoring" go on with the first random-numbers example.
  { file: GUIDE, contains: 'rngVal.seed(89234)', after: 'new sym.RandomStreams(234)' },
  { file: GUIDE, contains: 'const stateAfterV0', after: 'rngVal.seed(89234)' },
  {
    file: GUIDE,
    contains: 'new Dropout(0.5, { seed: 1 })',
    claims: [
      { expr: 'costs[0]!.toFixed(2)', promised: /costs\[0\] (\S+),/ },
      { expr: 'costs[149]!.toFixed(2)', promised: /costs\[149\] (\S+);/ },
      { expr: 'await accuracy(X, y)', promised: /await accuracy\(X, y\): (\S+)/ },
    ],
  },
  { file: GUIDE, contains: "{ mode: 'DebugMode' }", preamble: "const num = T.scalar('num');\nconst den = T.scalar('den');" },
  // The recurrent layer's X, nHidden, W and U are the prose's.
  {
    file: GUIDE,
    contains: 'const power = sym.function([A, k], result.get(-1));',
    preamble: "const X = T.tensor3('X');\nconst nHidden = 3;\nconst W = T.matrix('W');\nconst U = T.matrix('U');",
  },
  // The taps example states its inputs (x0 = [0, 1], n = 10; s = [1, 2, 3, 4, 5]) in comments.
  {
    file: GUIDE,
    contains: "taps: [-2, -1] }, nSteps: n",
    preamble: "const x0 = T.lvector('x0');\nconst n = T.iscalar('n');\nconst s = T.vector('s');",
    claims: [
      { expr: 'await sym.function([x0, n], fib)([0, 1], 10)', promised: /x0 = \[0, 1\], n = 10: (\[.*\])/ },
      { expr: 'await sym.function([s], sums)([1, 2, 3, 4, 5])', promised: /s = \[1, 2, 3, 4, 5\]: (\[.*\])/ },
    ],
  },
  {
    file: GUIDE,
    contains: "LSTM.create(16, 64, { rng, name: 'enc' })",
    preamble: "import { RandomState } from '@sym/nn';\nconst rng = new RandomState(0);\nconst x = T.tensor3('x');",
    claims: [
      {
        expr: "lstm.params.map((p) => `${p} (${p.getValue().shape.join(', ')}${p.getValue().shape.length === 1 ? ',' : ''})`).join(', ')",
        promised: /\/\/ (enc\.W .*)$/m,
      },
    ],
  },
  { file: GUIDE, contains: 'T.topkAndArgtopk(x, k)', preamble: "const k = T.iscalar('k');" },
  // The counts grow with every case added: the README prints them without stating them.
  { file: 'packages/backend-testkit/README.md', contains: 'conformanceCases(DTYPES, CASE_GROUPS, true)', prose: ['// quick'] },
  { file: GUIDE, contains: 'T.nnet.conv2d(x, W,', preamble: "const x = T.tensor4('x');\nconst W = T.tensor4('W');" },
];

export const SKIPS: readonly Skip[] = [
  { file: 'README.md', contains: 'interface Backend {', reason: "a listing of the Backend interface's members (a declaration, not a program)" },
  { file: 'packages/backend-gpujs/README.md', contains: "import '@sym/backend-gpujs';", reason: 'needs gpu.js with a WebGL context (headless-gl under a display); its package tests run that way' },
  { file: 'packages/backend-webgpu/README.md', contains: "import { webgpu } from '@sym/backend-webgpu';", reason: 'needs a WebGPU adapter (Dawn; lavapipe after .cache/mesa/env.sh); its package tests run that way' },
  { file: 'packages/backend-testkit/README.md', contains: "import { MyBackend } from '../src/index.js';", reason: "a template for a backend package's own test file (MyBackend is the reader's)" },
  { file: 'packages/backend-testkit/README.md', contains: "name: 'conformance: my device'", reason: "a template of runConformance's options for the reader's backend (registers vitest suites)" },
];
