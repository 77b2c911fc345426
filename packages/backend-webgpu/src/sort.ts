/**
 * The WebGPU sort kernel (`SortKernel`): each line's stable sorting
 * permutation, as a bitonic sort of (key, index) entries.
 *
 * Keys: each value maps to an unsigned key whose order is NumPy's order
 * of the values, as the CPU's radix sort keys them (backend-cpu's
 * sort.ts): a float's bits with the sign bit flipped for positives and
 * every bit flipped for negatives (-inf first, +inf last), every NaN the
 * largest key and -0 the key of 0; signed integers flip their sign bit,
 * unsigned ones and bools are their own keys; int64 is two words, the
 * high one (sign flipped) first. Descending flips every bit of the key:
 * NaN first, equal values still equal. A bitonic network is not stable,
 * so an entry compares by (key, index): equal keys keep their input
 * order in both directions, as the kernel requires.
 *
 * Lines that fit in workgroup memory (2048 entries of 32-bit keys in the
 * core limit's 16 KiB; 1024 of int64 keys) sort in one dispatch: one
 * workgroup sorts one line padded to a power of two (several short lines
 * side by side), barrier between the network's steps, and writes the
 * first `keep` indices. Longer lines sort through a scratch buffer of
 * entries, in blocks of that size: every block is sorted in workgroup
 * memory, then each merge stage's steps that span blocks run one dispatch
 * each over the whole buffer (one invocation per compare-exchange), and
 * its steps within a block run in workgroup memory, one dispatch for all
 * of them. Every block sorts ascending: each stage starts by comparing a
 * block's i-th entry with its partner block's mirror entry (the "flipped"
 * bitonic merge), so that no direction is tracked. A length n padded to
 * P = 2^ceil(log2 n) takes 1 + sum over stages s = 2C, 4C, .., P of
 * (log2(s / C) + 1) dispatches for blocks of C (6 for 5000 in blocks of
 * 2048); the padding is never stored: an entry past the line's end is
 * larger than every real one, so a compare-exchange reaching it would
 * leave both in place, and is skipped. All passes are recorded in the
 * run's one compute pass, which orders their storage accesses.
 */
import type { DType, SortKernel } from '@sym/graph';
import { ENTRY_ARGS, GROUP_INDEX, grid } from './shader.js';

/** The device limits a sort's passes must respect (from the adapter's `limits`). */
export interface SortLimits {
  /** Workgroups a dispatch may have along each dimension. */
  readonly maxWorkgroupsPerDimension: number;
  /** Bytes of workgroup memory a shader may declare (`maxComputeWorkgroupStorageSize`). */
  readonly maxWorkgroupStorage: number;
  /** Invocations a workgroup may have along x (the smaller of `maxComputeInvocationsPerWorkgroup` and `maxComputeWorkgroupSizeX`). */
  readonly maxInvocations: number;
  /** Bytes a storage buffer may hold (the scratch buffer of long lines must fit). */
  readonly maxBufferBytes: number;
  /** Entries a block holds, for tests of the multi-pass path on short lines; the most workgroup memory holds when absent. */
  readonly blockEntries?: number;
}

/** One dispatch of a sort: what its binding 0 reads (nothing: it reads and writes the scratch buffer, its only binding) and where it writes. */
export interface SortPass {
  /** The pass's WGSL module. */
  readonly code: string;
  /** Workgroups to dispatch in x, y, z. */
  readonly dispatch: [number, number, number];
  /** What binding 0 is: the kernel's input, the scratch buffer, or nothing (the pass works in scratch alone). */
  readonly reads: 'input' | 'scratch' | 'none';
  /** Where the pass writes: the kernel's output or the scratch buffer. */
  readonly writes: 'out' | 'scratch';
}

/** A sort kernel as {@link planSort} plans it: dispatches run in order, one scratch buffer shared. */
export interface SortPlan {
  /** The dispatches, in the order they run (at least one). */
  readonly passes: readonly SortPass[];
  /** u32 words of the scratch buffer the passes share; 0 when the lines sort in one dispatch. */
  readonly scratchWords: number;
}

/** Invocations per workgroup of the passes that run one compare-exchange per invocation. */
const GLOBAL_WG = 256;
/** Invocations per workgroup of the in-memory sorts, at most. */
const LOCAL_WG = 256;

