// What a running block reports to the test: the values of its checked lines and what it printed.
import { format } from 'node:util';
import { NDArray, reprValue } from '@sym/graph';
import { normalize } from './blocks.js';

/** Python's print: an array as NumPy's str, a list of arrays as a list of their reprs, anything else as String. */
export function render(value: unknown): string {
  if (value instanceof NDArray) return String(value);
  if (Array.isArray(value)) return reprValue(value);
  return String(value);
}

/** The record of one run: what each checked line (by its line in the Markdown file) gave. */
export class Recorder {
  /** The rendered value, printed text or `Name: message` of each checked line that ran. */
  readonly got = new Map<number, string>();
  /** Everything the block printed, checked lines or not. */
  readonly printed: string[] = [];
  /** The block's own console: what it prints is kept, not shown. */
  readonly console = { log: (...args: unknown[]): void => void this.printed.push(format(...args)) };

  /** `await expr; // value`: remember how the value prints and pass it on. */
  value<V>(line: number, value: V): V {
    this.got.set(line, render(value));
    return value;
  }

  /** `console.log(...); // text`: remember the text. */
  log(line: number, ...args: unknown[]): void {
    const text = format(...args);
    this.printed.push(text);
    this.got.set(line, text);
  }

  /** `await expr;` with the error it rejects with below it: remember the error, and fail when there is none. */
  async rejects(line: number, run: () => Promise<unknown>): Promise<void> {
    let value: unknown;
    try {
      value = await run();
    } catch (e) {
      this.got.set(line, e instanceof Error ? `${e.name}: ${e.message}` : `non-Error thrown: ${String(e)}`);
      return;
    }
    this.got.set(line, `no error; the value: ${render(value)}`);
  }
}

let current: Recorder | undefined;

/** Start recording a new run; the block's module reads it through `recorder()` when it is imported. */
export function startRecording(): Recorder {
  current = new Recorder();
  return current;
}

/** The recorder of the run in progress. */
export function recorder(): Recorder {
  if (!current) throw new Error('docs-check: a block ran outside a recorded run (call startRecording first)');
  return current;
}

/** What went wrong with one expectation, or undefined when the run gave what the comment says. */
export function mismatch(e: { kind: 'value' | 'log' | 'error'; key: number; text: string }, got: ReadonlyMap<number, string>): string | undefined {
  const actual = got.get(e.key);
  if (actual === undefined) return 'never reached the line';
  if (e.kind === 'log') {
    const lines = (s: string): string => s.split('\n').map((l) => l.trimEnd()).join('\n').trimEnd();
    return lines(actual) === lines(e.text) ? undefined : `printed ${JSON.stringify(actual)}`;
  }
  return normalize(actual) === normalize(e.text) ? undefined : `gave ${JSON.stringify(normalize(actual))}`;
}
