/**
 * TensorFlow.js through its CommonJS builds: the ESM build of tfjs-core
 * cannot load its gradient registrations in Node (directory imports), and
 * the backends must share one tfjs-core instance with them.
 */
import { createRequire } from 'node:module';
import type * as TF from '@tensorflow/tfjs-core';

const require = createRequire(import.meta.url);
export const tf = require('@tensorflow/tfjs-core') as typeof TF;
require('@tensorflow/tfjs-core/dist/register_all_gradients');
require('@tensorflow/tfjs-backend-cpu');
require('@tensorflow/tfjs-backend-wasm');
