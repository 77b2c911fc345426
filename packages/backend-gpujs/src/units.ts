/**
 * Texture units. gpu.js binds a kernel's texture arguments to units
 * TEXTURE0, TEXTURE1, ... in argument order, and binds textures of its own
 * on TEXTURE15 (`selectTexture` in gpu.js's gl/texture: every new, cloned
 * or cleared texture). An immutable pipeline kernel whose last result is
 * still held makes a new output texture on each run (`newTexture`), and it
 * does so after binding the arguments: so a kernel's argument 15 was
 * replaced by the kernel's own fresh output, a framebuffer the shader drew
 * into while sampling it, and read wrong values without any error (the join
 * of a 16-piece concatenate, its kernel shared with an earlier function
 * that still held its result). A kernel of more than 15 texture arguments
 * therefore takes a placeholder argument at position 15, one the shader
 * never reads, and its real arguments sit on the other units.
 */

/** The texture unit gpu.js binds its own textures on. */
export const GPUJS_OWN_UNIT = 15;

/** The placeholder parameter a guarded kernel takes at position `GPUJS_OWN_UNIT`. */
const PLACEHOLDER = 'symUnitGuard';

/** Whether a kernel of `args` texture arguments needs the placeholder on `GPUJS_OWN_UNIT`. */
export function needsUnitGuard(args: number): boolean {
  return args > GPUJS_OWN_UNIT;
}

/** Texture units a kernel of `args` texture arguments binds: its arguments and, past 15, the placeholder. */
export function unitsUsed(args: number): number {
  return needsUnitGuard(args) ? args + 1 : args;
}

/**
 * `source` (a gpu.js kernel, `function (in0, in1, ...) {`) with the
 * placeholder parameter inserted at position `GPUJS_OWN_UNIT` when it takes
 * more than 15 arguments; the arguments at 15 and beyond move up by one.
 */
export function guardUnitSource(source: string, args: number): string {
  if (!needsUnitGuard(args)) return source;
  const m = /^function \(([^)]*)\)/.exec(source);
  const params = m?.[1]!.split(',').map((p) => p.trim());
  if (!m || params!.length !== args) throw new Error(`gpujs: expected a kernel of ${args} parameters, got ${m ? params!.length : 'no parameter list'}`);
  params!.splice(GPUJS_OWN_UNIT, 0, PLACEHOLDER);
  return `function (${params!.join(', ')})${source.slice(m[0].length)}`;
}

/** `args` with `placeholder` inserted at position `GPUJS_OWN_UNIT` when there are more than 15. */
export function guardUnitArgs<A>(args: readonly A[], placeholder: () => A): readonly A[] {
  if (!needsUnitGuard(args.length)) return args;
  return [...args.slice(0, GPUJS_OWN_UNIT), placeholder(), ...args.slice(GPUJS_OWN_UNIT)];
}

/**
 * Refuse a kernel whose passes bind more texture units than the context
 * has (`MAX_TEXTURE_IMAGE_UNITS`): gpu.js would bind the extra arguments to
 * units that do not exist and the shader read wrong values without an
 * error (a 32-piece concatenate on llvmpipe's 32 units, before its inputs
 * were packed: `pack-inputs.ts`).
 */
export function checkTextureUnits(passes: readonly { readonly args: readonly unknown[] }[], limit: number, label: string): void {
  for (const p of passes) {
    const used = unitsUsed(p.args.length);
    if (used > limit) {
      const most = limit > GPUJS_OWN_UNIT + 1 ? limit - 1 : limit;
      throw new RangeError(
        `gpujs: the ${label} kernel reads ${p.args.length} inputs, beyond the ${most} textures one gpu.js kernel can sample here (MAX_TEXTURE_IMAGE_UNITS ${limit}${most < limit ? ', one unit kept for gpu.js' : ''}); split the expression (e.g. concatenate in groups) or use device=cpu or webgpu.`,
      );
    }
  }
}
