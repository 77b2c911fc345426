/** Printing graphs: Theano's `pp` (infix) and `debugprint` (a tree with ids and types). */
import { SCALAR_OPS } from './scalar.js';
import { Elemwise } from './ops/elemwise.js';
import { Scan } from './ops/scan.js';
import type { Apply } from './op.js';
import { TensorVariable } from './variable.js';

/** What `sym.function` returns, as far as printing needs it. */
export interface CompiledGraph {
  debugprint(options?: DebugprintOptions): string;
}

/** `theano.pp`: the expression in infix form, `(foo ** TensorConstant{2})`. */
export function pp(v: TensorVariable): string {
  const memo = new Map<TensorVariable, string>();
  const rec = (x: TensorVariable): string => {
    const have = memo.get(x);
    if (have !== undefined) return have;
    let s: string;
    if (!x.owner || (x.name !== undefined && x.owner && x !== v)) s = x.toString();
    else {
      const node = x.owner;
      const args = node.inputs.map(rec);
      s = node.op.pp ? node.op.pp(args, node) : `${node.op.toString()}(${args.join(', ')})`;
    }
    memo.set(x, s);
    return s;
  };
  return rec(v);
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

export interface DebugprintOptions {
  /** Show each variable's type. */
  printType?: boolean;
}

/**
 * `theano.printing.debugprint`: one line per node, children indented with
 * `|`, repeated nodes by id. A scan's step follows, as Theano prints it,
 * under "Inner graphs of the scan ops", its lines marked with `>`.
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
  const scans: Apply[] = [];
  const rec = (x: TensorVariable, prefix: string): void => {
    // Theano's print_type: the type in angle brackets after the id
    const type = options.printType ? ` <${x.type.toString()}>` : '';
    if (!x.owner) {
      lines.push(`${prefix}${x.toString()} [id ${idOf(x)}]${type}`);
      return;
    }
    const node = x.owner;
    const seen = ids.has(node);
    const id = idOf(node);
    const out = node.outputs.length > 1 ? `.${x.index}` : '';
    const name = x.name !== undefined ? ` '${x.name}'` : " ''";
    lines.push(`${prefix}${node.op.toString()}${out} [id ${id}]${type}${name}`);
    if (seen) return;
    if (node.op instanceof Scan) scans.push(node);
    for (const i of node.inputs) rec(i, prefix + ' |');
  };
  for (const o of outs) rec(o, '');
  if (scans.length) lines.push('', 'Inner graphs of the scan ops:');
  // a scan inside a step joins the list as its step is printed
  for (let k = 0; k < scans.length; k++) {
    const node = scans[k]!;
    lines.push('', `${node.op.toString()} [id ${idOf(node)}] ''`);
    for (const o of (node.op as Scan).inner.outputs) rec(o, ' >');
  }
  return lines.join('\n');
}

export { SCALAR_OPS, Elemwise };
