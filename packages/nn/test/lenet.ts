/** The LeNet of nn's tests, also trained on WebGPU by backend-webgpu's tests. */
import { Conv2D } from '../src/conv.js';
import { Dense } from '../src/dense.js';
import { Flatten, Pool2D } from '../src/pooling.js';
import { RandomState } from '../src/random.js';
import { Sequential } from '../src/sequential.js';

/** conv-pool-conv-pool-flatten-dense-softmax for 12x12 single-channel images and 3 classes; the dense layer's size from the shapes. */
export function lenet(seed: number): Sequential {
  const rng = new RandomState(seed);
  const features = [
    Conv2D.create(1, 8, 3, { padding: 'half', activation: 'relu', rng, name: 'conv1' }),
    new Pool2D(2),
    Conv2D.create(8, 16, 3, { activation: 'relu', rng, name: 'conv2' }),
    new Pool2D(2),
    new Flatten(),
  ];
  const [, nFeatures] = new Sequential(features).outputShape([null, 1, 12, 12]);
  return new Sequential([...features, Dense.create(nFeatures!, 3, { activation: 'softmax', rng, name: 'out' })]);
}
