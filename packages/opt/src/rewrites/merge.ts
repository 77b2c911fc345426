/**
 * Merge (common subexpression elimination): equal constants become one
 * constant, and nodes applying equal ops to the same inputs become one node,
 * as do a node and its twin reading an index through a CheckIndex.
 */
import { TensorConstant, cloneReplace, toposort, type TensorVariable, type TypedArray } from '@sym/graph';
import { registerRewrite } from '../registry.js';

/** Constants larger than this are compared by identity only (hashing them costs more than it saves). */
const MAX_CONSTANT_KEY = 4096;

function constantKey(c: TensorConstant): string | null {
  if (c.value.size > MAX_CONSTANT_KEY) return null;
  // weak (literal) and strong constants type their consumers differently: never merge across
  return `${c.dtype}|${c.weak ? 'w' : 's'}|${c.value.shape.join(',')}|${c.broadcastable.map(Number).join('')}|${valuesKey(c.value.data)}`;
}

/**
 * The values, -0 apart from 0: the typed array's own join (a 32x64 zeros
 * constant, keyed at every merge, took a callback per element), and the
 * slow path only for an array holding a -0.
 */
function valuesKey(data: TypedArray): string {
  for (let i = 0; i < data.length; i++) if (data[i] === 0 && Object.is(data[i], -0)) return Array.from(data, (x) => (Object.is(x, -0) ? '-0' : String(x))).join(',');
  return data.join(',');
}

/**
 * One pass in topological order: each node keyed by its op and its inputs'
 * merged ids, so that a node whose inputs merged merges in the same pass.
 * Returns the merged outputs (null when nothing merged) and whether a
 * checked twin replaced an unchecked node, which may leave new duplicates
 * for another pass; otherwise the copy has none left.
 */
function mergeOnce(outputs: readonly TensorVariable[]): { outputs: TensorVariable[]; again: boolean } | null {
  const replace = new Map<TensorVariable, TensorVariable>();
  const canon = new Map<string, TensorVariable>();
  const order = toposort(outputs);
  // the leaves in graphLeaves' order: outputs first, then each node's inputs
  const seen = new Set<TensorVariable>();
  const constant = (leaf: TensorVariable): void => {
    if (leaf.owner || seen.has(leaf)) return;
    seen.add(leaf);
    if (!(leaf instanceof TensorConstant)) return;
    const key = constantKey(leaf);
    if (key === null) return;
    const have = canon.get(key);
    if (have) replace.set(leaf, have);
    else canon.set(key, leaf);
  };
  for (const o of outputs) constant(o);
  for (const node of order) for (const v of node.inputs) constant(v);
  const idOf = (v: TensorVariable): number => (replace.get(v) ?? v).id;
  let checked = false;
  for (const node of order) {
    // a node of several outputs (svd, qr, eigh, a split) merges output for output; not one whose value moves between calls
    if (node.outputs.length !== 1 && (node.outputs.length === 0 || node.op.varies?.())) continue;
    const key = `${node.op.kind}|${node.op.key()}|${node.inputs.map(idOf).join(',')}`;
    const have = canon.get(key);
    if (have) node.outputs.forEach((o, i) => replace.set(o, have.owner!.outputs[i]!));
    else canon.set(key, node.outputs[0]!);
    if (!checked) checked = node.inputs.some((v) => v.owner?.op.kind === 'CheckIndex');
  }
  // a node reading an index unchecked (an ifelse's branch, ifelse.ts) and its twin reading it through a CheckIndex are
  // one node, the checked one: what the outputs need of it outside the branch is its checked twin's alone, so its check
  // runs where the twin's would have, and only there (graph's index-check-live.ts: not for a read of its length alone)
  let again = false;
  // duplicates replaced by a checked twin: not a twin of theirs (it reads the index through the CheckIndex)
  const checkedTwins = new Set<TensorVariable>();
  const unchecked = (v: TensorVariable): TensorVariable => (v.owner?.op.kind === 'CheckIndex' ? v.owner.inputs[0]! : v);
  if (checked) {
    for (const node of order) {
      if (node.outputs.length !== 1 || node.inputs.every((v) => unchecked(v) === v)) continue;
      const twin = canon.get(`${node.op.kind}|${node.op.key()}|${node.inputs.map((v) => idOf(unchecked(v))).join(',')}`);
      if (twin && !replace.has(twin)) {
        replace.set(twin, replace.get(node.outputs[0]!) ?? node.outputs[0]!);
        checkedTwins.add(twin);
        again = true;
      }
    }
  }
  if (replace.size === 0) return null;
  // within: a duplicate's twin is copied too when its own inputs merged, and the duplicate's readers read that copy;
  // twins: a copy keeps its original's types (the same op on twins), but above a checked twin (inferred again)
  return { outputs: cloneReplace(outputs, replace, { within: true, twins: { except: checkedTwins }, order }), again };
}

/** Merge until nothing is left to merge. */
export function merge(outputs: readonly TensorVariable[]): TensorVariable[] {
  let outs = [...outputs];
  for (let i = 0; i < 16; i++) {
    const next = mergeOnce(outs);
    if (!next) break;
    outs = next.outputs;
    if (!next.again) break;
  }
  return outs;
}

registerRewrite({ kind: 'graph', name: 'merge', phase: 'merge', tags: ['fast_run', 'fast_compile'], run: merge });
