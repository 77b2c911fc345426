/**
 * How deep brackets (calls, parentheses, indexing) nest in generated
 * `code`. Shader compilers stop parsing past some depth (Tint at 128
 * levels, headless-gl's ANGLE near 200): a renderer computes a
 * subexpression whose code nests past its compiler's bound into a
 * variable of its own.
 */
export function nesting(code: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c === 40 || c === 91) max = Math.max(max, ++depth);
    else if (c === 41 || c === 93) depth--;
  }
  return max;
}
