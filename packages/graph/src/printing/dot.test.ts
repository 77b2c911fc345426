/**
 * sym.pydotprint: DOT text checked by a small parser below (no Graphviz on
 * CI), the tutorial's logistic regression compared as text before and
 * after compiling, hostile names that must not break or inject into the
 * DOT, the options, inner graphs, updates and the errors.
 */
import { describe, expect, it } from 'vitest';
import { T, sym } from '../../test/helpers.js';

type Attrs = Record<string, string>;
interface ParsedDot {
  nodes: Map<string, Attrs>;
  edges: { from: string; to: string; attrs: Attrs }[];
  subgraphs: string[];
  /** Every quoted string's text as Graphviz renders it. */
  strings: string[];
}

/**
 * The DOT subset pydotprint writes. Throws on an unbalanced brace, an
 * unclosed string, a raw newline in a string, a backslash escape other
 * than the three pydotprint writes (`\\`, `\"`, `\n`: any other, such as
 * `\l` or `\N`, would come from a name), an unquoted label, an edge to an
 * undeclared node, or text after the graph.
 */
function parseDot(text: string): ParsedDot {
  type Tok = { kind: 'id' | 'str' | 'punct'; value: string };
  const toks: Tok[] = [];
  const strings: string[] = [];
  for (let i = 0; i < text.length; ) {
    const c = text[i]!;
    if (/\s/.test(c)) i++;
    else if (text.startsWith('//', i)) i = text.indexOf('\n', i) < 0 ? text.length : text.indexOf('\n', i);
    else if (text.startsWith('->', i)) (toks.push({ kind: 'punct', value: '->' }), (i += 2));
    else if ('{}[]=;,'.includes(c)) (toks.push({ kind: 'punct', value: c }), i++);
    else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))![0];
      toks.push({ kind: 'id', value: m });
      i += m.length;
    } else if (c === '"') {
      let value = '';
      for (i++; ; i++) {
        const d = text[i];
        if (d === undefined) throw new Error('a string is never closed');
        if (d === '\n') throw new Error('a raw newline inside a string');
        if (d === '"') break;
        if (d !== '\\') value += d;
        else {
          const e = text[++i];
          if (e === '\\' || e === '"') value += e;
          else if (e === 'n') value += '\n';
          else throw new Error(`escape \\${e} in a string`);
        }
      }
      i++;
      toks.push({ kind: 'str', value });
      strings.push(value);
    } else throw new Error(`unexpected ${JSON.stringify(c)} at ${i}`);
  }
  let p = 0;
  const peek = (): Tok | undefined => toks[p];
  const take = (value?: string): Tok => {
    const t = toks[p++];
    if (!t || (value !== undefined && t.value !== value)) throw new Error(`expected ${value ?? 'a token'}, got ${t?.value}`);
    return t;
  };
  const attrs = (): Attrs => {
    const out: Attrs = {};
    if (peek()?.value !== '[') return out;
    take('[');
    while (peek()?.value !== ']') {
      const k = take();
      if (k.kind !== 'id') throw new Error(`attribute name ${k.value}`);
      take('=');
      const v = take();
      if (v.kind === 'punct' || (k.value === 'label' && v.kind !== 'str')) throw new Error(`bad value of ${k.value}`);
      out[k.value] = v.value;
      if (peek()?.value === ',') take(',');
    }
    take(']');
    return out;
  };
  const parsed: ParsedDot = { nodes: new Map(), edges: [], subgraphs: [], strings };
  const statements = (): void => {
    take('{');
    while (peek()?.value !== '}') {
      const t = take();
      if (t.kind !== 'id') throw new Error(`a statement starts with ${t.value}`);
      if (['graph', 'node', 'edge'].includes(t.value)) attrs();
      else if (t.value === 'subgraph') {
        parsed.subgraphs.push(take().value);
        statements();
      } else if (peek()?.value === '=') (take('='), take());
      else if (peek()?.value === '->') {
        take('->');
        const to = take();
        if (to.kind !== 'id') throw new Error('an edge to a non-id');
        parsed.edges.push({ from: t.value, to: to.value, attrs: attrs() });
      } else {
        if (parsed.nodes.has(t.value)) throw new Error(`node ${t.value} declared twice`);
        parsed.nodes.set(t.value, attrs());
      }
      if (peek()?.value === ';') take(';');
    }
    take('}');
  };
  take('digraph');
  take('G');
  statements();
  if (p !== toks.length) throw new Error('text after the graph');
  for (const e of parsed.edges) for (const end of [e.from, e.to]) if (!parsed.nodes.has(end)) throw new Error(`edge endpoint ${end} is not declared`);
  return parsed;
}

