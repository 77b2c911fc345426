/** Vitest settings every package shares: resolve workspace packages to their TypeScript sources. */
export const sourceConditions = {
  resolve: { conditions: ['@sym/source', 'module', 'node', 'default'] },
  ssr: { resolve: { conditions: ['@sym/source', 'module', 'node', 'default'] } },
};

/**
 * Time limits for tests and hooks. No test asserts a duration, so a limit
 * only catches a hang, and it must sit far above any honest run: CI's two
 * cores run several suites at once under turbo, and CI machines differ in
 * speed (one ran the WebGPU suite in 38 minutes where another took 15, and a
 * tiled-matmul test that takes 8 s alone passed its old 60 s limit there).
 * Every package's config takes these, so there is one number to reason about.
 */
export const timeouts = { testTimeout: 300_000, hookTimeout: 300_000 };
