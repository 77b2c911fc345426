/**
 * Graph pictures: Theano's `theano.printing.pydotprint` as Graphviz DOT
 * text. sym draws nothing itself (it runs in browsers, and Graphviz is not
 * a dependency): the text goes to `dot -Tpng`, or to any DOT viewer.
 */
import type { Apply } from '../core/op.js';
import { TensorConstant, TensorVariable } from '../core/variable.js';
import { TensorSharedVariable } from '../core/shared.js';
import { Scan } from '../ops/scan.js';
import { OpFromGraph } from '../ops/op-from-graph.js';
import { toposort } from '../kernel/schedule.js';
import { CompiledFunction, getOptimizer, type SymFunction } from '../function/function.js';
import { checkOptionNames } from '../core/options.js';
import { OP_STYLE, VAR_STYLE, dotAttrs, dotLabel, escapeDot, legendLines, opCategory, type OpCategory, type VarCategory } from './dot-style.js';

/** Options of `sym.pydotprint` (the graph as Graphviz DOT text; Theano's `pydotprint` options). */
export interface DotOptions {
  /**
   * Theano's `var_with_name_simple`: leave out unnamed intermediate
   * variables, an edge then going from the op that computes one straight to
   * each op that reads it. Inputs, constants, shared variables, named
   * variables and outputs stay. Default false.
   */
  compact?: boolean;
  /** Add each variable's dtype and static shape (`float64 (?, 3)`, `?` a length known only at run time). Default false. */
  showTypes?: boolean;
  /** Theano's `max_label_size`: a longer label line is cut and ends in `...`. Default 70, at least 4. */
  maxLabelLength?: number;
  /** Graphviz's rankdir: 'TB' (inputs at the top, the default), 'LR', 'BT' or 'RL'. */
  rankdir?: 'TB' | 'LR' | 'BT' | 'RL';
  /**
   * Draw the inner graph of each scan and opFromGraph node as a cluster
   * beside it (Theano's `scan_graphs` wrote them to files of their own).
   * Default false: each is one box.
   */
  innerGraphs?: boolean;
  /** The legend of colours, listing the kinds the picture has. Default true. */
  legend?: boolean;
}

const OPTION_NAMES = ['compact', 'showTypes', 'maxLabelLength', 'rankdir', 'innerGraphs', 'legend'] as const;
const RANKDIRS = ['TB', 'LR', 'BT', 'RL'] as const;

type Settings = Required<DotOptions>;

/**
 * `theano.printing.pydotprint`, returning the Graphviz DOT text instead of
 * writing a picture. For variables, the graph as built; for a compiled
 * function (what `sym.function` returns), the graph after rewriting, as
 * `f.debugprint()` shows it, with each update drawn as a dashed edge to
 * its shared variable. Ops are boxes coloured by kind, variables ellipses
 * (inputs green, shared variables pale green, constants grey, outputs
 * blue); an edge into an op with several inputs, or out of one with
 * several outputs, is labelled with the position. Node ids follow the
 * graph's topological order, so the same graph gives the same text.
 *
 * ```ts
 * const text = sym.pydotprint(f, { compact: true });
 * // node: writeFileSync('f.dot', text); then `dot -Tpng f.dot -o f.png`
 * ```
 */