const nextPow2 = (n: number) => (n <= 1 ? 1 : 2 ** Math.ceil(Math.log2(n)));
const log2 = (n: number) => Math.round(Math.log2(n));
const u = (n: number) => `${n >>> 0}u`;

/** 32-bit words of a key: int64's two, one for the others. */
function keyWords(d: DType): 1 | 2 {
  return d === 'int64' ? 2 : 1;
}

/**
 * WGSL of the key words of the element at index `e` (an i32 expression) of
 * `src`, read as u32 words: `let k0 = ...;` (and `k1`).
 */
function loadKey(d: DType, e: string, flip: boolean): string {
  const x = flip ? ' ^ 0xffffffffu' : '';
  switch (d) {
    case 'float32':
      return `let k0 = f32_key(src[u32(${e})])${x};`;
    case 'float16':
      return `let k0 = f16_key((src[u32(${e}) >> 1u] >> ((u32(${e}) & 1u) * 16u)) & 0xffffu)${x};`;
    case 'int8':
    case 'int16':
    case 'int32':
      return `let k0 = (src[u32(${e})] ^ 0x80000000u)${x};`;
    case 'uint8':
    case 'uint16':
    case 'uint32':
    case 'bool':
      return `let k0 = src[u32(${e})]${x};`;
    case 'int64':
      return `let k0 = (src[2u * u32(${e}) + 1u] ^ 0x80000000u)${x};\n    let k1 = src[2u * u32(${e})]${x};`;
    case 'float64':
      throw new TypeError('webgpu: a sort of float64 values; WebGPU holds no float64');
  }
}

const KEY_FUNCTIONS = /* wgsl */ `
// NaN (any payload) the largest key, -0 the key of 0, negatives every bit flipped, positives the sign bit
fn f32_key(b: u32) -> u32 {
  if ((b & 0x7fffffffu) > 0x7f800000u) { return 0xffffffffu; }
  if (b == 0x80000000u) { return 0x80000000u; }
  if ((b & 0x80000000u) != 0u) { return ~b; }
  return b | 0x80000000u;
}
// the same on a half's 16 bits: keys in [0, 0xffff], NaN above them all
fn f16_key(h: u32) -> u32 {
  if ((h & 0x7fffu) > 0x7c00u) { return 0xffffffffu; }
  if (h == 0x8000u) { return 0x8000u; }
  if ((h & 0x8000u) != 0u) { return (~h) & 0xffffu; }
  return h | 0x8000u;
}`;

/** What every pass of one kernel shares: its sizes and how an entry's words are named. */
interface Layout {
  readonly k: SortKernel;
  readonly n: number;
  readonly rows: number;
  /** Key words per entry; an entry in scratch is its key words, then its index. */
  readonly words: 1 | 2;
  readonly limits: SortLimits;
}

/** Workgroup arrays of `g` entries and the compare-exchange of two of them, i < j: afterwards i's entry is not after j's. */
function workgroupEntries(l: Layout, g: number): string {
  const wide = l.words === 2;
  const after = wide ? '(b0 < a0 || (b0 == a0 && (b1 < a1 || (b1 == a1 && bi < ai))))' : '(b0 < a0 || (b0 == a0 && bi < ai))';
  return `var<workgroup> wk0: array<u32, ${g}>;
${wide ? `var<workgroup> wk1: array<u32, ${g}>;\n` : ''}var<workgroup> wi: array<u32, ${g}>;
fn cx(i: u32, j: u32) {
  let a0 = wk0[i];
  let b0 = wk0[j];
  ${wide ? 'let a1 = wk1[i];\n  let b1 = wk1[j];\n  ' : ''}let ai = wi[i];
  let bi = wi[j];
  if ${after} {
    wk0[i] = b0;
    wk0[j] = a0;
    ${wide ? 'wk1[i] = b1;\n    wk1[j] = a1;\n    ' : ''}wi[i] = bi;
    wi[j] = ai;
  }
}`;
}

/** The entry e of workgroup memory set to key words k0 (k1) and index `i`. */
function setEntry(l: Layout, e: string, i: string): string {
  return `wk0[${e}] = k0;${l.words === 2 ? ` wk1[${e}] = k1;` : ''} wi[${e}] = ${i};`;
}

