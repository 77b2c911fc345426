import { spawnSync } from 'node:child_process';
import { defineConfig } from 'vitest/config';
import { sourceConditions, timeouts } from '../../vitest.shared.js';

const include = ['src/**/*.test.ts', 'test/**/*.test.ts'];
/**
 * The gemm fuses its multiply-adds where the engine has relaxed SIMD (Node
 * 22+), which Node 20 has only behind a flag: the products' tests run a
 * second time with the flag, so that both forms are tested on either Node.
 */
const RELAXED_FLAG = '--experimental-wasm-relaxed-simd';
const flagWorks = spawnSync(process.execPath, [RELAXED_FLAG, '-e', '0']).status === 0;

export default defineConfig({
  ...sourceConditions,
  test: {
    projects: [
      { ...sourceConditions, test: { name: 'cpu', include, ...timeouts } },
      ...(flagWorks
        ? [
            {
              ...sourceConditions,
              test: {
                name: 'cpu, relaxed SIMD',
                include: ['src/wasm/gemm.test.ts', 'src/wasm/matmul.test.ts', 'src/small-matmul.test.ts', 'src/epilogue.test.ts', 'src/conformance.test.ts'],
                execArgv: [RELAXED_FLAG],
                ...timeouts,
                env: { SYM_TEST_RELAXED_SIMD: '1' },
              },
            },
          ]
        : []),
    ],
  },
});
