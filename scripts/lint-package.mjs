#!/usr/bin/env node
// Package lint, run in a package folder: the checks a reviewer would make by hand.
// - package.json: ESM, an exact exports map with types and a default, types shipped;
// - tests assert something and nothing is focused or skipped;
// - source files stay readable in one sitting;
// - a module imported only for its side effects is listed in "sideEffects", or bundlers drop it.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = process.cwd();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const problems = [];
const MAX_LINES = 600;

if (pkg.type !== 'module') problems.push('package.json: "type" must be "module"');
if (!pkg.private) {
  const dot = pkg.exports?.['.'];
  if (!dot) problems.push('package.json: exports["."] is missing');
  else {
    for (const key of ['@sym/source', 'types', 'default']) if (!dot[key]) problems.push(`package.json: exports["."] has no "${key}"`);
    if (dot['@sym/source'] && !existsSync(join(root, dot['@sym/source']))) problems.push(`package.json: ${dot['@sym/source']} does not exist`);
  }
  if (!pkg.files?.includes('dist')) problems.push('package.json: "files" must ship dist');
  if (!pkg.types) problems.push('package.json: "types" is missing');
}

/** Whether package.json's "sideEffects" keeps `file` (./src/...) in bundles: true, or a listed path or `*` glob. */
function hasSideEffects(file) {
  const list = pkg.sideEffects;
  if (list === undefined || list === true) return true;
  if (!Array.isArray(list)) return false;
  return list.some((g) => new RegExp(`^${g.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`).test(file));
}

function walk(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

for (const file of [...walk(join(root, 'src')), ...walk(join(root, 'test'))]) {
  if (!/\.(ts|mts)$/.test(file)) continue;
  const text = readFileSync(file, 'utf8');
  const rel = relative(root, file);
  const lines = text.split('\n').length;
  if (lines > MAX_LINES) problems.push(`${rel}: ${lines} lines; split it (limit ${MAX_LINES})`);
  if (rel.startsWith('src') && !/\.test\.ts$/.test(file)) {
    for (const [, target] of text.matchAll(/^import ['"](\.{1,2}\/[^'"]+)['"];/gm)) {
      const src = './' + join(rel, '..', target).replace(/\.js$/, '.ts');
      if (!hasSideEffects(src)) problems.push(`${rel}: imports ${target} for its side effects, but package.json "sideEffects" does not list ${src}: bundlers would drop it`);
    }
  }
  if (/\.test\.ts$/.test(file)) {
    if (/\b(it|test|describe)\.(only|skip|todo)\(/.test(text)) problems.push(`${rel}: focused, skipped or todo test`);
    if (!/\bexpect(\.|\()|\bassert\b|toThrow|runConformance|runCrossDevice|conformance/.test(text)) problems.push(`${rel}: a test file that asserts nothing`);
  }
}

if (problems.length) {
  console.error(problems.map((p) => `lint ${pkg.name}: ${p}`).join('\n'));
  process.exit(1);
}
console.log(`lint ${pkg.name}: ok`);