/** A padding entry: past every real entry (its index is past the line's). */
function setPadding(l: Layout, e: string, i: string): string {
  return `wk0[${e}] = 0xffffffffu;${l.words === 2 ? ` wk1[${e}] = 0xffffffffu;` : ''} wi[${e}] = ${i};`;
}

/** Statements declaring `base` (i32): the input index of element 0 of line `row` (a u32 expression). */
function lineBase(l: Layout, row: string): string {
  const { shape, strides, axis, offset } = l.k;
  const lines = [`var rest = ${row};`, `var base: i32 = ${offset};`];
  for (let d = shape.length - 1; d >= 0; d--) {
    if (d === axis || shape[d] === 1) continue;
    if (strides[d] !== 0) lines.push(`base = base + i32(rest % ${u(shape[d]!)}) * ${strides[d]};`);
    lines.push(`rest = rest / ${u(shape[d]!)};`);
  }
  return lines.join('\n    ');
}

/** Statements declaring `at` (u32): the output index of position `p` of line `row`: out[(o * keep + p) * after + r], row = o * after + r. */
function outIndex(l: Layout, row: string, p: string): string {
  const after = l.k.shape.slice(l.k.axis + 1).reduce((a, b) => a * b, 1);
  if (after === 1) return `let at = ${row} * ${u(l.k.keep)} + ${p};`;
  return `let at = ((${row} / ${u(after)}) * ${u(l.k.keep)} + ${p}) * ${u(after)} + ${row} % ${u(after)};`;
}

/** Statements loading the key of position `p` of line `row` (its base computed) into k0 (k1). */
function keyAt(l: Layout, p: string): string {
  const step = l.k.strides[l.k.axis]!;
  const e = step === 0 ? 'base' : step === 1 ? `(base + i32(${p}))` : `(base + i32(${p}) * ${step})`;
  return loadKey(l.k.inputs[0], e, l.k.descending);
}

/** WGSL index of word w of entry `pos` of line `row` in scratch. */
const scratchWord = (l: Layout, row: string, pos: string, w: number) => `(${row} * ${u(l.n)} + ${pos}) * ${u(l.words + 1)}${w ? ` + ${u(w)}` : ''}`;

/** The compare-exchanges of bitonic steps in workgroup memory: `steps` emits the loop over distances; each barrier-separated. */
function networkSteps(g: number, t: number, stages: { from: number; to: number } | { merge: number }): string {
  const pairs = g / 2;
  const loop = (body: string) => `for (var q: u32 = lid; q < ${u(pairs)}; q = q + ${u(t)}) {
        ${body}
      }
      workgroupBarrier();`;
  // i: q with a zero bit inserted at distance d's bit; its partner is i + d, or with `flip` its mirror in the 2d-block
  const half = (d: string) => `let i = ((q & ~(${d} - 1u)) << 1u) | (q & (${d} - 1u));`;
  const halfCleaners = (from: string) => `for (var d: u32 = ${from}; d > 0u; d = d >> 1u) {
      ${loop(`${half('d')}\n        cx(i, i + d);`)}
    }`;
  if ('merge' in stages) return halfCleaners(u(stages.merge / 2));
  return `for (var s: u32 = ${u(stages.from)}; s <= ${u(stages.to)}; s = s << 1u) {
    let h = s >> 1u;
    ${loop(`${half('h')}\n        cx(i, i ^ (s - 1u));`)}
    ${halfCleaners('s >> 2u')}
  }`;
}

function bindingsFor(reads: SortPass['reads']): string {
  if (reads === 'none') return '@group(0) @binding(0) var<storage, read_write> dst: array<u32>;';
  return '@group(0) @binding(0) var<storage, read> src: array<u32>;\n@group(0) @binding(1) var<storage, read_write> dst: array<u32>;';
}

/** A pass of `groups` workgroups of `t` invocations: `body` runs with `group` (u32) below `groups`. */
function pass(l: Layout, reads: SortPass['reads'], writes: SortPass['writes'], groups: number, t: number, head: string, body: string): SortPass {
  const code = `${bindingsFor(reads)}
${KEY_FUNCTIONS}
${head}
@compute @workgroup_size(${t})
fn main(${ENTRY_ARGS}) {
  ${GROUP_INDEX}
  if (group >= ${u(groups)}) { return; }
  ${body}
}`;
  return { code, dispatch: grid(groups, l.limits), reads, writes };
}

