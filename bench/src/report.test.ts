import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countsTable, failures, ratio, resultsTable, writeSection, type Row } from './report.js';
import { installWebGpuCounter } from './webgpu-counter.js';
import type { Suite } from './suite.js';
import type { Workload } from './workloads.js';

const ms: Workload = { id: 'W1', title: () => 'step', unit: 'ms', impls: [] };
const gflops: Workload = { id: 'W3-AB', title: (q) => (q ? 'small' : 'big'), unit: 'GFLOP/s', impls: [] };
const suite: Suite = {
  device: 'gpujs',
  subject: 'sym-gpujs',
  comparisons: [
    { label: 'vs hand', peers: ['hand'] },
    { label: 'vs cpu', peers: ['sym-cpu'] },
  ],
  timing: { minRuns: 1, minMs: 0 },
  setup: async () => '',
  workloads: [],
  notes: () => [],
};

describe('ratio', () => {
  it('is peer time over subject time for times, subject rate over peer rate for GFLOP/s, against the best peer', () => {
    const t: Row = { workload: ms, results: [{ lib: 'sym-gpujs', value: 2 }, { lib: 'hand', value: 3 }, { lib: 'other', value: 1 }] };
    expect(ratio(t, 'sym-gpujs', { label: '', peers: ['hand', 'other'] })).toBe('0.50');
    const g: Row = { workload: gflops, results: [{ lib: 'sym-gpujs', value: 6 }, { lib: 'hand', value: 4 }, { lib: 'other', value: 2 }] };
    expect(ratio(g, 'sym-gpujs', { label: '', peers: ['hand', 'other'] })).toBe('1.50');
  });

  it('is n/a when the subject or every peer failed', () => {
    const r: Row = { workload: ms, results: [{ lib: 'sym-gpujs', value: null, note: 'boom' }, { lib: 'hand', value: 3 }] };
    expect(ratio(r, 'sym-gpujs', { label: '', peers: ['hand'] })).toBe('n/a');
    expect(ratio(r, 'hand', { label: '', peers: ['sym-gpujs'] })).toBe('n/a');
    expect(failures([r])).toEqual(['W1 sym-gpujs: boom']);
  });
});

describe('tables', () => {
  it('put the subject first, then the compared libraries, one ratio column per comparison', () => {
    const rows: Row[] = [{ workload: gflops, results: [{ lib: 'sym-cpu', value: 10 }, { lib: 'hand', value: 0.2 }, { lib: 'sym-gpujs', value: 0.25 }] }];
    const lines = resultsTable(rows, suite, true).split('\n');
    expect(lines[0]).toBe('| workload | unit | sym-gpujs | hand | sym-cpu | vs hand | vs cpu |');
    expect(lines[2]).toBe('| W3-AB: small | GFLOP/s | 0.250 | 0.200 | 10.0 | 1.25 | 0.03 |');
  });

  it('list counted device work, and nothing when nothing was counted', () => {
    const counts = { dispatches: 20, submits: 2, uploads: 0, readbacks: 1 };
    expect(countsTable([{ workload: ms, results: [{ lib: 'sym-webgpu', value: 1, counts }] }])).toContain('| W1 | sym-webgpu | 20 | 2 | 0 | 1 |');
    expect(countsTable([{ workload: ms, results: [{ lib: 'sym-cpu', value: 1 }] }])).toBeUndefined();
  });
});

describe('writeSection', () => {
  it("replaces only its device's section and keeps the devices in a fixed order", () => {
    const path = join(mkdtempSync(join(tmpdir(), 'bench-')), 'benchmarks.md');
    writeSection(path, 'gpujs', 'gpujs one');
    writeSection(path, 'cpu', 'cpu one');
    writeSection(path, 'gpujs', 'gpujs two');
    const doc = readFileSync(path, 'utf8');
    expect(doc).toContain('## CPU\n\ncpu one\n');
    expect(doc).toContain('## gpu.js\n\ngpujs two\n');
    expect(doc).not.toContain('gpujs one');
    expect(doc.indexOf('## CPU')).toBeLessThan(doc.indexOf('## gpu.js'));
    // a hand-edited header is regenerated, sections survive
    writeFileSync(path, doc.replace('# Benchmarks', '# Old title'));
    writeSection(path, 'webgpu', 'webgpu one');
    const again = readFileSync(path, 'utf8');
    expect(again.startsWith('# Benchmarks')).toBe(true);
    const at = ['## CPU', '## WebGPU', '## gpu.js'].map((h) => again.indexOf(h));
    expect(at.every((i) => i > 0)).toBe(true);
    expect(at).toEqual([...at].sort((a, b) => a - b));
  });

  it('keeps sections written by hand, after the generated ones', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'bench-')), 'benchmarks.md');
    writeSection(path, 'cpu', 'cpu one');
    const hand = '<!-- section:gpujs-backend -->\n## gpu.js backend\n\nby hand\n<!-- /section:gpujs-backend -->\n';
    writeFileSync(path, `${readFileSync(path, 'utf8')}\n${hand}`);
    writeSection(path, 'gpujs', 'gpujs one');
    const doc = readFileSync(path, 'utf8');
    expect(doc).toContain(hand);
    expect(doc.indexOf('## gpu.js\n')).toBeLessThan(doc.indexOf('## gpu.js backend'));
    expect(doc.split('by hand')).toHaveLength(2);
  });
});

describe('installWebGpuCounter', () => {
  it('counts dispatches, submits, uploads and read mappings through the classes it wraps, and still calls them', () => {
    const calls: string[] = [];
    class GPUComputePassEncoder {
      dispatchWorkgroups(x: number) {
        calls.push(`dispatch ${x}`);
      }
      dispatchWorkgroupsIndirect() {
        calls.push('indirect');
      }
    }
    class GPUQueue {
      submit() {
        calls.push('submit');
      }
      writeBuffer() {
        calls.push('write');
      }
    }
    class GPUBuffer {
      mapAsync(mode: number) {
        calls.push(`map ${mode}`);
        return Promise.resolve();
      }
    }
    const counter = installWebGpuCounter({ GPUComputePassEncoder, GPUQueue, GPUBuffer });
    const pass = new GPUComputePassEncoder();
    pass.dispatchWorkgroups(4);
    pass.dispatchWorkgroupsIndirect();
    new GPUQueue().submit();
    new GPUQueue().writeBuffer();
    void new GPUBuffer().mapAsync(1); // READ
    void new GPUBuffer().mapAsync(2); // WRITE: not a readback
    expect(counter.read()).toEqual({ dispatches: 2, submits: 1, uploads: 1, readbacks: 1 });
    expect(calls).toEqual(['dispatch 4', 'indirect', 'submit', 'write', 'map 1', 'map 2']);
    counter.reset();
    expect(counter.read()).toEqual({ dispatches: 0, submits: 0, uploads: 0, readbacks: 0 });
  });

  it('refuses a webgpu package without a method it must count', () => {
    expect(() => installWebGpuCounter({ GPUComputePassEncoder: class {}, GPUQueue: class {}, GPUBuffer: class {} })).toThrow(/GPUComputePassEncoder\.prototype\.dispatchWorkgroups/);
  });
});
