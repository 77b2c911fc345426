/**
 * Structural types of the WebGL calls the backend makes itself, outside
 * gpu.js (the package builds without the DOM types).
 */

/** The part of a WebGL context the uploads use. */
export type GLContext = {
  readonly [name in 'TEXTURE15' | 'TEXTURE_2D' | 'TEXTURE_WRAP_S' | 'TEXTURE_WRAP_T' | 'CLAMP_TO_EDGE' | 'TEXTURE_MIN_FILTER' | 'TEXTURE_MAG_FILTER' | 'NEAREST' | 'LUMINANCE' | 'FLOAT']: number;
} & {
  createTexture(): unknown;
  activeTexture(unit: number): void;
  bindTexture(target: number, texture: unknown): void;
  texParameteri(target: number, name: number, value: number): void;
  texImage2D(target: number, level: number, internalFormat: number, width: number, height: number, border: number, format: number, type: number, pixels: Float32Array): void;
};

/** A WebGL context whose texture calls the backend counts (`glTextures()`). */
export type Counted = { createTexture(): unknown; deleteTexture(t: unknown): void; __symCounted?: boolean };