/** Lines padded to `p` entries, `r` of them per workgroup, sorted in one dispatch into the output. */
function wholeLines(l: Layout, p: number, r: number): SortPass {
  const g = p * r;
  const t = Math.max(1, Math.min(l.limits.maxInvocations, LOCAL_WG, g / 2));
  const groups = Math.ceil(l.rows / r);
  const body = `for (var e: u32 = lid; e < ${u(g)}; e = e + ${u(t)}) {
    let row = group * ${u(r)} + (e >> ${u(log2(p))});
    let pos = e & ${u(p - 1)};
    if (row < ${u(l.rows)} && pos < ${u(l.n)}) {
      ${lineBase(l, 'row')}
      ${keyAt(l, 'pos')}
      ${setEntry(l, 'e', 'pos')}
    } else {
      ${setPadding(l, 'e', 'pos')}
    }
  }
  workgroupBarrier();
  ${p > 1 ? networkSteps(g, t, { from: 2, to: p }) : ''}
  for (var e: u32 = lid; e < ${u(g)}; e = e + ${u(t)}) {
    let row = group * ${u(r)} + (e >> ${u(log2(p))});
    let pos = e & ${u(p - 1)};
    if (row < ${u(l.rows)} && pos < ${u(l.k.keep)}) {
      ${outIndex(l, 'row', 'pos')}
      dst[at] = wi[e];
    }
  }`;
  return pass(l, 'input', 'out', groups, t, workgroupEntries(l, g), body);
}

/**
 * A pass over blocks of `c` entries of every line (the line's first `blocks`
 * of them), in workgroup memory: `first`, load from the input and sort
 * each block; otherwise load from scratch and run the half-cleaners of a
 * merge stage below distance c. It stores back to scratch, or the line's
 * first `keep` positions to the output (`writes`).
 */
function blockPass(l: Layout, c: number, blocks: number, first: boolean, writes: SortPass['writes']): SortPass {
  const t = Math.min(l.limits.maxInvocations, LOCAL_WG, c / 2);
  const wide = l.words === 2;
  // a merge that stores back to scratch reads it through its one read-write binding
  const from = writes === 'scratch' ? 'dst' : 'src';
  const load = first
    ? `${lineBase(l, 'row')}
      ${keyAt(l, 'pos')}
      ${setEntry(l, 'e', 'pos')}`
    : `let k0 = ${from}[${scratchWord(l, 'row', 'pos', 0)}];
      ${wide ? `let k1 = ${from}[${scratchWord(l, 'row', 'pos', 1)}];\n      ` : ''}${setEntry(l, 'e', `${from}[${scratchWord(l, 'row', 'pos', l.words)}]`)}`;
  const store =
    writes === 'out'
      ? `if (pos < ${u(l.k.keep)}) {
      ${outIndex(l, 'row', 'pos')}
      dst[at] = wi[e];
    }`
      : `if (pos < ${u(l.n)}) {
      dst[${scratchWord(l, 'row', 'pos', 0)}] = wk0[e];
      ${wide ? `dst[${scratchWord(l, 'row', 'pos', 1)}] = wk1[e];\n      ` : ''}dst[${scratchWord(l, 'row', 'pos', l.words)}] = wi[e];
    }`;
  const body = `let row = group / ${u(blocks)};
  let start = (group % ${u(blocks)}) * ${u(c)};
  for (var e: u32 = lid; e < ${u(c)}; e = e + ${u(t)}) {
    let pos = start + e;
    if (pos < ${u(l.n)}) {
      ${load}
    } else {
      ${setPadding(l, 'e', 'pos')}
    }
  }
  workgroupBarrier();
  ${first ? networkSteps(c, t, { from: 2, to: c }) : networkSteps(c, t, { merge: c })}
  for (var e: u32 = lid; e < ${u(c)}; e = e + ${u(t)}) {
    let pos = start + e;
    ${store}
  }`;
  return pass(l, first ? 'input' : writes === 'out' ? 'scratch' : 'none', writes, l.rows * blocks, t, workgroupEntries(l, c), body);
}

