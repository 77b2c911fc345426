import { describe, expect, it } from 'vitest';
import { nesting } from './nesting.js';

describe('nesting', () => {
  it('counts the deepest bracket level, calls, parentheses and indexing alike', () => {
    expect(nesting('x + 1')).toBe(0);
    expect(nesting('f(a[i], (b + c))')).toBe(2);
    expect(nesting('f(g(h(x[i])))')).toBe(4);
    // levels closed before a deeper run do not add up
    expect(nesting('(a) + ((b)) + (c)')).toBe(2);
  });
});
