/** Vitest settings every package shares: resolve workspace packages to their TypeScript sources. */
export const sourceConditions = {
  resolve: { conditions: ['@sym/source', 'module', 'node', 'default'] },
  ssr: { resolve: { conditions: ['@sym/source', 'module', 'node', 'default'] } },
};

/**
 * Time limits for tests and hooks. No test asserts a duration, and a
 * training test that takes 1 s alone took over 5 s (vitest's default) on
 * two cores with turbo running several suites at once: a limit only
 * catches a hang.
 */
export const timeouts = { testTimeout: 60_000, hookTimeout: 60_000 };
