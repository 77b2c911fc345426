/**
 * `pnpm build`: bundle the pages into out/www. `pnpm start`: bundle, then
 * serve them on 127.0.0.1 and print the addresses (Ctrl-C stops).
 */
import { join } from 'node:path';
import { buildSite } from './build.js';
import { serveStatic } from './server.js';

const USAGE = 'usage: tsx src/cli.ts build | serve [--port N]';

async function main(args: string[]): Promise<void> {
  const [command, ...rest] = args;
  if (command !== 'build' && command !== 'serve') throw new Error(`expected a command, build or serve; got ${JSON.stringify(command)}\n${USAGE}`);
  const out = join(process.cwd(), 'out', 'www');
  const started = performance.now();
  const built = await buildSite(out);
  const kb = built.files.filter((f) => f.path.endsWith('.js')).reduce((s, f) => s + f.bytes, 0) / 1024;
  console.log(`built ${out} in ${(performance.now() - started).toFixed(0)} ms (${kb.toFixed(0)} KiB of scripts)`);
  if (command === 'build') return;
  let port = 0;
  if (rest[0] === '--port') {
    port = Number(rest[1]);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: expected an integer in 0..65535; got ${JSON.stringify(rest[1])}\n${USAGE}`);
  } else if (rest.length > 0) throw new Error(`unexpected arguments ${rest.join(' ')}\n${USAGE}`);
  const server = await serveStatic(out, port);
  for (const d of ['webgpu', 'gpujs', 'cpu']) console.log(`  ${server.url}?device=${d}`);
  console.log(`  ${server.url}conformance.html?device=gpujs`);
  process.on('SIGINT', () => void server.close().then(() => process.exit(0)));
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
