/**
 * The rewrite registry. Every rewrite is a small named function registered
 * with tags into one ordered phase; a compilation mode and the user's
 * `including`/`excluding` lists (names or tags) select which ones run.
 */
import { config, type Apply, type Mode, type OptimizerOptions, type Program, type TensorVariable } from '@sym/graph';

/** The phases, in the order they run. */
export const PHASES = ['merge', 'constant_folding', 'canonicalize', 'stabilize', 'specialize', 'fuse', 'inplace'] as const;
/** One of {@link PHASES}: where in the pipeline a rewrite runs (Theano's optimizer phases). */
export type Phase = (typeof PHASES)[number];

/** What a node rewrite may ask about the graph it rewrites. */
export interface RewriteContext {
  /** How many times `v` is used (as a node input or as an output of the function). */
  clients(v: TensorVariable): number;
}

/**
 * A local rewrite: given a node, a variable computing the same as its
 * (single) output, or null when it does not apply. It builds new nodes
 * (never mutates existing ones); the replacement must have the output's type.
 * Its answer depends on the node, the graph below it and the use counts it
 * asks `ctx` for, nothing else: the engine tries a node again in a later
 * sweep only where one of those counts has changed.
 */
export type NodeRewriter = (node: Apply, ctx: RewriteContext) => TensorVariable | null;

interface Registered {
  /** Unique name, usable in `including`/`excluding`. */
  readonly name: string;
  /** The phase it runs in (also one of its tags). */
  readonly phase: Phase;
  /** Tags besides the phase name (which is always a tag): `fast_run`, `fast_compile`, ... */
  readonly tags: readonly string[];
}

/** A registered local rewrite: the engine calls `rewrite` on every node of its phase until nothing fires. */
export interface NodeRewrite extends Registered {
  /** Always `'node'`. */
  readonly kind: 'node';
  /** The rewrite itself. */
  readonly rewrite: NodeRewriter;
}

/** A rewrite of the whole graph at once (merging common subexpressions). */
export interface GraphPass extends Registered {
  /** Always `'graph'`. */
  readonly kind: 'graph';
  /** The outputs recomputed by the rewritten graph, in the same order (the inputs' nodes are never mutated). */
  run(outputs: readonly TensorVariable[]): TensorVariable[];
}

/** A transformation of a scheduled program (fusion, buffer reuse). */
export interface ProgramPass extends Registered {
  /** Always `'program'`. */
  readonly kind: 'program';
  /** The transformed program, computing the same outputs. */
  run(program: Program): Program;
}

/** Anything {@link registerRewrite} takes: a node rewrite, a graph pass or a program pass. */
export type Rewrite = NodeRewrite | GraphPass | ProgramPass;

const registry: Rewrite[] = [];

/** Register a rewrite; names are unique. Users may register their own. */
export function registerRewrite(r: Rewrite): void {
  if (!/^[a-z][a-z0-9_]*$/.test(r.name)) throw new Error(`registerRewrite: name must be snake_case, got ${JSON.stringify(r.name)}`);
  if (!PHASES.includes(r.phase)) throw new Error(`registerRewrite: ${r.name}: unknown phase ${JSON.stringify(r.phase)}; phases are ${PHASES.join(', ')}`);
  if (registry.some((x) => x.name === r.name)) throw new Error(`registerRewrite: a rewrite named ${r.name} is already registered`);
  registry.push(r);
}

/** Every registered rewrite, in phase order (then registration order). */
export function registeredRewrites(): Rewrite[] {
  return PHASES.flatMap((p) => registry.filter((r) => r.phase === p));
}

function tagsOf(r: Rewrite): string[] {
  return [r.name, r.phase, ...r.tags];
}

/** The mode's default tag: FAST_COMPILE runs only the cheap rewrites. */
function modeTag(mode: Mode): string {
  return mode === 'FAST_COMPILE' ? 'fast_compile' : 'fast_run';
}

function checkNames(list: readonly string[] | undefined, what: 'including' | 'excluding' | 'requiring'): readonly string[] {
  if (list === undefined) return [];
  if (!Array.isArray(list) || list.some((s) => typeof s !== 'string')) {
    throw new TypeError(`optimizer.${what}: expected a list of rewrite names or tags, got ${JSON.stringify(list)}`);
  }
  const known = new Set(registry.flatMap(tagsOf));
  for (const s of list) {
    if (!known.has(s)) {
      // sym.function adds the optimizer_* flags to its options: say which of the two named it
      const flag = `optimizer_${what}` as const;
      const source = config[flag].split(':').includes(s) ? `the flag ${flag} (SYM_FLAGS, .symrc or sym.config)` : `optimizer.${what}`;
      throw new Error(`${source}: no rewrite or tag is called ${JSON.stringify(s)}; known: ${[...known].sort().join(', ')}`);
    }
  }
  return list;
}

/**
 * The rewrites a compilation runs: the mode's set, plus `including`, minus
 * `excluding` (both by name or tag), keeping those that have every tag of
 * `requiring` (Theano's `Mode.requiring`).
 */
export function selectRewrites(mode: Mode, options: OptimizerOptions = {}): Rewrite[] {
  const inc = checkNames(options.including, 'including');
  const exc = checkNames(options.excluding, 'excluding');
  const req = checkNames(options.requiring, 'requiring');
  const tag = modeTag(mode);
  return registeredRewrites().filter((r) => {
    const t = tagsOf(r);
    if (t.some((x) => exc.includes(x)) || !req.every((x) => t.includes(x))) return false;
    return t.includes(tag) || t.some((x) => inc.includes(x));
  });
}