const labels = (d: ParsedDot): string[] => [...d.nodes.values()].map((a) => a.label!);

/** The tutorial's logistic regression (printing_drawing): prediction = 1 / (1 + exp(-dot(x, w) - b)) > 0.5. */
function logisticRegression() {
  const x = T.matrix('x');
  const w = sym.shared(sym.NDArray.zeros([4], 'float64'), { name: 'w' });
  const b = sym.shared(0, { name: 'b', dtype: 'float64' });
  const p1 = T.div(1, T.exp(T.dot(x, w).neg().sub(b)).add(1));
  return { x, w, b, p1, prediction: p1.gt(0.5) };
}

const HEADER = ['digraph G {', '  graph [rankdir="TB", compound="true"];', '  node [fontsize="11"];', '  edge [fontsize="9"];'];
const ellipse = (id: string, label: string, fill?: string) => `  ${id} [label="${label}", shape="ellipse"${fill ? `, style="filled", fillcolor="${fill}"` : ''}];`;
const box = (id: string, label: string, fill: string) => `  ${id} [label="${label}", shape="box", style="filled", fillcolor="${fill}"];`;
const [INPUT, SHARED, CONST, OUTPUT, ELEMWISE, DOT] = ['#7bd389', '#c7f0bd', '#dee2e6', '#8ecae6', '#ffb3c6', '#ff9f43'];

