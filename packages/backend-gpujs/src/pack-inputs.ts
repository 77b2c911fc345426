/**
 * Kernels of more inputs than one gpu.js kernel can sample (the context's
 * texture units, `units.ts`). As the WebGPU backend packs inputs past its
 * storage-buffer limit, the inputs past the first `keep` are copied into a
 * few packed textures by copy passes (each of at most `limit` inputs), and
 * the kernel reads them there: a load's offset, a gather's index, moves by
 * where its input starts in its pack. Each input is copied only as far as
 * the kernel reads it.
 */
import type { Kernel, ScalarExpr, SortKernel } from '@sym/graph';
import { epilogueShape, mapLeaves, walkExpr } from '@sym/graph';
import type { Pass } from './split.js';

/** The elements of input `input` that `e` reads over the index space `dims` (one past the highest). */
function extent(e: ScalarExpr, input: number, dims: readonly number[]): number {
  let elements = 0;
  walkExpr(e, (x) => {
    // a gather may read any element of its input
    if (x.kind === 'gather' && x.input === input) elements = Math.max(elements, x.size);
    if (x.kind !== 'load' || x.input !== input || dims.some((d) => d === 0)) return;
    let hi = x.offset;
    x.strides.forEach((s, d) => {
      if (s > 0) hi += (dims[d]! - 1) * s;
    });
    elements = Math.max(elements, hi + 1);
  });
  return elements;
}

/** A packed texture: the inputs copied into it and where each starts. */
interface Pack {
  readonly inputs: readonly number[];
  readonly bases: readonly number[];
  readonly size: number;
}

/** The copy pass of one pack: element j of the pack is element j - base of the input whose range holds j. */
function packSource(p: Pack): string {
  const params = p.inputs.map((_, i) => `in${i}`).join(', ');
  const lines = p.inputs.map((_, i) => {
    const read = `return in${i}[j - ${p.bases[i]}];`;
    return i === p.inputs.length - 1 ? read : `if (j < ${p.bases[i + 1]}) { ${read} }`;
  });
  return `function (${params}) {\nconst j = this.thread.x;\n${lines.join('\n')}\n}`;
}

/**
 * `k` with inputs `keep..` read from packed textures, when it has more than
 * `limit` inputs: the rewritten kernel (inputs `0..keep-1`, then one per
 * pack) and the packs' copy passes. Undefined when `k` fits.
 */
export function packInputs(k: Exclude<Kernel, SortKernel>, limit: number): { kernel: Kernel; keep: number; packs: Pass[] } | undefined {
  const n = k.inputs.length;
  if (n <= limit) return undefined;
  let groups = 1;
  while (n - (limit - groups) > groups * limit) groups++;
  const keep = limit - groups;
  // a matmul reads its two operands in its inner loop: they stay inputs of their own
  if (keep < (k.kind === 'matmul' ? 2 : 0)) throw new RangeError(`gpujs: a ${k.kind} kernel of ${n} inputs cannot be packed into ${limit} textures`);
  const main = k.kind === 'matmul' ? undefined : { expr: k.expr, dims: k.kind === 'elementwise' ? k.shape : [...k.shape, ...k.reduceShape] };
  const epilogue = k.kind === 'elementwise' ? undefined : k.epilogue;
  const outputSpace = k.kind === 'elementwise' ? k.shape : epilogueShape(k);
  const where: { pack: number; base: number }[] = [];
  const packs: { inputs: number[]; bases: number[]; size: number }[] = Array.from({ length: groups }, () => ({ inputs: [], bases: [], size: 0 }));
  for (let input = keep; input < n; input++) {
    const pack = Math.floor((input - keep) / limit);
    const elements = Math.max(main ? extent(main.expr, input, main.dims) : 0, epilogue ? extent(epilogue.expr, input, outputSpace) : 0);
    const p = packs[pack]!;
    where[input] = { pack, base: p.size };
    if (elements > 0) {
      p.inputs.push(input);
      p.bases.push(p.size);
      p.size += elements;
    }
  }
  const move = (e: ScalarExpr) =>
    mapLeaves(
      e,
      (l) => (l.input < keep ? l : { ...l, input: keep + where[l.input]!.pack, offset: l.offset + where[l.input]!.base }),
      undefined,
      (g) => {
        if (g.input < keep) return g;
        const { pack, base } = where[g.input]!;
        const at: ScalarExpr = { kind: 'const', value: base, dtype: 'int32' };
        return { ...g, input: keep + pack, size: packs[pack]!.size, index: { kind: 'apply', op: 'add', args: [g.index, at], computeDType: 'int32', dtype: 'int32' } };
      },
    );
  const kernel = {
    ...k,
    inputs: [...k.inputs.slice(0, keep), ...packs.map(() => 'float32' as const)],
    ...(main && { expr: move(main.expr) }),
    ...(epilogue && { epilogue: { ...epilogue, expr: move(epilogue.expr) } }),
  } as Kernel;
  // a pack nothing reads still binds a texture: one element
  const passes = packs.map((p): Pass => (p.inputs.length === 0 ? { source: 'function () {\nreturn 0.0;\n}', size: 1, args: [] } : { source: packSource(p), size: p.size, args: p.inputs.map((input) => ({ input })) }));
  return { kernel, keep, packs: passes };
}

/** `plan` (of the packed kernel) after `packs`: its pack inputs become the packs' passes, its passes move past them. */
export function withPacks(plan: readonly Pass[], keep: number, packs: readonly Pass[]): Pass[] {
  const shift = (a: Pass['args'][number]): Pass['args'][number] => ('pass' in a ? { pass: a.pass + packs.length } : a.input < keep ? a : { pass: a.input - keep });
  return [...packs, ...plan.map((p) => ({ ...p, args: p.args.map(shift) }))];
}