/**
 * One step of a merge stage across blocks, in scratch: distance `d`, or
 * with `flip` the stage's first step (each entry of the lower half of an
 * s-block, s = 2d, against its mirror in the upper half). One invocation
 * per compare-exchange.
 */
function globalStep(l: Layout, p: number, d: number, flip: boolean): SortPass {
  const pairs = l.rows * (p / 2);
  const groups = Math.ceil(pairs / GLOBAL_WG);
  const w = l.words;
  const word = (pos: string, i: number) => `dst[${scratchWord(l, 'row', pos, i)}]`;
  const keys = (x: string, pos: string) =>
    Array.from({ length: w + 1 }, (_, i) => `let ${x}${i === w ? 'i' : i} = ${word(pos, i)};`).join('\n  ');
  const after = w === 2 ? '(b0 < a0 || (b0 == a0 && (b1 < a1 || (b1 == a1 && bi < ai))))' : '(b0 < a0 || (b0 == a0 && bi < ai))';
  const swap = Array.from({ length: w + 1 }, (_, i) => {
    const s = i === w ? 'i' : String(i);
    return `${word('i', i)} = b${s};\n    ${word('j', i)} = a${s};`;
  }).join('\n    ');
  const body = `let g = group * ${u(GLOBAL_WG)} + lid;
  if (g >= ${u(pairs)}) { return; }
  let row = g >> ${u(log2(p / 2))};
  let q = g & ${u(p / 2 - 1)};
  let i = ((q & ${u(~(d - 1))}) << 1u) | (q & ${u(d - 1)});
  let j = ${flip ? `i ^ ${u(2 * d - 1)}` : `i + ${u(d)}`};
  if (j >= ${u(l.n)}) { return; }
  ${keys('a', 'i')}
  ${keys('b', 'j')}
  if ${after} {
    ${swap}
  }`;
  return pass(l, 'none', 'scratch', groups, GLOBAL_WG, '', body);
}

/** The entries a block of workgroup memory holds: a power of two, (key words + index) x 4 bytes each. */
export function blockEntries(d: DType, limits: SortLimits): number {
  if (limits.blockEntries) return limits.blockEntries;
  const bytes = (keyWords(d) + 1) * 4;
  return 2 ** Math.floor(Math.log2(limits.maxWorkgroupStorage / bytes));
}

/** The dispatches of a sort kernel, in order (at least one; no workgroups when there are no lines), and the scratch buffer they share. */
export function planSort(k: SortKernel, limits: SortLimits): SortPlan {
  const n = k.shape[k.axis]!;
  const rows = k.shape.reduce((a, b, d) => (d === k.axis ? a : a * b), 1);
  const l: Layout = { k, n, rows, words: keyWords(k.inputs[0]), limits };
  const c = blockEntries(k.inputs[0], limits);
  const p = nextPow2(n);
  if (p <= c) {
    // short lines side by side, up to two per invocation's pair of entries, within the block
    const r = Math.max(1, Math.min(c / p, Math.floor((2 * Math.min(limits.maxInvocations, LOCAL_WG)) / p)));
    return { passes: [wholeLines(l, p, r)], scratchWords: 0 };
  }
  const scratchWords = rows * n * (l.words + 1);
  if (scratchWords * 4 > limits.maxBufferBytes) {
    throw new RangeError(
      `webgpu: sorting ${rows} lines of ${n} ${k.inputs[0]} values needs a scratch buffer of ${scratchWords * 4} bytes, more than this device's limit of ${limits.maxBufferBytes} bytes per storage buffer`,
    );
  }
  const blocks = Math.ceil(n / c);
  const passes: SortPass[] = [blockPass(l, c, blocks, true, 'scratch')];
  for (let s = 2 * c; s <= p; s *= 2) {
    passes.push(globalStep(l, p, s / 2, true));
    for (let d = s / 4; d >= c; d /= 2) passes.push(globalStep(l, p, d, false));
    const last = s === p;
    passes.push(blockPass(l, c, last ? Math.ceil(k.keep / c) : blocks, false, last ? 'out' : 'scratch'));
  }
  return { passes, scratchWords };
}
