/** Vitest settings every package shares: resolve workspace packages to their TypeScript sources. */
export const sourceConditions = {
  resolve: { conditions: ['@sym/source', 'module', 'node', 'default'] },
  ssr: { resolve: { conditions: ['@sym/source', 'module', 'node', 'default'] } },
};
