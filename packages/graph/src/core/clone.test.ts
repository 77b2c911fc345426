/**
 * cloneReplace substitutes every replacement at once (givens: a -> b and
 * b -> c gives b where a was); with `within`, the replacements are
 * variables of the graph itself, read as their copies: merge's duplicates
 * then read their twins' copies, and the copy keeps none of the old nodes.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

describe('cloneReplace', () => {
  const x = T.dvector('x');
  const [one, alsoOne] = [T.constant(1), T.constant(1)];
  // twin reads the constant that merge keeps, dup the other; dup is to become twin
  const twin = x.add(alsoOne);
  const dup = x.add(one);
  const out = twin.mul(2).add(dup.mul(3));

  it('reads a replacement as given: the twin itself, though its node is copied', () => {
    const [copy] = sym.cloneReplace([out], new Map([[alsoOne, one], [dup, twin]]));
    const nodes = sym.toposort([copy!]);
    // the old twin (reading alsoOne) stays for dup's reader, beside its copy
    expect(nodes.filter((n) => n.inputs.includes(alsoOne))).toHaveLength(1);
    expect(nodes.filter((n) => n.op.toString().startsWith('Elemwise{add') && n.inputs[0] === x)).toHaveLength(2);
  });

  it('with within, reads a replacement whose node is copied as its copy: no old node left', () => {
    const [copy] = sym.cloneReplace([out], new Map([[alsoOne, one], [dup, twin]]), { within: true });
    const nodes = sym.toposort([copy!]);
    expect(nodes.filter((n) => n.inputs.includes(alsoOne))).toHaveLength(0);
    const adds = nodes.filter((n) => n.op.toString().startsWith('Elemwise{add') && n.inputs[0] === x);
    expect(adds).toHaveLength(1);
    expect(adds[0]!.inputs[1]).toBe(one);
    expect(nodes).toHaveLength(4);
  });

  it('with within, stops on a cycle of replacements instead of looping', () => {
    const [a, b] = [T.dvector('a'), T.dvector('b')];
    const [copy] = sym.cloneReplace([a.add(b)], new Map([[a, b], [b, a]]), { within: true });
    expect(copy!.owner!.inputs.every((v) => v === a || v === b)).toBe(true);
  });
});
