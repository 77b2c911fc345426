/**
 * A shader carries only the prelude helpers it calls. The helpers
 * (scalar.ts's PRELUDE, math-prelude.ts's, int64.ts's) are one source text;
 * it is cut here into its module-scope declarations (a function, struct or
 * private variable, with the comment lines above it), and each
 * declaration's uses of the others are read from its code. `linkPrelude`
 * puts in front of a shader the declarations its code names, closed under
 * their own uses, in the order of the source: the same kernel always
 * renders to the same text (the backend's pipeline cache keys on it).
 *
 * A use is a name, matched as a whole identifier outside comments: a name
 * that is not a call (a type, a variable) links its declaration all the
 * same, and a stray match costs only an unused helper.
 */
import { I64_PRELUDE } from './int64.js';
import { PRELUDE } from './scalar.js';

export interface PreludeDeclaration {
  readonly name: string;
  /** The declaration as written in the prelude, its comment lines included, without a final newline. */
  readonly text: string;
  /** The other declarations it names. */
  readonly uses: readonly string[];
}

const DECLARATION = /^(?:fn|struct|var<private>|const|alias|override)\s+([A-Za-z_]\w*)/;
const IDENTIFIER = /[A-Za-z_]\w*/g;

const withoutComments = (code: string) => code.replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');

/** The identifiers of `code`, comments left out. */
function identifiers(code: string): Set<string> {
  return new Set(withoutComments(code).match(IDENTIFIER));
}

/** `source` cut into its declarations: each starts at a column-0 `fn`, `struct`, ... line, with the comment lines right above it. */
export function parseDeclarations(source: string): PreludeDeclaration[] {
  const parts: { name: string; lines: string[] }[] = [];
  let comments: string[] = [];
  let open: { name: string; lines: string[] } | undefined;
  for (const line of source.split('\n')) {
    if (line.trim() === '') continue;
    const start = DECLARATION.exec(line);
    if (start) {
      open = { name: start[1]!, lines: [...comments, line] };
      parts.push(open);
      comments = [];
    } else if (line.startsWith('//')) {
      // a comment at column 0 closes the declaration before it: it belongs to the next one
      open = undefined;
      comments.push(line);
    } else {
      if (!open) throw new Error(`webgpu: a prelude line outside any declaration: ${JSON.stringify(line)}`);
      open.lines.push(line);
    }
  }
  if (comments.length) throw new Error(`webgpu: the prelude ends in comments that precede no declaration: ${JSON.stringify(comments.join('\n'))}`);
  const names = new Set(parts.map((p) => p.name));
  if (names.size !== parts.length) throw new Error('webgpu: the prelude declares a name twice');
  return parts.map(({ name, lines }) => {
    const text = lines.join('\n');
    return { name, text, uses: [...identifiers(text)].filter((id) => id !== name && names.has(id)) };
  });
}

/** Every helper a kernel may call, in the order of the source. */
export const PRELUDE_DECLARATIONS: readonly PreludeDeclaration[] = parseDeclarations(`${PRELUDE}\n${I64_PRELUDE}`);

const BY_NAME = new Map(PRELUDE_DECLARATIONS.map((d) => [d.name, d]));

/** The declarations `names` and all they use, in the order of the source, one after the other. */
export function preludeFor(names: Iterable<string>): string {
  const needed = new Set<string>();
  const visit = (name: string) => {
    if (needed.has(name)) return;
    const d = BY_NAME.get(name);
    if (!d) return;
    needed.add(name);
    d.uses.forEach(visit);
  };
  for (const name of names) visit(name);
  return PRELUDE_DECLARATIONS.filter((d) => needed.has(d.name))
    .map((d) => d.text)
    .join('\n');
}

/** The shader `code` with the prelude declarations it uses in front of it (none: `code` as it is). */
export function linkPrelude(code: string): string {
  const prelude = preludeFor(identifiers(code));
  return prelude ? `${prelude}\n${code}` : code;
}
