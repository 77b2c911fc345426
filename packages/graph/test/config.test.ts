/** Configuration: SYM_FLAGS, .symrc ([global] INI), runtime assignment; bad names and values are refused with the valid ones listed. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { T, sym } from './helpers.js';

const { config, parseFlags, parseRc } = sym;
const FLAGS = 'floatX, device, mode, profile, optimizer_excluding, optimizer_including, optimizer_requiring, warn_float64, on_unused_input';

describe('parseFlags (SYM_FLAGS)', () => {
  it('reads comma-separated name=value pairs, ignoring spaces and empty items', () => {
    expect(parseFlags('device=webgpu,floatX=float32')).toEqual({ device: 'webgpu', floatX: 'float32' });
    expect(parseFlags(' mode = DebugMode , ,')).toEqual({ mode: 'DebugMode' });
    expect(parseFlags('')).toEqual({});
  });
  it('refuses unknown flags, listing the valid ones', () => {
    expect(() => parseFlags('floatx=float32')).toThrow(`SYM_FLAGS: unknown flag "floatx" (did you mean floatX?); valid flags are ${FLAGS}`);
  });
  it('refuses bad values, listing the valid ones', () => {
    expect(() => parseFlags('floatX=bfloat16')).toThrow('SYM_FLAGS: floatX must be one of float16, float32, float64; got "bfloat16"');
    expect(parseFlags('floatX=float16')).toEqual({ floatX: 'float16' });
    expect(() => parseFlags('mode=FAST')).toThrow('SYM_FLAGS: mode must be one of FAST_RUN, FAST_COMPILE, DebugMode, NanGuardMode; got "FAST"');
    expect(() => parseFlags('device=GPU 0')).toThrow(/device must be a backend name such as cpu, webgpu, gpujs; got "GPU 0"/);
    expect(() => parseFlags('device')).toThrow('SYM_FLAGS: expected name=value, got "device"');
  });
});

describe('parseRc (.symrc)', () => {
  it('reads the [global] section and keys before any section, skipping comments', () => {
    const text = ['# sym settings', 'mode = FAST_COMPILE', '[global]', 'floatX = float32 ; for the GPU', 'device=cpu', '', '[other]', 'floatX = nonsense'].join('\n');
    expect(parseRc(text)).toEqual({ mode: 'FAST_COMPILE', floatX: 'float32', device: 'cpu' });
  });
  it('names the file in its errors', () => {
    expect(() => parseRc('[global]\nflaot = 1', '/home/u/.symrc')).toThrow(`/home/u/.symrc: unknown flag "flaot"; valid flags are ${FLAGS}`);
    expect(() => parseRc('[global]\nfloatX', '/home/u/.symrc')).toThrow('/home/u/.symrc: expected name = value, got "floatX"');
  });
  it('refuses [global] misspelt, whose flags were skipped without a word', () => {
    for (const section of ['gobal', 'Global', 'globals', 'GLOBAL']) {
      expect(() => parseRc(`[${section}]\nfloatX = float32`, '/home/u/.symrc')).toThrow(
        `/home/u/.symrc: section [${section}]: did you mean [global]? sym reads its flags from [global] (and keys before any section); other sections, such as Theano's [nvcc], are skipped`,
      );
    }
    // Theano's other sections are still skipped
    expect(parseRc('[nvcc]\nflags = -O3\n[blas]\nldflags =\n[lib]\ncnmem = 1\n[global]\nfloatX = float32')).toEqual({ floatX: 'float32' });
  });
});

describe('config', () => {
  const saved = { env: process.env.SYM_FLAGS, home: process.env.HOME };
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sym-config-'));
  });
  afterEach(() => {
    if (saved.env === undefined) delete process.env.SYM_FLAGS;
    else process.env.SYM_FLAGS = saved.env;
    process.env.HOME = saved.home;
    rmSync(dir, { recursive: true, force: true });
    config.reload();
  });

  it('defaults to floatX=float64, device=cpu, mode=FAST_RUN', () => {
    delete process.env.SYM_FLAGS;
    process.env.HOME = dir;
    config.reload();
    expect(config.toJSON()).toEqual({
      floatX: 'float64',
      device: 'cpu',
      mode: 'FAST_RUN',
      profile: false,
      optimizer_excluding: '',
      optimizer_including: '',
      optimizer_requiring: '',
      warn_float64: 'ignore',
      on_unused_input: 'raise',
    });
  });

  it('reads SYM_FLAGS over ~/.symrc', () => {
    writeFileSync(join(dir, '.symrc'), '[global]\nfloatX = float32\nmode = DebugMode\n');
    process.env.HOME = dir;
    process.env.SYM_FLAGS = 'mode=NanGuardMode';
    config.reload();
    expect(config.floatX).toBe('float32');
    expect(config.mode).toBe('NanGuardMode');
  });

  it('makes floatX the dtype of T.scalar() and friends', () => {
    process.env.SYM_FLAGS = 'floatX=float32';
    config.reload();
    expect(T.scalar('x').dtype).toBe('float32');
    expect(T.matrix('m').type.toString()).toBe('TensorType(float32, matrix)');
    expect(T.dscalar('d').dtype).toBe('float64');
  });

  it('refuses a bad SYM_FLAGS on reload, naming the variable', () => {
    process.env.SYM_FLAGS = 'floatX=half';
    expect(() => config.reload()).toThrow('SYM_FLAGS: floatX must be one of float16, float32, float64; got "half"');
  });

  it('accepts assignments at run time and refuses bad ones', () => {
    config.floatX = 'float32';
    expect(config.floatX).toBe('float32');
    config.mode = 'DebugMode';
    expect(config.mode).toBe('DebugMode');
    expect(() => {
      config.floatX = 'int32' as sym.FloatDType;
    }).toThrow('config.floatX: floatX must be one of float16, float32, float64; got "int32"');
    expect(() => {
      config.mode = 'Fast' as sym.Mode;
    }).toThrow(/config.mode: mode must be one of FAST_RUN, FAST_COMPILE, DebugMode, NanGuardMode/);
    expect(config.floatX).toBe('float32');
  });

  it('sets several flags at once from an object or a flags string', () => {
    config.set('floatX=float32,mode=FAST_COMPILE');
    expect(config.toJSON()).toMatchObject({ floatX: 'float32', mode: 'FAST_COMPILE' });
    config.set({ floatX: 'float64' });
    expect(config.floatX).toBe('float64');
    expect(() => config.set({ colour: 'red' } as unknown as Partial<sym.ConfigValues>)).toThrow(
      `config.set: unknown flag "colour"; valid flags are ${FLAGS}`,
    );
  });

  it('changes nothing when one flag of a set is bad', () => {
    config.set({ floatX: 'float64', mode: 'FAST_RUN' });
    expect(() => config.set({ floatX: 'float32', bogus: 1 } as unknown as Partial<sym.ConfigValues>)).toThrow('unknown flag "bogus"');
    expect(() => config.set({ mode: 'DebugMode', floatX: 'half' } as unknown as Partial<sym.ConfigValues>)).toThrow('floatX must be one of');
    expect(config.toJSON()).toMatchObject({ floatX: 'float64', mode: 'FAST_RUN' });
    expect(() => config.set(null as unknown as string)).toThrow('config.set: expected an object of flags or a string such as "device=cpu,floatX=float32", got null');
  });

  it('refuses a misspelt flag instead of adding a property nothing reads', () => {
    expect(() => {
      (config as unknown as Record<string, unknown>).floatx = 'float32';
    }).toThrow(`config: unknown flag "floatx" (did you mean floatX?); valid flags are ${FLAGS}`);
    expect('floatx' in config).toBe(false);
    expect(() => {
      (config as unknown as Record<string, unknown>).set = () => undefined;
    }).toThrow('config: unknown flag "set"');
    // names every object has are not flags either: __proto__ replaced config's prototype, losing set and reload
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(() => {
        (config as unknown as Record<string, unknown>)[name] = {};
      }).toThrow(`config: unknown flag "${name}"`);
    }
    expect(typeof config.reload).toBe('function');
    expect(config.floatX).toBe('float64');
    expect(config.toJSON()).toMatchObject({ floatX: 'float64', device: config.device, mode: config.mode, profile: config.profile });
  });

  it('names the missing backend when device names one that is not installed', async () => {
    config.device = 'nosuchdevice';
    const x = T.scalar('x');
    const f = sym.function([x], x.mul(2));
    await expect(f(1)).rejects.toThrow(/device=nosuchdevice: no backend named "nosuchdevice" is registered and the package @sym\/backend-nosuchdevice could not be loaded/);
    expect(() => f.sync(1)).toThrow(/device=nosuchdevice: no backend named "nosuchdevice" is registered/);
  });
});

describe("printing the configuration, and Theano's ProfileMode", () => {
  it('shows every flag and its value, as printing theano.config does', async () => {
    const { inspect } = await import('node:util');
    const text = String(config);
    expect(text.split('\n')).toEqual([
      `floatX = ${config.floatX}`,
      `device = ${config.device}`,
      `mode = ${config.mode}`,
      `profile = ${config.profile}`,
      'optimizer_excluding = ',
      'optimizer_including = ',
      'optimizer_requiring = ',
      `warn_float64 = ${config.warn_float64}`,
      `on_unused_input = ${config.on_unused_input}`,
    ]);
    expect(inspect(config)).toBe(`config:\n${text.replace(/^/gm, '  ')}`);
  });

  it("names the profile option for mode 'ProfileMode', in a function and in config", () => {
    const hint = "Theano's ProfileMode is sym's profile option: pass { profile: true } to function (or set config.profile = true) and read f.profile.summary()";
    const x = T.dvector('x');
    expect(() => sym.function([x], x, { mode: 'ProfileMode' as sym.Mode })).toThrow(`got "ProfileMode". ${hint}`);
    expect(() => (config.mode = 'ProfileMode' as sym.Mode)).toThrow(`config.mode: mode must be one of FAST_RUN, FAST_COMPILE, DebugMode, NanGuardMode; got "ProfileMode". ${hint}`);
    expect(config.mode).not.toBe('ProfileMode');
  });
});
