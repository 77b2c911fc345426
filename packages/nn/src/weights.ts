/** Initial weights as layers take them: values converted with the layer's name in errors, blocks placed transposed. */
import { NDArray, array, type ArrayLike } from '@sym/graph';

/** `value` as an NDArray; a conversion error names `what` (`Layer: W_init`). */
export function toArray(value: ArrayLike, what: string): NDArray {
  try {
    return value instanceof NDArray ? value : array(value);
  } catch (e) {
    throw new TypeError(`${what}: ${(e as Error).message}`);
  }
}

/** `target[:, col:col + rows(block)] = block.T`: initialisers draw (nOutput, nInput), row-convention layers hold the transpose. */
export function placeTransposed(target: NDArray, block: NDArray, col: number): void {
  const [rows, cols] = block.shape as [number, number];
  const width = target.shape[1]!;
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) target.data[j * width + col + i] = block.data[i * cols + j]!;
}
