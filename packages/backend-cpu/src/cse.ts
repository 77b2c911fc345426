/**
 * Common subexpressions of a kernel's scalar expression. Lowerings build
 * expressions as trees in which one gather, one index computation or one
 * polynomial appears many times (a bitonic sort's compare-and-swap reads
 * both partners in the key, the index and the switch; linear algebra
 * repeats its pivots; special functions their reduced arguments), and a
 * renderer that walks the tree evaluates every copy. Here each distinct
 * subexpression gets a structural id (hash-consing: equal dtypes, ops and
 * operands make one node), so that the renderers compute it once per
 * element and name it wherever it appears again.
 */
import { foldExpr, type ApplyExpr, type ScalarExpr } from '@sym/graph';

export interface CseNode {
  /** One of the expression objects with this structure (they render alike). */
  readonly expr: ScalarExpr;
  /** Ids of the operands: an apply's arguments, a gather's index. */
  readonly args: readonly number[];
  /** How many operand slots of distinct nodes hold this node (the root counts one). */
  uses: number;
}

export interface Cse {
  /** Nodes by id; a node's operands have smaller ids than it, the root the largest. */
  readonly nodes: readonly CseNode[];
  /** The id of an expression object of the tree. */
  readonly id: (e: ScalarExpr) => number;
  /** Whether node `id` is computed once into a local: used more than once and more than a literal, or one of `deep`. */
  readonly shared: (id: number) => boolean;
  /**
   * Nodes computed into a local because the expression under them, up to
   * the nearest local, is `MAX_INLINE_DEPTH` deep: ascending, so each
   * reads only earlier ones. Rendered in one piece, a chain of a thousand
   * steps overflowed V8's parser ("Maximum call stack size exceeded").
   */
  readonly deep: readonly number[];
}

/**
 * Depth of an expression rendered in one piece past which a node is
 * computed into a local. Fusion stops at 256 nodes, so its kernels stay
 * below and render as they did; a kernel made otherwise may be deeper.
 */
export const MAX_INLINE_DEPTH = 256;

/** Literals keep -0 and NaN apart from 0 (String(-0) is "0"). */
const literal = (v: number) => (Object.is(v, -0) ? '-0' : String(v));

/** Hash-cons the expression: one node per distinct structure, operands before their users. */
export function commonSubexpressions(root: ScalarExpr): Cse {
  const nodes: CseNode[] = [];
  const byKey = new Map<string, number>();
  // objects the lowerings share already are visited once: a DAG of n objects costs O(n), not its tree's size
  const byObject = new Map<ScalarExpr, number>();
  const node = (e: ScalarExpr, args: number[]): number => {
    let key: string;
    switch (e.kind) {
      case 'const':
        key = `c:${e.dtype}:${literal(e.value)}`;
        break;
      case 'load':
        key = `l:${e.dtype}:${e.input}:${e.offset}:${e.strides.join(',')}`;
        break;
      case 'reduced':
        key = `r:${e.dtype}`;
        break;
      case 'gather':
        key = `g:${e.dtype}:${e.input}:${e.size}:${args[0]}`;
        break;
      case 'apply':
        key = `a:${e.op}:${e.computeDType}:${e.dtype}:${args.join(',')}`;
        break;
    }
    let id = byKey.get(key);
    if (id === undefined) {
      id = nodes.length;
      byKey.set(key, id);
      nodes.push({ expr: e, args, uses: 0 });
      for (const a of args) nodes[a]!.uses++;
    }
    byObject.set(e, id);
    return id;
  };
  // operands first, left to right, each object once (node fills byObject)
  const rootId = foldExpr(root, node, byObject);
  nodes[rootId]!.uses++;
  const shared = nodes.map((n) => n.uses > 1 && n.expr.kind !== 'const');
  // the depth of each node rendered in one piece down to the nearest local, and the nodes cut there
  const height: number[] = [];
  const deep: number[] = [];
  nodes.forEach((n, id) => {
    height[id] = 1 + n.args.reduce((h, a) => Math.max(h, shared[a] ? 0 : height[a]!), 0);
    if (height[id]! >= MAX_INLINE_DEPTH && id !== rootId && !shared[id]) {
      shared[id] = true;
      deep.push(id);
    }
  });
  return {
    nodes,
    id: (e) => {
      const id = byObject.get(e);
      if (id === undefined) throw new Error('cse: an expression outside the tree it was built from');
      return id;
    },
    shared: (id) => shared[id]!,
    deep,
  };
}

/**
 * Where a renderer whose operators evaluate some operands only on some
 * elements (`lazy(e, i)`: JavaScript's `c ? a : b`, `&&`, `||`) defines each
 * shared node: in the innermost region that holds every use of it, regions
 * being the whole expression (0) and each lazy operand of a node. A node
 * used twice within one branch of a switch is computed in that branch, not
 * on elements that take the other one; a node used in both branches, or
 * in a branch and outside, before the switch.
 */
export interface Placement {
  /** Region of each node, by id: where its value is needed. */
  readonly region: readonly number[];
  /** Region of each shared node, by id (undefined for the rest). */
  readonly regionOf: readonly (number | undefined)[];
  /** The region of operand `i` of node `id` when it is lazy, else undefined. */
  readonly lazyRegion: (id: number, i: number) => number | undefined;
  /** Shared nodes defined in each region, operands first. */
  readonly definitions: ReadonlyMap<number, readonly number[]>;
}

export function place(cse: Cse, lazy: (e: ApplyExpr, i: number) => boolean): Placement {
  const { nodes } = cse;
  // the region tree: parent and depth by region, 0 the root
  const parent: number[] = [-1];
  const depth: number[] = [0];
  const lazyRegions = new Map<string, number>();
  const lca = (a: number, b: number): number => {
    while (a !== b) {
      if (depth[a]! >= depth[b]!) a = parent[a]!;
      else b = parent[b]!;
    }
    return a;
  };
  const region: (number | undefined)[] = new Array<number | undefined>(nodes.length);
  region[nodes.length - 1] = 0;
  // users before their operands: every use of a node is placed before the node is
  for (let id = nodes.length - 1; id >= 0; id--) {
    const node = nodes[id]!;
    const at = region[id]!;
    node.args.forEach((a, i) => {
      let use = at;
      if (node.expr.kind === 'apply' && lazy(node.expr, i)) {
        use = parent.length;
        parent.push(at);
        depth.push(depth[at]! + 1);
        lazyRegions.set(`${id}:${i}`, use);
      }
      const r = region[a];
      region[a] = r === undefined ? use : lca(r, use);
    });
  }
  const definitions = new Map<number, number[]>();
  const regionOf: (number | undefined)[] = new Array<number | undefined>(nodes.length);
  for (let id = 0; id < nodes.length; id++) {
    if (!cse.shared(id)) continue;
    const r = region[id]!;
    regionOf[id] = r;
    const list = definitions.get(r);
    if (list) list.push(id);
    else definitions.set(r, [id]);
  }
  return { region: region as number[], regionOf, lazyRegion: (id, i) => lazyRegions.get(`${id}:${i}`), definitions };
}
