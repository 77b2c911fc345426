// The tests load @sym/backend-cpu for its side effect (registering device=cpu) through
// a vitest alias (it depends on @sym/opt, so it cannot be a dependency here).
declare module '@sym/backend-cpu';
