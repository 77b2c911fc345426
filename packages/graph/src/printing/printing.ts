/** Printing graphs: Theano's `pp` (infix) and `debugprint` (a tree with ids and types). */
import { SCALAR_OPS } from '../core/scalar.js';
import { Elemwise } from '../ops/elemwise.js';
import { Scan } from '../ops/scan.js';
import { OpFromGraph } from '../ops/op-from-graph.js';
import { ppArgs, type Apply } from '../core/op.js';
import { foldGraph } from '../core/fold.js';
import { TensorVariable } from '../core/variable.js';

/** What `sym.function` returns, as far as printing needs it. */
export interface CompiledGraph {
  /** The optimized graph as text (see {@link debugprint}). */
  debugprint(options?: DebugprintOptions): string;
}

/** `theano.pp`: the expression in infix form, `(foo ** TensorConstant{2})`. */
export function pp(v: TensorVariable): string {
  const memo = new Map<TensorVariable, string>();
  // printed where it stands: no op of its own, or a name (the output's own name aside)
  const leaf = (x: TensorVariable): boolean => !x.owner || (x.name !== undefined && x !== v);
  // children first without recursion (a chain of 50,000 ops is deeper than the call stack), left to right as a node's op.pp may count
  return foldGraph(
    v,
    memo,
    (x) => (leaf(x) ? [] : x.owner!.inputs),
    (x) => {
      if (leaf(x)) return x.toString();
      const node = x.owner!;
      const args = node.inputs.map((i) => memo.get(i)!);
      return node.op.pp ? node.op.pp(args, node, x.index) : `${node.op.toString()}(${ppArgs(args)})`;
    },
  );
}

function idName(n: number): string {
  let s = '';
  n += 1;
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** Options of {@link debugprint}. */
export interface DebugprintOptions {
  /** Show each variable's type. */
  printType?: boolean;
}

/**
 * `theano.printing.debugprint`: one line per node, children indented with
 * `|`, repeated nodes by id. A scan's step follows, as Theano prints it,
 * under "Inner graphs of the scan ops", its lines marked with `>`; with an
 * opFromGraph among them the heading is PyTensor's "Inner graphs".
 */
export function debugprint(outputs: TensorVariable | readonly TensorVariable[] | CompiledGraph, options: DebugprintOptions = {}): string {
  // theano.printing.debugprint(f) of a compiled function prints the graph after rewriting
  if (typeof outputs === 'function' && typeof (outputs as Partial<CompiledGraph>).debugprint === 'function') return (outputs as CompiledGraph).debugprint(options);
  const outs = Array.isArray(outputs) ? (outputs as TensorVariable[]) : [outputs as TensorVariable];
  outs.forEach((o: unknown, i) => {
    if (!(o instanceof TensorVariable)) {
      const what = Array.isArray(outputs) ? `outputs[${i}]` : 'its argument';
      throw new TypeError(`debugprint: ${what} must be a symbolic variable or a compiled function, got ${o === null ? 'null' : typeof o === 'object' ? ((o as { constructor?: { name?: string } }).constructor?.name || 'an object') : typeof o}`);
    }
  });
  const ids = new Map<unknown, string>();
  const lines: string[] = [];
  const idOf = (key: unknown): string => {
    let id = ids.get(key);
    if (!id) ids.set(key, (id = idName(ids.size)));
    return id;
  };
  // nodes with an inner graph (scans, opFromGraphs), printed after the outer graph
  const inner: Apply[] = [];
  // depth first, each node before its inputs, with an explicit stack: a chain of 50,000 ops is deeper than the call stack
  const rec = (root: TensorVariable, rootPrefix: string): void => {
    const stack: [TensorVariable, string][] = [[root, rootPrefix]];
    while (stack.length) {
      const [x, prefix] = stack.pop()!;
      // Theano's print_type: the type in angle brackets after the id
      const type = options.printType ? ` <${x.type.toString()}>` : '';
      if (!x.owner) {
        lines.push(`${prefix}${x.toString()} [id ${idOf(x)}]${type}`);
        continue;
      }
      const node = x.owner;
      const seen = ids.has(node);
      const id = idOf(node);
      const out = node.outputs.length > 1 ? `.${x.index}` : '';
      const name = x.name !== undefined ? ` '${x.name}'` : " ''";
      lines.push(`${prefix}${node.op.toString()}${out} [id ${id}]${type}${name}`);
      if (seen) continue;
      if (node.op instanceof Scan || node.op instanceof OpFromGraph) inner.push(node);
      // the last input pushed first: the first is printed (with all below it) first
      for (let k = node.inputs.length - 1; k >= 0; k--) stack.push([node.inputs[k]!, prefix + ' |']);
    }
  };
  for (const o of outs) rec(o, '');
  const outer = lines.splice(0);
  // a scan inside a step joins the list as its step is printed
  for (let k = 0; k < inner.length; k++) {
    const node = inner[k]!;
    lines.push('', `${node.op.toString()} [id ${idOf(node)}] ''`);
    const op = node.op as Scan | OpFromGraph;
    for (const o of op instanceof Scan ? op.inner.outputs : op.outputs) rec(o, ' >');
  }
  if (inner.length === 0) return outer.join('\n');
  const heading = inner.every((n) => n.op instanceof Scan) ? 'Inner graphs of the scan ops:' : 'Inner graphs:';
  return [...outer, '', heading, ...lines].join('\n');
}

export { SCALAR_OPS, Elemwise };
