// The tests load @sym/backend-cpu (for its side effect, registering device=cpu) and
// @sym/grad through vitest aliases: both sit above @sym/opt in the dependency graph,
// so neither can be a dependency here.
declare module '@sym/backend-cpu';
declare module '@sym/grad' {
  import type { TensorVariable } from '@sym/graph';
  export function grad(cost: TensorVariable, wrt: readonly TensorVariable[]): TensorVariable[];
}
