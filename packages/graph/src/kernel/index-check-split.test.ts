/** Flag kernels moved ahead of the first update written in place, so that a call reads its flags before any shared variable changes. */
import { describe, expect, it } from 'vitest';
import type { Program } from './schedule.js';
import { flagsBeforeInPlace } from './index-check-split.js';

// steps as [output, inputs]: buffer 0 is a shared variable's (an input), written in place; buffer 3 the flag
const program = (steps: [number, number[]][]): Program =>
  ({
    inputBuffers: [0, 2],
    steps: steps.map(([output, inputs]) => ({ kernel: { kind: 'elementwise' }, inputs, output, label: `${output}` })),
    outputs: [{ buffer: 0, shape: [] }, { buffer: 3, shape: [] }],
    indexFlags: [{ output: 1 }],
  }) as unknown as Program;
const order = (p: Program | undefined) => p && { steps: p.steps.map((s) => s.output), readAfter: p.flagsReadAfter };

describe('flags read before the first update written in place', () => {
  it('a flag kernel after the in-place write moves ahead of it; the call reads the flags after it', () => {
    // 1 = index computed from input 2; 0 written in place from 0 and 1; the flag 3 from 1
    expect(order(flagsBeforeInPlace(program([[1, [2]], [0, [0, 1]], [3, [1]]])))).toEqual({ steps: [1, 3, 0], readAfter: 2 });
    expect(order(flagsBeforeInPlace(program([[1, [2]], [3, [1]], [0, [0, 1]]])))).toEqual({ steps: [1, 3, 0], readAfter: 2 });
  });

  it('none where a kernel it would pass writes its input (a reused buffer), or none writes in place', () => {
    expect(flagsBeforeInPlace(program([[1, [2]], [0, [0, 1]], [1, [2]], [3, [1]]]))).toBeUndefined();
    const noneInPlace = program([[1, [2]], [4, [0, 1]], [3, [1]]]);
    expect(flagsBeforeInPlace(noneInPlace)).toBe(noneInPlace);
  });
});
