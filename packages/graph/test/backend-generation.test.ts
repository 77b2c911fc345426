/**
 * A backend that replaces its device (WebGPU's dispose() then init(), after
 * the device was lost) bumps its `generation`: kernels compiled, plans
 * allocated and shared variables' copies made before belong to the old
 * device, which refuses them. This one is the CPU behind such an interface,
 * whose every buffer and executable remembers its generation and is
 * refused in another: sym must compile, plan and upload again. The real
 * device runs the same scenarios in backend-webgpu's reinit tests.
 */
import { describe, expect, it } from 'vitest';
import { T, cpu, sym } from './helpers.js';

interface Tagged {
  readonly generation: number;
}
type Buffer = sym.DeviceBuffer & Tagged & { readonly inner: sym.DeviceBuffer };
type Exe = sym.Executable & Tagged & { readonly inner: sym.Executable };

let generation = 0;
function own<T extends Tagged>(x: sym.DeviceBuffer | sym.Executable, what: string): T {
  const t = x as unknown as T;
  if (t.generation !== generation) throw new Error(`replaceable: ${what} of generation ${t.generation} used in generation ${generation}`);
  return t;
}
const replaceable: sym.Backend = {
  describe: () => ({ ...cpu.describe(), name: 'replaceable', sync: false }),
  get generation() {
    return generation;
  },
  alloc: (d, n): Buffer => ({ dtype: d, size: n, generation, inner: cpu.alloc(d, n) }),
  write: (b, data) => cpu.write(own<Buffer>(b, 'buffer').inner, data),
  read: async (b) => cpu.read(own<Buffer>(b, 'buffer').inner),
  // a buffer of a replaced device went with it: freeing it is harmless, as WebGPU's
  free: (b) => (b as Buffer).generation === generation && cpu.free((b as Buffer).inner),
  compile: (k): Exe => ({ kernel: k, generation, inner: cpu.compile(k) }),
  run: (launches) =>
    cpu.run(
      launches.map((l) => ({
        exe: own<Exe>(l.exe, 'executable').inner,
        inputs: l.inputs.map((b) => own<Buffer>(b, 'buffer').inner),
        output: own<Buffer>(l.output, 'buffer').inner,
      })),
    ),
};
sym.registerBackend(replaceable);

const values = (a: sym.NDArray | sym.NDArray[]) => Array.from((a as sym.NDArray).data);

describe('a backend whose generation changes (its device replaced)', () => {
  it('runs new functions of an old graph, old functions and host values again; a value only the old device held is refused by name', async () => {
    const x = T.vector('x');
    const H = sym.shared([1, 2], { name: 'H' });
    const D = sym.shared([10, 20], { name: 'D' });
    const f = sym.function([x], x.add(H), { device: 'replaceable' });
    const bump = sym.function([], D.sum(), { device: 'replaceable', updates: [[D, D.add(1)]] });
    expect(values(await f([1, 1]))).toEqual([2, 3]);
    expect(values(await bump())).toEqual([30]);
    generation++;
    // the old function, its plan and H's old copy; a new function of the same graph (its kernel cached before)
    expect(values(await f([1, 1]))).toEqual([2, 3]);
    expect(values(await sym.function([x], x.add(H), { device: 'replaceable' })([2, 2]))).toEqual([3, 4]);
    const lost = /^device=replaceable: the backend was disposed since shared variable D was last updated on it/;
    await expect(bump()).rejects.toThrow(lost);
    await expect(D.getValueAsync()).rejects.toThrow(lost);
    // on another device too: the value is gone, not on the host
    await expect(sym.function([], D.sum(), { device: 'cpu' })()).rejects.toThrow(lost);
    D.setValue([1, 1]);
    expect(values(await bump())).toEqual([2]);
    expect(values(await D.getValueAsync())).toEqual([2, 2]);
  });
});
