// Reading the documentation's ```ts blocks and the outputs their comments promise.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/** One ```ts block of a Markdown file. */
export interface Block {
  /** The Markdown file, relative to the repository root (`docs/guide.md`). */
  readonly file: string;
  /** The 1-based line of the block's first code line in that file. */
  readonly line: number;
  /** The code, with the fence's indentation removed. */
  readonly code: string;
}

/** The Markdown files whose ```ts blocks are checked, relative to the repository root. */
export function documentedFiles(root: string): string[] {
  const packages = readdirSync(join(root, 'packages'))
    .sort()
    .map((name) => `packages/${name}/README.md`)
    .filter((file) => existsSync(join(root, file)));
  return ['README.md', 'docs/guide.md', ...packages];
}

/** Every ```ts block of `text` (fences may be indented, as in a list item). */
export function extractBlocks(file: string, text: string): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```ts\s*$/.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]!); j++) body.push(lines[j]!.slice(Math.min(indent, lines[j]!.length - lines[j]!.trimStart().length)));
    if (j === lines.length) throw new Error(`${file}:${i + 1}: a \`\`\`ts block that is never closed`);
    blocks.push({ file, line: i + 2, code: body.join('\n') });
    i = j;
  }
  return blocks;
}

/**
 * What a comment promises.
 * - `value`: the await's result, printed as Python prints it (str of an array, a list of reprs);
 * - `log`: the exact text a console.log prints;
 * - `error`: `Name: message` of the error the await rejects with.
 */
export type Expectation = {
  kind: 'value' | 'log' | 'error';
  /** The recorder's key of the check: the Markdown line of an instrumented line; a negative number for a table's claim. */
  key: number;
  /** The Markdown line that states the expectation. */
  line: number;
  text: string;
};

/** A block made runnable: its code with checked lines routed through `__docs`, and what they promise. */
export interface Instrumented {
  readonly code: string;
  readonly expectations: Expectation[];
}

/**
 * The value that starts a comment, or undefined when the comment is prose
 * (`// returns w's value from before the update`): a bracketed array or list
 * (`[ 2.  8. 18.]`, `[array(14.), array([2., 4., 6.])]`, `array(91.)`) or a
 * number; what follows (`: w2 was replaced by y * 2`) is prose.
 */
export function leadingValue(comment: string): string | undefined {
  const s = comment.trim();
  const open = /^(array\(|\[|\()/.exec(s);
  if (open) {
    let depth = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s[i]!;
      if (c === '[' || c === '(') depth++;
      else if (c === ']' || c === ')') {
        depth--;
        if (depth === 0) return s.slice(0, i + 1);
      }
    }
    throw new Error(`an output comment whose brackets are not balanced: ${JSON.stringify(comment)}`);
  }
  const number = /^(-?(?:\d+(?:\.\d*)?(?:e[+-]?\d+)?|inf)|nan|True|False)(?=$|[\s,;:])/.exec(s);
  return number?.[1];
}

/** How comparisons see a printed value: line breaks (NumPy's, or the comment's) and the spaces around them are one space. */
export function normalize(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

const ERROR = /^[A-Z]\w*(Error|Exception|Output): /;

/**
 * Route the block's checked lines through `__docs` and collect what their comments promise:
 * `await expr; // value`, `const v = await expr; // value`, `console.log(...); // text`,
 * each with the comment at the end of the line or on the comment lines right below it.
 * A comment below `await expr;` that reads `SomeError: message` is the error it rejects with.
 * `console` is the block's own (its output is captured, not printed). The comment of a line
 * that contains one of the `prose` snippets is a description, not an output.
 */
export function instrument(block: Block, prose: readonly string[] = []): Instrumented {
  const lines = block.code.split('\n');
  const expectations: Expectation[] = [];
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const at = block.line + i;
    const split = /^(.*?;)\s*\/\/ ?(.*)$/.exec(line);
    const code = split ? split[1]! : line;
    let comment = prose.some((p) => line.includes(p)) ? undefined : split?.[2];
    if (comment === undefined && /;\s*$/.test(code)) {
      // The comment lines right below a statement that has none of its own.
      const below: string[] = [];
      for (let j = i + 1; j < lines.length && /^\s*\/\/ ?/.test(lines[j]!); j++) below.push(lines[j]!.replace(/^\s*\/\/ ?/, ''));
      if (below.length) comment = below.join('\n');
    }
    const log = /^(\s*)console\.log\((.*)\);\s*$/.exec(code);
    if (log) {
      if (comment !== undefined) expectations.push({ kind: 'log', key: at, line: at, text: comment.replace(/\\n/g, '\n') });
      out.push(`${log[1]}__docs.log(${at}, ${log[2]});${split ? ` // ${split[2]}` : ''}`);
      continue;
    }
    const awaited = /^(\s*)((?:const|let)\s+[^=]+=\s*)?await (.*);\s*$/.exec(code);
    if (awaited && comment !== undefined) {
      const [, indent, declaration = '', expr] = awaited;
      if (ERROR.test(comment)) {
        expectations.push({ kind: 'error', key: at, line: at, text: comment });
        out.push(`${indent}${declaration}await __docs.rejects(${at}, async () => (${expr}));`);
        continue;
      }
      const value = leadingValue(comment);
      if (value !== undefined) {
        expectations.push({ kind: 'value', key: at, line: at, text: value });
        out.push(`${indent}${declaration}__docs.value(${at}, await (${expr}));${split ? ` // ${split[2]}` : ''}`);
        continue;
      }
    }
    out.push(line);
  }
  return { code: out.join('\n'), expectations };
}

/** Read the blocks of every documented file. */
export function readBlocks(root: string): Block[] {
  return documentedFiles(root).flatMap((file) => extractBlocks(file, readFileSync(join(root, file), 'utf8')));
}
