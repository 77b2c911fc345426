/**
 * Scans: keep only what is read. A scan stacks every step of a state; when
 * the only use is its last step (`hs.get(-1)`, a recurrent layer's default
 * output) the scan keeps the last value alone: no stacking kernels and no
 * memory for every step (Theano's scan_save_mem). A gradient reads every
 * step, so training graphs keep them.
 */
import { Scan, Subtensor, applyNode, nameInError } from '@sym/graph';
import { registerRewrite, type NodeRewriter } from '../registry.js';

export const scanKeepLast: NodeRewriter = (node, ctx) => {
  const op = node.op;
  if (!(op instanceof Subtensor) || op.entries.length !== 1) return null;
  const e = op.entries[0]!;
  if (e.kind !== 'int' || e.value !== -1) return null;
  const stacked = node.inputs[0]!;
  const scan = stacked.owner;
  if (!scan || !(scan.op instanceof Scan)) return null;
  const s = scan.op;
  const k = stacked.index;
  // a reverse scan's last step is at index 0; a per-step output is not carried
  // a windowed scan's (a truncated gradient's) last value may come from before its last row
  if (s.reverse || s.window || k >= s.nStates || s.keep[k] !== 'all') return null;
  if (ctx.clients(stacked) !== 1 || scan.outputs.some((o, i) => i !== k && ctx.clients(o) > 0)) return null;
  const keep = s.keep.map((m, i) => (i === k ? ('last' as const) : m));
  // the last value stands for stacked[-1]: a loop of no steps stays an index error (the state would still hold its initial value)
  return applyNode(new Scan(s.inner, { ...s.options, keep, lastIndexed: [...s.lastIndexed, { state: k, stack: nameInError(stacked) }] }), scan.inputs).outputs[k]!;
};

registerRewrite({ kind: 'node', name: 'scan_keep_last', phase: 'specialize', tags: ['fast_run'], rewrite: scanKeepLast });