describe('pydotprint of the tutorial logistic regression', () => {
  it('draws the graph as built: every variable, edges numbered by input position, a legend', () => {
    const text = sym.pydotprint(logisticRegression().prediction);
    const vec = 'TensorType(float64, vector)';
    const expected = [
      ...HEADER,
      ellipse('v0', 'x', INPUT),
      ellipse('v1', 'w', SHARED),
      box('n0', 'dot', DOT),
      '  v0 -> n0 [label="0"];',
      '  v1 -> n0 [label="1"];',
      ellipse('v2', vec),
      '  n0 -> v2;',
      box('n1', 'Elemwise{neg,no_inplace}', ELEMWISE),
      '  v2 -> n1;',
      ellipse('v3', vec),
      '  n1 -> v3;',
      ellipse('v4', 'b', SHARED),
      box('n2', 'Elemwise{sub,no_inplace}', ELEMWISE),
      '  v3 -> n2 [label="0"];',
      '  v4 -> n2 [label="1"];',
      ellipse('v5', vec),
      '  n2 -> v5;',
      box('n3', 'Elemwise{exp,no_inplace}', ELEMWISE),
      '  v5 -> n3;',
      ellipse('v6', vec),
      '  n3 -> v6;',
      ellipse('v7', 'TensorConstant{1}', CONST),
      box('n4', 'Elemwise{add,no_inplace}', ELEMWISE),
      '  v6 -> n4 [label="0"];',
      '  v7 -> n4 [label="1"];',
      ellipse('v8', vec),
      '  n4 -> v8;',
      ellipse('v9', 'TensorConstant{1}', CONST),
      box('n5', 'Elemwise{true_div,no_inplace}', ELEMWISE),
      '  v9 -> n5 [label="0"];',
      '  v8 -> n5 [label="1"];',
      ellipse('v10', vec),
      '  n5 -> v10;',
      ellipse('v11', 'TensorConstant{0.5}', CONST),
      box('n6', 'Elemwise{gt,no_inplace}', ELEMWISE),
      '  v10 -> n6 [label="0"];',
      '  v11 -> n6 [label="1"];',
      ellipse('v12', 'TensorType(bool, vector)', OUTPUT),
      '  n6 -> v12;',
      '  subgraph cluster_legend {',
      '    label="legend";',
      '    style="dashed";',
    ];
    expect(text.split('\n').slice(0, expected.length)).toEqual(expected);
    const parsed = parseDot(text);
    expect(parsed.subgraphs).toEqual(['cluster_legend']);
    // the legend lists the kinds the picture has, in a fixed order
    expect([...parsed.nodes.keys()].filter((id) => id.startsWith('legend_'))).toEqual(['legend_elemwise', 'legend_dot', 'legend_input', 'legend_shared', 'legend_constant', 'legend_output']);
    expect(parsed.nodes.get('legend_shared')!.label).toBe('shared variable');
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('draws the compiled function after rewriting, compact: only named variables, inputs, constants and outputs', () => {
    const { x, prediction } = logisticRegression();
    const predict = sym.function([x], prediction, { name: 'predict' });
    const text = sym.pydotprint(predict, { compact: true, legend: false });
    expect(predict.debugprint()).toMatch(/sigmoid/); // the rewritten graph, as debugprint shows it
    expect(text).toBe(
      [
        ...HEADER,
        '  graph [label="predict", labelloc="t"];',
        ellipse('v0', 'x', INPUT),
        ellipse('v1', 'w', SHARED),
        box('n0', 'dot', DOT),
        '  v0 -> n0 [label="0"];',
        '  v1 -> n0 [label="1"];',
        box('n1', 'Elemwise{neg,no_inplace}', ELEMWISE),
        '  n0 -> n1;',
        ellipse('v2', 'b', SHARED),
        box('n2', 'Elemwise{sub,no_inplace}', ELEMWISE),
        '  n1 -> n2 [label="0"];',
        '  v2 -> n2 [label="1"];',
        box('n3', 'Elemwise{neg,no_inplace}', ELEMWISE),
        '  n2 -> n3;',
        box('n4', 'Elemwise{sigmoid,no_inplace}', ELEMWISE),
        '  n3 -> n4;',
        ellipse('v3', 'TensorConstant{0.5}', CONST),
        box('n5', 'Elemwise{gt,no_inplace}', ELEMWISE),
        '  n4 -> n5 [label="0"];',
        '  v3 -> n5 [label="1"];',
        ellipse('v4', 'TensorType(bool, vector)', OUTPUT),
        '  n5 -> v4;',
        '}',
        '',
      ].join('\n'),
    );
    // the same text from the CompiledFunction object, and from a second build of the same graph
    expect(sym.pydotprint(predict.compiled, { compact: true, legend: false })).toBe(text);
    const again = logisticRegression();
    expect(sym.pydotprint(sym.function([again.x], again.prediction, { name: 'predict' }), { compact: true, legend: false })).toBe(text);
  });
});

describe('pydotprint escapes user text', () => {
  const HOSTILE = [
    'say "hi"',
    'back\\slash\\',
    'two\nlines\r\nthree',
    '} digraph evil { a -> b; node [label="x"]',
    '<b>html</b> & <i>',
    '{rec|ord} <port>',
    '\\l\\N\\G left',
    'ctl\x01\x7f',
    'tab\there',
    'ends in \\',
    '"',
  ];

  it('keeps every name a quoted label that renders as the name, and adds no node or edge', () => {
    const vars = HOSTILE.map((n) => T.vector(n));
    let out = vars[0]!;
    for (const v of vars.slice(1)) out = out.add(v);
    out.name = 'out "}\n';
    const text = sym.pydotprint(out, { compact: true, legend: false, maxLabelLength: 1000 });
    const parsed = parseDot(text);
    const rendered = (n: string) => n.replace(/\r\n|\r/g, '\n').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
    expect(labels(parsed).filter((l) => !l.startsWith('Elemwise'))).toEqual([...HOSTILE.map(rendered), 'out "}\n']);
    expect(parsed.nodes.size).toBe(HOSTILE.length * 2); // the inputs, the adds, the named output
    expect(parsed.edges.length).toBe(2 * (HOSTILE.length - 1) + 1);
    expect(text.split('\n').filter((l) => l.startsWith('digraph')).length).toBe(1);
  });

  it('escapes a compiled function name, op names with braces, and cuts long labels before escaping', () => {
    const x = T.vector('x');
    const f = sym.function([x], x.mul(2), { name: 'f"}\\' });
    const parsed = parseDot(sym.pydotprint(f));
    expect(parsed.strings).toContain('f"}\\');
    expect(labels(parsed)).toContain('Elemwise{mul,no_inplace}');
    const y = T.vector('\\\\\\\\\\\\\\\\"""""');
    const cut = parseDot(sym.pydotprint(y.neg(), { maxLabelLength: 10 }));
    expect(labels(cut)).toContain('\\\\\\\\\\\\\\...');
    expect(labels(cut)).toContain('Elemwis...'); // 7 characters and the dots: 10
  });
});

describe('pydotprint options', () => {
  it('shows dtypes and static shapes, ? for lengths known at run time', () => {
    const m = T.matrix('m');
    const c = sym.constant(sym.array([[1, 2, 3]]));
    const parsed = parseDot(sym.pydotprint(T.dot(c, m.T), { showTypes: true }));
    expect(labels(parsed)).toEqual(expect.arrayContaining(['m\nfloat64 (?, ?)', 'TensorConstant{[[1 2 3]]}\nint64 (1, 3)']));
  });

  it('lays out left to right with rankdir LR, and leaves out the legend with legend: false', () => {
    const x = T.vector('x');
    const text = sym.pydotprint(x.exp(), { rankdir: 'LR', legend: false });
    expect(text).toContain('graph [rankdir="LR", compound="true"];');
    expect(parseDot(text).subgraphs).toEqual([]);
  });

  it('compact: an edge from a hidden multi-output node says which output, and a named intermediate stays', () => {
    const a = T.dvector('a');
    const x = T.dvector('x');
    const [p, q] = sym.opFromGraph([x], [x.neg(), x.exp()], { name: 'pair' })(a) as sym.TensorVariable[];
    const h = q!.mul(3);
    h.name = 'h';
    const parsed = parseDot(sym.pydotprint(p!.add(h), { compact: true, legend: false }));
    expect(labels(parsed)).toEqual(['a', 'OpFromGraph{pair}', 'TensorConstant{3}', 'Elemwise{mul,no_inplace}', 'h', 'Elemwise{add,no_inplace}', 'TensorType(float64, vector)']);
    const label = (from: string, to: string) => parsed.edges.find((e) => parsed.nodes.get(e.from)!.label === from && parsed.nodes.get(e.to)!.label === to)?.attrs.label;
    expect(label('OpFromGraph{pair}', 'Elemwise{mul,no_inplace}')).toBe('out 1 → 0');
    expect(label('OpFromGraph{pair}', 'Elemwise{add,no_inplace}')).toBe('out 0 → 0');
    expect(label('h', 'Elemwise{add,no_inplace}')).toBe('1');
  });

  it('refuses unknown options, bad values and arguments that are not graphs, saying what was expected', () => {
    const x = T.vector('x');
    expect(() => sym.pydotprint(x, { var_with_name_simple: true } as never)).toThrow(/pydotprint: unknown option "var_with_name_simple".*compact/);
    expect(() => sym.pydotprint(x, { maxLabelLength: 3 })).toThrow('pydotprint: maxLabelLength must be an integer of at least 4');
    expect(() => sym.pydotprint(x, { rankdir: 'TD' as never })).toThrow('pydotprint: rankdir must be one of TB, LR, BT, RL; got "TD"');
    expect(() => sym.pydotprint([x, 3] as never)).toThrow('pydotprint: graph[1] must be a symbolic variable, a list of them or a compiled function, got number');
  });
});

describe('pydotprint of functions with updates and loops', () => {
  it('draws an update as a dashed edge from its expression to the shared variable', () => {
    const { x, w, p1 } = logisticRegression();
    const train = sym.function([x], p1.sum(), { updates: [[w, w.sub(T.dot(x.T, p1).mul(0.1))]] });
    const parsed = parseDot(sym.pydotprint(train, { compact: true }));
    const update = parsed.edges.filter((e) => e.attrs.label === 'update');
    expect(update.length).toBe(1);
    expect(parsed.nodes.get(update[0]!.to)!.label).toBe('w');
    expect(update[0]!.attrs.style).toBe('dashed');
  });

  it("labels an unnamed input with the name sym.In gave it", () => {
    const v = T.dvector();
    const parsed = parseDot(sym.pydotprint(sym.function([sym.In(v, { name: 'xs' })], v.exp()), { legend: false }));
    expect(labels(parsed)[0]).toBe('xs');
  });

  it('draws a scan as one node, and its step as a cluster with innerGraphs', () => {
    const k = T.iscalar('k');
    const A = T.vector('A');
    const [result] = sym.scan((prior: sym.TensorVariable, B: sym.TensorVariable) => prior.mul(B), { outputsInfo: T.onesLike(A), nonSequences: A, nSteps: k });
    const out = result!.get(-1);
    const flat = parseDot(sym.pydotprint(out));
    expect(flat.subgraphs).toEqual(['cluster_legend']);
    expect(labels(flat).filter((l) => l.startsWith('Scan')).length).toBe(1);
    const text = sym.pydotprint(out, { innerGraphs: true, legend: false });
    const parsed = parseDot(text);
    const scanId = [...parsed.nodes].find(([, a]) => a.label!.startsWith('Scan'))![0];
    expect(parsed.subgraphs).toEqual([`cluster_${scanId}`]);
    const inner = [...parsed.nodes].filter(([id]) => id.startsWith(`${scanId}_`)).map(([, a]) => a.label);
    expect(inner).toEqual(expect.arrayContaining(['state 0', 'Elemwise{mul,no_inplace}']));
    // the dashed edge from the scan's box to its cluster
    expect(parsed.edges.some((e) => e.from === scanId && e.attrs.lhead === `cluster_${scanId}`)).toBe(true);
    expect(sym.pydotprint(out, { innerGraphs: true, legend: false })).toBe(text);
  });
});
