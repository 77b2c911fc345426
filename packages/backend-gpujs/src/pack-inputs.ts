/**
 * Kernels of more inputs than one gpu.js kernel can sample (the context's
 * texture units, `units.ts`). As the WebGPU backend packs inputs past its
 * storage-buffer limit, the inputs past the first `keep` are copied into a
 * few packed textures by copy passes (each of at most `limit` inputs), and
 * the kernel reads them there: a load's offset, a gather's index, moves by
 * where its input starts in its pack. Each input is copied only as far as
 * the kernel reads it.
 */
import type { Kernel, ScatterAddKernel, SortKernel } from '@sym/graph';
import { inputExtent, moveInputs } from '@sym/graph';
import type { Pass } from './split.js';

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
export function packInputs(k: Exclude<Kernel, SortKernel | ScatterAddKernel>, limit: number): { kernel: Kernel; keep: number; packs: Pass[] } | undefined {
  const n = k.inputs.length;
  if (n <= limit) return undefined;
  let groups = 1;
  while (n - (limit - groups) > groups * limit) groups++;
  const keep = limit - groups;
  // a matmul reads its two operands in its inner loop: they stay inputs of their own
  if (keep < (k.kind === 'matmul' ? 2 : 0)) throw new RangeError(`gpujs: a ${k.kind} kernel of ${n} inputs cannot be packed into ${limit} textures`);
  const where: { pack: number; base: number }[] = [];
  const packs: { inputs: number[]; bases: number[]; size: number }[] = Array.from({ length: groups }, () => ({ inputs: [], bases: [], size: 0 }));
  for (let input = keep; input < n; input++) {
    const pack = Math.floor((input - keep) / limit);
    const elements = inputExtent(k, input);
    const p = packs[pack]!;
    where[input] = { pack, base: p.size };
    if (elements > 0) {
      p.inputs.push(input);
      p.bases.push(p.size);
      p.size += elements;
    }
  }
  const inputs = [...k.inputs.slice(0, keep), ...packs.map(() => 'float32' as const)];
  const kernel = moveInputs(k, keep, inputs, (input) => {
    const { pack, base } = where[input]!;
    return { input: keep + pack, base, size: packs[pack]!.size };
  });
  // a pack nothing reads still binds a texture: one element
  const passes = packs.map((p): Pass => (p.inputs.length === 0 ? { source: 'function () {\nreturn 0.0;\n}', size: 1, args: [] } : { source: packSource(p), size: p.size, args: p.inputs.map((input) => ({ input })) }));
  return { kernel, keep, packs: passes };
}

/** `plan` (of the packed kernel) after `packs`: its pack inputs become the packs' passes, its passes move past them. */
export function withPacks(plan: readonly Pass[], keep: number, packs: readonly Pass[]): Pass[] {
  const shift = (a: Pass['args'][number]): Pass['args'][number] => ('pass' in a ? { pass: a.pass + packs.length } : a.input < keep ? a : { pass: a.input - keep });
  return [...packs, ...plan.map((p) => ({ ...p, args: p.args.map(shift) }))];
}
