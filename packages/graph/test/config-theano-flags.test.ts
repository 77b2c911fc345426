/**
 * Theano's flags beyond floatX, device, mode and profile: warn_float64,
 * on_unused_input, the optimizer_* lists (their effect on rewrites is in
 * @sym/opt's registry.test), config.changeFlags, and what a THEANO_FLAGS
 * string carried over meets: flags ignored with a warning, flags refused
 * with why, a did-you-mean for typos.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { T, sym } from './helpers.js';

const { config, parseFlags, parseRc } = sym;

afterEach(() => {
  config.reload();
  vi.restoreAllMocks();
});

describe('warn_float64', () => {
  it('raises where a float64 variable is created, naming it, and not for float32 graphs with number literals', () => {
    config.set('floatX=float32,warn_float64=raise');
    const x = T.matrix('x');
    const w = sym.shared(new Float32Array([1, 2]), { name: 'w' });
    // weak literals keep float32, as in Theano: no float64 appears
    const y = T.tanh(x.mul(2.5).add(1)).dot(w).sum();
    expect(y.dtype).toBe('float32');
    expect(() => T.dmatrix('d')).toThrow(
      `warn_float64=raise: a float64 variable was created: "d" (TensorType(float64, matrix)). float64 is slow or missing on GPUs (WebGPU has none): use float32 (floatX=float32, T.cast(x, 'float32')), or set warn_float64=ignore`,
    );
    expect(() => sym.shared(new Float64Array([1, 2]), { name: 'w64' })).toThrow('a float64 variable was created: "w64" (TensorType(float64, vector))');
    // an op whose output is float64: named with its inputs and their dtypes
    const i = T.ivector('i');
    expect(() => T.cast(i, 'float64')).toThrow(/a float64 variable was created: the output of Elemwise\{Cast\{float64\}\}\(i: int32\)/);
    // constants alone do not (as in Theano): one shows in the variables it makes float64
    expect(T.constant([1.5], { dtype: 'float64' }).dtype).toBe('float64');
  });

  it('warns once per message, and does nothing when ignore', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    config.warn_float64 = 'warn';
    T.dvector('v');
    T.dvector('v');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('warn_float64=warn: a float64 variable was created: "v" (TensorType(float64, vector))'));
    config.warn_float64 = 'ignore';
    T.dvector('u');
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it("refuses other values, with a word on Theano's pdb", () => {
    expect(() => parseFlags('warn_float64=pdb')).toThrow(
      `SYM_FLAGS: warn_float64 must be one of ignore, warn, raise; got "pdb". Theano's pdb has no counterpart: raise throws where the variable is created, and its stack says by what`,
    );
    expect(() => (config.warn_float64 = 'loud' as 'warn')).toThrow('config.warn_float64: warn_float64 must be one of ignore, warn, raise; got "loud"');
    expect(config.warn_float64).toBe('ignore');
  });
});

describe('on_unused_input', () => {
  it("is the default of function's onUnusedInput, which overrides it", () => {
    const x = T.dvector('x');
    const y = T.dvector('y');
    expect(() => sym.function([x, y], x.sum())).toThrow('function: input 1 (y) is not needed');
    config.on_unused_input = 'ignore';
    expect(sym.function([x, y], x.sum()).sync([1, 2], [9]).item()).toBe(3);
    expect(() => sym.function([x, y], x.sum(), { onUnusedInput: 'raise' })).toThrow('input 1 (y) is not needed');
    expect(() => parseFlags('on_unused_input=silent')).toThrow('SYM_FLAGS: on_unused_input must be one of raise, warn, ignore; got "silent"');
  });
});

describe('optimizer_excluding, optimizer_including, optimizer_requiring', () => {
  it('are colon-separated rewrite names or tags, as in Theano', () => {
    expect(parseFlags('optimizer_excluding=fusion:inplace,optimizer_including=,optimizer_requiring=fast_run')).toEqual({
      optimizer_excluding: 'fusion:inplace',
      optimizer_including: '',
      optimizer_requiring: 'fast_run',
    });
    expect(() => parseFlags('optimizer_excluding=fusion inplace')).toThrow(
      'SYM_FLAGS: optimizer_excluding must be rewrite names or tags separated by colons, such as "fusion:inplace" (or "" for none); got "fusion inplace"',
    );
    expect(() => (config.optimizer_including = ['fusion'] as unknown as string)).toThrow('config.optimizer_including: optimizer_including must be rewrite names or tags');
  });
});

describe('config.changeFlags', () => {
  it('sets flags while a function runs and puts them back, also when it throws', () => {
    config.set({ floatX: 'float64', mode: 'FAST_RUN' });
    const made = config.changeFlags({ floatX: 'float32' }, () => T.matrix('m'));
    expect(made.dtype).toBe('float32');
    expect(config.floatX).toBe('float64');
    expect(() =>
      config.changeFlags('floatX=float16,mode=FAST_COMPILE', () => {
        expect(config.toJSON()).toMatchObject({ floatX: 'float16', mode: 'FAST_COMPILE' });
        throw new Error('inside');
      }),
    ).toThrow('inside');
    expect(config.toJSON()).toMatchObject({ floatX: 'float64', mode: 'FAST_RUN' });
  });

  it('restores only the flags it changed, and after a promise settles', async () => {
    const pending = config.changeFlags({ floatX: 'float32' }, async () => {
      await Promise.resolve();
      config.mode = 'FAST_COMPILE'; // not among its flags: kept
      return config.floatX;
    });
    expect(config.floatX).toBe('float32');
    expect(await pending).toBe('float32');
    expect(config.floatX).toBe('float64');
    expect(config.mode).toBe('FAST_COMPILE');
  });

  it('changes nothing when a flag is bad, and wants a function', () => {
    let ran = false;
    expect(() => config.changeFlags({ floatX: 'float32', mode: 'FAST' } as unknown as Partial<sym.ConfigValues>, () => (ran = true))).toThrow(
      'config.changeFlags: mode must be one of FAST_RUN, FAST_COMPILE, DebugMode, NanGuardMode; got "FAST"',
    );
    expect(ran).toBe(false);
    expect(config.floatX).toBe('float64');
    expect(() => config.changeFlags({ floatX: 'float32' }, undefined as unknown as () => void)).toThrow('config.changeFlags: expected a function to run with the flags changed, got undefined');
  });
});

describe("Theano's flags that sym does not honour", () => {
  it('ignores, with one warning each, flags that only tuned how Theano compiled', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(parseFlags('floatX=float32,allow_gc=False,lib.cnmem=1,cxx=', 'THEANO_FLAGS')).toEqual({ floatX: 'float32' });
    expect(warn).toHaveBeenCalledWith(
      "THEANO_FLAGS: ignoring Theano's flag allow_gc: it trades Theano's memory for speed between calls; sym's backends allocate and reuse buffers by their own plan",
    );
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^THEANO_FLAGS: ignoring Theano's flag lib\.cnmem: it sizes Theano's CUDA memory pool/));
    const count = warn.mock.calls.length;
    parseFlags('allow_gc=True');
    (config as unknown as Record<string, unknown>).allow_gc = false;
    expect(warn.mock.calls.length).toBe(count);
    expect('allow_gc' in config.toJSON()).toBe(false);
  });

  it('refuses flags that would change results, saying why', () => {
    expect(() => parseFlags('optimizer=fast_compile')).toThrow(
      "SYM_FLAGS: optimizer is a Theano flag that sym does not have: sym's mode chooses the rewrites: optimizer=fast_run is mode=FAST_RUN (the default), optimizer=fast_compile is mode=FAST_COMPILE, and optimizer=None (no rewrites) is optimizer_excluding=fast_run",
    );
    // optimizer=fast_run, common in a copied .theanorc, is the default: skipped, without a warning
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(parseFlags('optimizer=fast_run,floatX=float32')).toEqual({ floatX: 'float32' });
    expect(parseRc('[global]\noptimizer = fast_run\nfloatX = float32')).toEqual({ floatX: 'float32' });
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    expect(() => parseFlags('optimizer=None')).toThrow('SYM_FLAGS: optimizer is a Theano flag that sym does not have');
    expect(() => parseFlags('cast_policy=numpy+floatX')).toThrow('SYM_FLAGS: cast_policy is a Theano flag that sym does not have: sym has one set of rules for the dtypes of results');
    expect(() => config.set({ int_division: 'raise' } as unknown as Partial<sym.ConfigValues>)).toThrow("config.set: int_division is a Theano flag that sym does not have: sym's / of integers is true division");
    expect(() => ((config as unknown as Record<string, unknown>).compute_test_value = 'raise')).toThrow('config: compute_test_value is a Theano flag that sym does not have: sym has no test values');
    // in a .symrc, also in Theano's sections: [nvcc] fastmath is nvcc.fastmath
    expect(() => parseRc('[global]\nfloatX = float32\n[nvcc]\nfastmath = True', '/home/u/.symrc')).toThrow(
      "/home/u/.symrc: nvcc.fastmath is a Theano flag that sym does not have: it trades CUDA's accuracy for speed",
    );
    expect(parseRc('[nvcc]\nflags = -O3\n[global]\nfloatX = float32')).toEqual({ floatX: 'float32' });
  });

  it("names the excluding option for a Theano Mode object with optimizer=None", () => {
    const x = T.dvector('x');
    expect(() => sym.function([x], x, { mode: { linker: 'vm', optimizer: null } as unknown as sym.Mode })).toThrow(
      /pass the mode by name, here 'FAST_COMPILE'; Theano's optimizer=None, no rewrite at all, is optimizer: \{ excluding: \['fast_run'\] \}$/,
    );
  });

  it("points Theano's GPU devices at webgpu and gpujs", () => {
    for (const d of ['gpu', 'cuda0', 'opencl0:1']) {
      expect(() => parseFlags(`device=${d}`)).toThrow(`SYM_FLAGS: device=${d} is one of Theano's CUDA/OpenCL devices; sym reaches a GPU through device=webgpu (WebGPU) or device=gpujs (WebGL)`);
    }
  });

  it('suggests the nearest flag for a typo', () => {
    expect(() => parseFlags('warn_float=raise')).toThrow('SYM_FLAGS: unknown flag "warn_float" (did you mean warn_float64?)');
    expect(() => parseFlags('optimizer_exluding=fusion')).toThrow('unknown flag "optimizer_exluding" (did you mean optimizer_excluding?)');
    expect(() => parseFlags('colour=red')).toThrow(/^SYM_FLAGS: unknown flag "colour"; valid flags are floatX, /);
  });
});
