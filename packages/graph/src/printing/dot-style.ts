/**
 * The look of `sym.pydotprint`'s pictures (colours by kind of op and of
 * variable, the legend) and the quoting of text into DOT strings.
 */
import type { OpKind } from '../core/op.js';

/** The groups ops are coloured by, in the legend's order. */
export type OpCategory = 'elemwise' | 'reduce' | 'dot' | 'shape' | 'subtensor' | 'alloc' | 'loop' | 'random' | 'other';

/** Kinds of variable, in the legend's order; intermediates are unfilled and not in the legend. */
export type VarCategory = 'input' | 'shared' | 'constant' | 'output';

// Theano's picture colours elemwise, shape, subtensor, alloc and scan nodes apart; sym adds its other big groups
const CATEGORY_OF: Partial<Record<OpKind, OpCategory>> = {
  Elemwise: 'elemwise',
  Reduce: 'reduce',
  Softmax: 'reduce',
  Dot: 'dot',
  BatchedDot: 'dot',
  DimShuffle: 'shape',
  Reshape: 'shape',
  Shape: 'shape',
  MatchLength: 'shape',
  SpecifyShape: 'shape',
  CheckIndex: 'shape',
  Join: 'shape',
  JoinSplit: 'shape',
  Subtensor: 'subtensor',
  IncSubtensor: 'subtensor',
  AdvancedSubtensor1: 'subtensor',
  AdvancedIncSubtensor1: 'subtensor',
  TakeAlongAxis: 'subtensor',
  Alloc: 'alloc',
  ARange: 'alloc',
  DFT: 'alloc',
  Scan: 'loop',
  OpFromGraph: 'loop',
  Random: 'random',
};

export function opCategory(kind: OpKind): OpCategory {
  return CATEGORY_OF[kind] ?? 'other';
}

export const OP_STYLE: Readonly<Record<OpCategory, { readonly fill: string; readonly legend: string }>> = {
  elemwise: { fill: '#ffb3c6', legend: 'elementwise' },
  reduce: { fill: '#ffd6a5', legend: 'reduction, softmax' },
  dot: { fill: '#ff9f43', legend: 'dot, batched dot' },
  shape: { fill: '#a0e7e5', legend: 'shape: dimshuffle, reshape, join' },
  subtensor: { fill: '#e0b0ff', legend: 'indexing: subtensor' },
  alloc: { fill: '#fdffb6', legend: 'alloc, arange' },
  loop: { fill: '#ffd60a', legend: 'scan, opFromGraph' },
  random: { fill: '#bdb2ff', legend: 'random draw' },
  other: { fill: '#e9ecef', legend: 'other op' },
};

export const VAR_STYLE: Readonly<Record<VarCategory, { readonly fill: string; readonly legend: string }>> = {
  input: { fill: '#7bd389', legend: 'input' },
  shared: { fill: '#c7f0bd', legend: 'shared variable' },
  constant: { fill: '#dee2e6', legend: 'constant' },
  output: { fill: '#8ecae6', legend: 'output' },
};

/**
 * `text` as the inside of a DOT quoted string. DOT's lexer knows `\"` and
 * `\\`; Graphviz then reads backslash escapes in labels (`\n`, `\l`, `\N`,
 * ...), so a user's backslash is doubled (it prints as one, and no name can
 * make an escape of its own), line breaks become the `\n` escape (a raw
 * newline would end a line of the file), and other control characters are
 * written out as `\xNN` text.
 */
export function escapeDot(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\r\n|\r|\n/g, '\\n')
    .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (c) => `\\\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A label of several lines, each cut to `max` characters first (cutting after escaping could split an escape). */
export function dotLabel(lines: readonly string[], max: number): string {
  return `"${lines.map((l) => escapeDot(truncate(l, max))).join('\\n')}"`;
}

/** Theano's max_label_size: a longer text keeps its start and ends in `...`; counted in code points, so no surrogate pair is split. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 3).join('')}...`;
}

/** `[a="x", b="y"]`, every value quoted: colours like `#ffb3c6` must be, and one rule for all leaves nothing unquoted by mistake. */
export function dotAttrs(attrs: Readonly<Record<string, string | undefined>>): string {
  const parts = Object.entries(attrs).flatMap(([k, v]) => (v === undefined ? [] : [`${k}=${k === 'label' ? v : `"${escapeDot(v)}"`}`]));
  return `[${parts.join(', ')}]`;
}

/** The legend: one sample of each kind of node the picture has, in a cluster of its own. */
export function legendLines(ops: ReadonlySet<OpCategory>, vars: ReadonlySet<VarCategory>): string[] {
  const lines = ['  subgraph cluster_legend {', '    label="legend";', '    style="dashed";'];
  for (const c of Object.keys(OP_STYLE) as OpCategory[]) {
    if (!ops.has(c)) continue;
    lines.push(`    legend_${c} ${dotAttrs({ label: `"${OP_STYLE[c].legend}"`, shape: 'box', style: 'filled', fillcolor: OP_STYLE[c].fill })};`);
  }
  for (const c of Object.keys(VAR_STYLE) as VarCategory[]) {
    if (!vars.has(c)) continue;
    lines.push(`    legend_${c} ${dotAttrs({ label: `"${VAR_STYLE[c].legend}"`, shape: 'ellipse', style: 'filled', fillcolor: VAR_STYLE[c].fill })};`);
  }
  lines.push('  }');
  return lines;
}
