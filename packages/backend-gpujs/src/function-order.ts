/**
 * Emit a kernel's helper functions callees first, whatever the call graph.
 *
 * GLSL needs a function declared before its first call. gpu.js (2.24)
 * orders the functions a kernel reaches by one walk of the call graph, and
 * when it meets a function a second time it moves that function alone to
 * the end of its list (its fix for gpujs/gpu.js#207), not the functions
 * that one calls. So a kernel calling both `symLog1p` (which calls
 * `symLog`) and `symLog` emitted `symLog` above `symNaN` and `symLogPoly`,
 * and the shader failed to compile ("no matching overloaded function").
 * The composite special functions (gammaln, arcsinh, arccosh) made such
 * kernels. This replaces the walk with a depth-first post-order, which
 * puts every function after all it calls (the helpers call no one
 * recursively).
 */
import { FunctionBuilder } from 'gpu.js';

interface TracedNode {
  toString(): string;
  readonly calledFunctions: readonly string[];
}

interface Builder {
  readonly nativeFunctionNames: readonly string[];
  readonly functionMap: Readonly<Record<string, TracedNode | undefined>>;
}

/**
 * gpu.js's contract: the functions traced from `functionName`, itself
 * first, such that the reversed list declares callees before callers.
 */
function traceFunctionCalls(this: Builder, functionName?: string, retList: string[] = []): string[] {
  const postOrder: string[] = [];
  const seen = new Set<string>(retList);
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    // native (GLSL) functions are leaves: gpu.js does not trace inside them
    if (this.nativeFunctionNames.includes(name)) {
      postOrder.push(name);
      return;
    }
    const node = this.functionMap[name];
    if (!node) return; // a built-in (Math.*), not a function of the kernel's
    node.toString(); // traces the node, filling calledFunctions
    for (const callee of node.calledFunctions) visit(callee);
    postOrder.push(name);
  };
  visit(functionName || 'kernel');
  retList.push(...postOrder.reverse());
  return retList;
}

(FunctionBuilder.prototype as unknown as { traceFunctionCalls: typeof traceFunctionCalls }).traceFunctionCalls = traceFunctionCalls;
