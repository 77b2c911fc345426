/**
 * Specialize: a sparse x sparse product with a sparse result
 * (structuredDot) that nothing differentiates gets the host stage that
 * writes no product terms (`sparse_forward_only`, in @sym/graph's
 * sparse/forward-only.ts, which says why). A graph pass: it replaces every
 * output of the product's host stage, which a node rewrite (one output
 * replaced) cannot.
 */
import { forwardOnlySparseProducts } from '@sym/graph';
import { registerRewrite } from '../registry.js';

registerRewrite({ kind: 'graph', name: 'sparse_forward_only', phase: 'specialize', tags: ['fast_run'], run: forwardOnlySparseProducts });
