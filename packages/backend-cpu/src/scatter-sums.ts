/**
 * A float scatter-add (`ScatterAddKernel` of a float32 or float64
 * accumulator) as JavaScript: each row's increments summed first, in
 * float64 and in index order, then added to the row once, as the reference
 * `perform` and the sort-and-scan lowering do. Adding each increment into
 * the row in turn (NumPy's add.at) rounds away, in float32, every
 * increment under half the row's last place: 1000 increments of 1e-8 to a
 * row of 1 left it 1, and 10^5 normal increments summed in float32 drifted
 * past DebugMode's check. Integer sums wrap alike in any order and keep the
 * sequential kernel.
 */
import type { ScatterAddKernel } from '@sym/graph';

/**
 * Code finding row j's slot s among the rows met so far (a new one taking
 * the next slot): a table of every row where the rows are few next to the
 * indices, else an open-addressing hash of twice the slots, so that a
 * sparse update of a few rows of a large table allocates nothing of the
 * table's length.
 */
function rowSlots(rows: number, slots: number): { declare: string; find: string } {
  if (rows <= 4 * slots) {
    return {
      declare: `const slot = new Int32Array(${rows});`,
      find: `let s = slot[j] - 1;
  const first = s < 0;
  if (first) { s = used++; slot[j] = s + 1; touched[s] = j; }`,
    };
  }
  const bits = Math.max(1, Math.ceil(Math.log2(2 * slots)));
  return {
    declare: `const keys = new Int32Array(${2 ** bits}), slotOf = new Int32Array(${2 ** bits});`,
    find: `let h = Math.imul(j, -1640531535) >>> ${32 - bits};
  while (keys[h] !== 0 && keys[h] !== j + 1) h = (h + 1) & ${2 ** bits - 1};
  const first = keys[h] === 0;
  let s;
  if (first) { s = used++; keys[h] = j + 1; slotOf[h] = s; touched[s] = j; } else s = slotOf[h];`,
  };
}

export function renderFloatScatterAdd(k: ScatterAddKernel): string {
  const rows = k.shape[0]!;
  const row = k.shape.slice(1).reduce((a, b) => a * b, 1);
  const size = rows * row;
  const slots = Math.min(k.count, rows);
  const [s0, s1] = k.values.strides;
  // the sum of a float32 row is rounded to float32 before it is added (perform's castScalar of the sum)
  const slotTable = rowSlots(rows, slots);
  const rounded = k.out === 'float32' ? 'Math.fround(sums[p])' : 'sums[p]';
  const clamp = `let j = idx[${k.indices.offset} + q * ${k.indices.stride}];
  if (j < 0) j += ${rows};
  j = j < 0 ? 0 : j > ${rows - 1} ? ${rows - 1} : j;`;
  // a row's sum starts as its first increment (not 0: -0 increments to a -0 row leave it -0)
  return `const base = ins[0], vals = ins[1], idx = ins[2];
${k.base.stride === 0 ? `out.fill(base[${k.base.offset}]);` : `${k.base.offset === 0 ? 'if (base !== out) ' : ''}for (let i = 0; i < ${size}; i++) out[i] = base[${k.base.offset} + i];`}
${k.out === 'float64' && k.base.stride === 0 ? directIntoZeros(k, clamp, row) : ''}
${slotTable.declare}
const touched = new Int32Array(${slots}), sums = new Float64Array(${slots * row});
let used = 0;
for (let q = 0; q < ${k.count}; q++) {
  ${clamp}
  ${slotTable.find}
  let p = s * ${row}, v = ${k.values.offset} + q * ${s0};
${
  s1 === 0
    ? `  const y = vals[v];
  if (first) for (let r = 0; r < ${row}; r++, p++) sums[p] = y;
  else for (let r = 0; r < ${row}; r++, p++) sums[p] += y;`
    : `  if (first) for (let r = 0; r < ${row}; r++, p++, v += ${s1}) sums[p] = vals[v];
  else for (let r = 0; r < ${row}; r++, p++, v += ${s1}) sums[p] += vals[v];`
}
}
for (let t = 0; t < used; t++) {
  let o = touched[t] * ${row}, p = t * ${row};
  for (let r = 0; r < ${row}; r++, o++, p++) out[o] = out[o] + ${rounded};
}`;
}

/**
 * A float64 scatter-add onto a base of one value that is 0 or -0 (a
 * gradient's or a sparse product's zeros), checked at the call: each
 * increment added into the row in turn. That is the sum the general loop
 * forms, base + (the row's increments summed in index order), exactly:
 * -0 + x is x, and +0 + x differs from x only for x = -0, which then
 * gives the same +0 at the end (+0 + -0). It skips the general loop's
 * tables and a second pass (the 100,000 terms of a sparse product into
 * 95,579 rows: about 0.2 ms where the tables took 1.1 ms, warm).
 */
function directIntoZeros(k: ScatterAddKernel, clamp: string, row: number): string {
  const [s0, s1] = k.values.strides;
  return `if (base[${k.base.offset}] === 0) {
  for (let q = 0; q < ${k.count}; q++) {
    ${clamp}
    let o = j * ${row}, v = ${k.values.offset} + q * ${s0};
${
  s1 === 0
    ? `    const y = vals[v];
    for (let r = 0; r < ${row}; r++, o++) out[o] += y;`
    : `    for (let r = 0; r < ${row}; r++, o++, v += ${s1}) out[o] += vals[v];`
}
  }
  return;
}`;
}
