/** The page's pure parts and the static server, in Node. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceFromQuery, intFromQuery } from '../src/page/devices.js';
import { coolColour, dataBounds, gridPoints } from '../src/page/plot.js';
import { browserCases, browserIrCases } from '../src/page/subset.js';
import { conformanceCases } from '@sym/backend-testkit';
import type { DType } from '@sym/graph';
import { fileFor, serveStatic, type StaticServer } from '../src/server.js';

describe('query parameters', () => {
  it('picks the device, webgpu by default, and refuses others', () => {
    expect(deviceFromQuery('')).toBe('webgpu');
    expect(deviceFromQuery('?device=gpujs')).toBe('gpujs');
    expect(deviceFromQuery('?device=cpu&iterations=3')).toBe('cpu');
    expect(() => deviceFromQuery('?device=cuda')).toThrow('query parameter device: expected one of webgpu, gpujs, cpu; got "cuda"');
  });
  it('reads integer parameters', () => {
    expect(intFromQuery('', 'iterations', 1000)).toBe(1000);
    expect(intFromQuery('?iterations=20', 'iterations', 1000)).toBe(20);
    expect(() => intFromQuery('?iterations=2.5', 'iterations', 1000)).toThrow('query parameter iterations: expected an integer >= 1; got "2.5"');
    expect(() => intFromQuery('?iterations=', 'iterations', 1000)).toThrow('got ""');
  });
});

describe('plot geometry', () => {
  it('colours with matplotlib cool, clamped', () => {
    expect(coolColour(0)).toBe('rgb(0, 255, 255)');
    expect(coolColour(1)).toBe('rgb(255, 0, 255)');
    expect(coolColour(2)).toBe('rgb(255, 0, 255)');
    expect(coolColour(0.5, 0.35)).toBe('rgba(128, 128, 255, 0.35)');
  });
  it('pads the bounds of the points and lays a grid over them', () => {
    // points (0, 0), (10, 20) as columns of a (2, 2) matrix
    const b = dataBounds([0, 10, 0, 20], 2, 0.1);
    expect(b).toEqual({ x0: -1, x1: 11, y0: -2, y1: 22 });
    const g = gridPoints({ x0: 0, x1: 2, y0: 0, y1: 2 }, 2);
    // x of the four cells, then y (top row first)
    expect([...g]).toEqual([0.5, 1.5, 0.5, 1.5, 1.5, 1.5, 0.5, 0.5]);
    expect(() => dataBounds([1, 2, 3], 2)).toThrow('dataBounds: X must hold 2 rows of 2 points; it has 3 values');
  });
});

describe('the browser conformance cases', () => {
  it('are the whole suite for the small dtypes the backend holds, special values included', () => {
    const held: DType[] = ['float32', 'bool', 'int8', 'uint8', 'int16', 'uint16', 'int32'];
    const { cases, leftOut, flushed, signFolded } = browserCases(held);
    const groups = new Set(cases.map((c) => c.group));
    // the cases that check float32 subnormals themselves are not run on SwiftShader, which flushes them
    expect(flushed).toBeGreaterThanOrEqual(3);
    expect(cases.some((c) => /subnormal (inputs|results)/.test(c.name))).toBe(false);
    expect([...groups].sort()).toEqual(['cast', 'composite', 'dot', 'elemwise', 'ieee', 'indexing', 'nlinalg', 'promotion', 'random', 'reduce', 'scan', 'shape', 'softmax', 'sort', 'special']);
    expect(cases.filter((c) => c.group === 'elemwise' && c.op === 'exp').length).toBeGreaterThan(3);
    expect(cases.some((c) => c.group === 'cast' && c.name.includes('int16'))).toBe(true);
    expect(cases.some((c) => c.name.includes('int32'))).toBe(false);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
    expect(signFolded).toBe(0);
    expect(cases.length + leftOut + flushed).toBe(conformanceCases(held).cases.length);
    // gpu.js's shaders drop the sign of a zero product or quotient: the ieee tables of those are left out there
    const gpujs = browserCases(held, false, false);
    expect(gpujs.signFolded).toBe(3);
    expect(gpujs.cases.some((c) => /^ieee: signed zeros of round/.test(c.name))).toBe(true);
    expect(gpujs.cases.length + gpujs.signFolded).toBe(cases.length);
    expect(() => browserCases(['int32'])).toThrow('conformance subset: the backend must hold float32; it holds int32');
  });

  it('are the whole suite where the backend holds wide integers exactly (WebGPU)', () => {
    const held: DType[] = ['float32', 'bool', 'int8', 'int32', 'int64', 'uint32'];
    const { cases, leftOut, flushed } = browserCases(held, true);
    expect(cases.some((c) => c.name.includes('int64 past 32 bits'))).toBe(true);
    // int32-with-float32 comparisons compute in float64: unfit for a backend without it, so none run
    expect(leftOut).toBe(0);
    const mixed = /\bint32 \([\d, ]*\) with float32 \([\d, ]*\) -> float64$/;
    expect(conformanceCases(held).unfit.some((c) => mixed.test(c.name))).toBe(true);
    expect(cases.some((c) => mixed.test(c.name))).toBe(false);
    expect(cases.length + leftOut + flushed).toBe(conformanceCases(held).cases.length);
  });

  it('take the ir group\'s kernels whose dtypes are covered, and none needing wide integers without them', () => {
    const narrow = browserIrCases(['float32', 'bool', 'int8', 'int32'], false).map((c) => c.name);
    expect(narrow).toContain('float32 sums round at every step: floor(x + 0.5) of the largest float32 below 0.5 is 1');
    // int32 is left to the Node run on a backend without wide integers, as in the graph cases
    expect(narrow.some((n) => n.includes('int32'))).toBe(false);
    const wide = browserIrCases(['float32', 'bool', 'int32', 'uint32'], true).map((c) => c.name);
    expect(wide).toContain('an int32 product wraps at every step (integers past 2^24)');
    expect(wide.some((n) => n.includes('float64'))).toBe(false);
    expect(wide.length).toBe(45); // 38, and the seven negative-stride cases of c598eb0
  });
});

describe('static server', () => {
  let dir: string;
  let server: StaticServer;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sym-web-server-'));
    await writeFile(join(dir, 'index.html'), '<p>hi</p>');
    await writeFile(join(dir, 'a.js'), 'export const s = "é";');
    server = await serveStatic(dir);
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 and serves scripts as UTF-8', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const js = await fetch(`${server.url}a.js?x=1`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toBe('export const s = "é";');
    const index = await fetch(server.url);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await index.text()).toBe('<p>hi</p>');
  });
  it('answers 404, 403 and 405', async () => {
    expect((await fetch(`${server.url}missing.js`)).status).toBe(404);
    expect((await fetch(`${server.url}..%2F..%2Fetc%2Fpasswd`)).status).toBe(403);
    expect((await fetch(server.url, { method: 'POST', body: 'x' })).status).toBe(405);
  });
  it('never maps a path outside the root', () => {
    expect(fileFor('/srv/www', '/a/../b.js')).toBe('/srv/www/b.js');
    expect(fileFor('/srv/www', '/../secret')).toBeUndefined();
    expect(fileFor('/srv/www', '/%2e%2e/www2/x')).toBeUndefined();
    expect(fileFor('/srv/www', '/%E0%A4%A')).toBeUndefined();
    expect(fileFor('/srv/www', '/')).toBe('/srv/www/index.html');
  });
  it('refuses a folder that does not exist', async () => {
    await expect(serveStatic(join(dir, 'nope'))).rejects.toThrow('serveStatic: dir must be an existing folder');
  });
});
