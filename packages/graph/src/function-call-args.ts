/**
 * The arguments of a call `f(...)` of a compiled function: each checked
 * against its input's type and converted to an NDArray, a left-out input
 * taking its default.
 */
import { convertValue, fitsType } from './convert.js';
import { keywordArgsError, type InputSpec } from './function-args.js';
import { NDArray } from './ndarray.js';

/** The values of a call's inputs, in the inputs' order; `name` is the function's, for errors. */
export function convertArgs(args: readonly unknown[], inputs: readonly InputSpec[], name: string | undefined, allowDowncast: boolean): NDArray[] {
  const fname = name ? `function ${name}` : 'function';
  if (args.length > inputs.length) {
    throw new TypeError(`${fname}: expected at most ${inputs.length} arguments, got ${args.length}`);
  }
  return inputs.map((spec, i) => {
    let v = args[i];
    // the common case (an NDArray of the input's type) needs no conversion and no label
    if (v instanceof NDArray && fitsType(v, spec.variable.type)) return v;
    const label = `${fname}: argument ${i} (${spec.name ?? spec.variable.toString()})`;
    const keywords = keywordArgsError(v, label, name, inputs);
    if (keywords) throw keywords;
    if (v === undefined) {
      if (!spec.hasDefault) throw new TypeError(`${label}: missing, and it has no default value`);
      v = spec.value;
    }
    return convertValue(v, spec.variable.type, label, { allowDowncast });
  });
}