export function toDot(graph: TensorVariable | readonly TensorVariable[] | SymFunction | CompiledFunction, options: DotOptions = {}): string {
  const settings = checkOptions(options);
  const fn = compiledOf(graph);
  const outputs = fn ? fn.graphOutputs : variablesOf(graph);
  const writer = new DotWriter(settings);
  const lines = ['digraph G {', `  graph ${dotAttrs({ rankdir: settings.rankdir, compound: 'true' })};`, `  node ${dotAttrs({ fontsize: '11' })};`, `  edge ${dotAttrs({ fontsize: '9' })};`];
  if (fn?.name !== undefined) lines.push(`  graph ${dotAttrs({ label: `"${escapeDot(fn.name)}"`, labelloc: 't' })};`);
  // as f.debugprint() says: the optimizer comes with a backend, and the graph is only rewritten once one is installed
  if (fn && !getOptimizer()) lines.push('  // not rewritten yet: the optimizer is installed when a backend is imported, or by the first call');
  // an unnamed input given a name by sym.In(v, { name }) is labelled with it
  const roles = new Map<TensorVariable, string>();
  for (const spec of fn?.inputs ?? []) if (spec.name !== undefined && spec.variable.name === undefined) roles.set(spec.variable, spec.name);
  const drawn = writer.graph(outputs, '', '  ', roles, lines);
  if (fn) {
    fn.updated.forEach((shared, k) => {
      const expr = outputs[fn.outputCount + k]!;
      // an edge back up to an input: constraint=false keeps it from pulling the layout around
      lines.push(`  ${drawn.declare(expr)} -> ${drawn.declare(shared)} ${dotAttrs({ label: '"update"', style: 'dashed', constraint: 'false' })};`);
    });
  }
  if (settings.legend) lines.push(...legendLines(writer.opCategories, writer.varCategories));
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function checkOptions(options: DotOptions): Settings {
  checkOptionNames(options, 'pydotprint', OPTION_NAMES);
  const max = options.maxLabelLength ?? 70;
  if (!Number.isInteger(max) || max < 4) throw new RangeError(`pydotprint: maxLabelLength must be an integer of at least 4 (room for '...'); got ${String(max)}`);
  const rankdir = options.rankdir ?? 'TB';
  if (!RANKDIRS.includes(rankdir)) throw new RangeError(`pydotprint: rankdir must be one of ${RANKDIRS.join(', ')}; got ${JSON.stringify(rankdir)}`);
  return { compact: !!options.compact, showTypes: !!options.showTypes, maxLabelLength: max, rankdir, innerGraphs: !!options.innerGraphs, legend: options.legend ?? true };
}

function compiledOf(graph: unknown): CompiledFunction | undefined {
  if (graph instanceof CompiledFunction) return graph;
  if (typeof graph === 'function' && (graph as Partial<SymFunction>).compiled instanceof CompiledFunction) return (graph as SymFunction).compiled;
  return undefined;
}

function variablesOf(graph: unknown): readonly TensorVariable[] {
  const list = Array.isArray(graph) ? (graph as unknown[]) : [graph];
  list.forEach((v, i) => {
    if (v instanceof TensorVariable) return;
    const what = Array.isArray(graph) ? `graph[${i}]` : 'its argument';
    const got = v === null ? 'null' : typeof v === 'object' ? (v as object).constructor?.name || 'an object' : typeof v;
    throw new TypeError(`pydotprint: ${what} must be a symbolic variable, a list of them or a compiled function, got ${got}`);
  });
  return list as TensorVariable[];
}

/** `(?, 3)` in Python's tuple spelling, `?` for a length known only at run time. */
function shapeText(v: TensorVariable): string {
  const dims = v.staticShape.map((d) => (d === null ? '?' : String(d)));
  return `(${dims.join(', ')}${dims.length === 1 ? ',' : ''})`;
}

/** What one call of `graph` drew: the ids of its variables, and a way to draw one more leaf. */
interface Drawn {
  declare(v: TensorVariable): string;
}

class DotWriter {
  readonly opCategories = new Set<OpCategory>();
  readonly varCategories = new Set<VarCategory>();

  constructor(readonly settings: Settings) {}

  /**
   * Draw the graph of `outputs` into `lines`, ids starting with `prefix`
   * (an inner graph's ids with its node's, so that no two clash).
   * `roles` names unnamed leaves that have a part to play (a scan's state).
   */
  graph(outputs: readonly TensorVariable[], prefix: string, indent: string, roles: ReadonlyMap<TensorVariable, string>, lines: string[]): Drawn {
    const { compact } = this.settings;
    const nodes = toposort(outputs);
    const nodeIds = new Map<Apply, string>(nodes.map((n, i) => [n, `${prefix}n${i}`]));
    const outputSet = new Set(outputs);
    const read = new Set<TensorVariable>(outputs);
    for (const n of nodes) for (const v of n.inputs) read.add(v);
    const shown = (v: TensorVariable): boolean => !compact || !v.owner || v.name !== undefined || outputSet.has(v);
    const varIds = new Map<TensorVariable, string>();
    const declare = (v: TensorVariable): string => {
      let id = varIds.get(v);
      if (id !== undefined) return id;
      id = `${prefix}v${varIds.size}`;
      varIds.set(v, id);
      lines.push(`${indent}${id} ${this.#variableAttrs(v, outputSet.has(v), roles.get(v))};`);
      return id;
    };
    for (const node of nodes) {
      for (const v of node.inputs) if (!v.owner) declare(v);
      const id = nodeIds.get(node)!;
      const category = opCategory(node.op.kind);
      this.opCategories.add(category);
      const label = dotLabel([node.op.toString()], this.settings.maxLabelLength);
      lines.push(`${indent}${id} ${dotAttrs({ label, shape: 'box', style: 'filled', fillcolor: OP_STYLE[category].fill })};`);
      const many = node.inputs.length > 1;
      node.inputs.forEach((v, i) => {
        // a hidden variable's edge starts at its op, and says which output it was when there are several
        const from = shown(v) ? varIds.get(v)! : nodeIds.get(v.owner!)!;
        const out = !shown(v) && v.owner!.outputs.length > 1 ? `out ${v.index}` : '';
        const text = [out, many ? String(i) : ''].filter((s) => s).join(' → ');
        lines.push(`${indent}${from} -> ${id}${text ? ` ${dotAttrs({ label: `"${text}"` })}` : ''};`);
      });
      if (this.settings.innerGraphs && (node.op instanceof Scan || node.op instanceof OpFromGraph)) this.#inner(node, id, indent, lines);
      for (const v of node.outputs) {
        if (!read.has(v) || !shown(v)) continue;
        const label = node.outputs.length > 1 ? ` ${dotAttrs({ label: `"${v.index}"` })}` : '';
        lines.push(`${indent}${id} -> ${declare(v)}${label};`);
      }
    }
    for (const o of outputs) declare(o);
    return { declare };
  }

  #variableAttrs(v: TensorVariable, isOutput: boolean, role: string | undefined): string {
    const category: VarCategory | undefined = v instanceof TensorConstant ? 'constant' : v instanceof TensorSharedVariable ? 'shared' : !v.owner ? 'input' : isOutput ? 'output' : undefined;
    if (category) this.varCategories.add(category);
    // Theano labels an unnamed variable by its type; a constant's text is its value
    const name = v.name ?? (v instanceof TensorConstant ? v.toString() : (role ?? v.type.toString()));
    const lines = this.settings.showTypes ? [name, `${v.dtype} ${shapeText(v)}`] : [name];
    return dotAttrs({
      label: dotLabel(lines, this.settings.maxLabelLength),
      shape: 'ellipse',
      style: category ? 'filled' : undefined,
      fillcolor: category ? VAR_STYLE[category].fill : undefined,
      // an input returned as it is: its own colour, ringed as an output
      peripheries: isOutput && !v.owner ? '2' : undefined,
    });
  }

  /** A scan's step or an opFromGraph's body, as a cluster beside its node, joined to it by a dashed edge. */
  #inner(node: Apply, id: string, indent: string, lines: string[]): void {
    const op = node.op as Scan | OpFromGraph;
    const roles = new Map<TensorVariable, string>();
    let outputs: readonly TensorVariable[];
    if (op instanceof Scan) {
      const { sequences, states, nonSequences } = op.inner;
      sequences.forEach((v, i) => roles.set(v, `sequence ${i}`));
      states.forEach((v, i) => roles.set(v, `state ${i}`));
      nonSequences.forEach((v, i) => roles.has(v) || roles.set(v, `non-sequence ${i}`));
      outputs = op.inner.outputs;
    } else {
      op.inputs.forEach((v, i) => roles.set(v, `input ${i}`));
      outputs = op.outputs;
    }
    const cluster = `cluster_${id}`;
    lines.push(`${indent}subgraph ${cluster} {`, `${indent}  graph ${dotAttrs({ label: dotLabel([`inner graph of ${op.toString()}`], this.settings.maxLabelLength), style: 'dashed' })};`);
    const drawn = this.graph(outputs, `${id}_`, `${indent}  `, roles, lines);
    lines.push(`${indent}}`);
    // lhead clips the edge at the cluster's border (the graph says compound=true)
    lines.push(`${indent}${id} -> ${drawn.declare(outputs[0]!)} ${dotAttrs({ style: 'dashed', arrowhead: 'none', lhead: cluster, constraint: 'false' })};`);
  }
}
