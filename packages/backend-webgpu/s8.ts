import * as sym from '@sym/graph';
import './src/index.ts';
sym.config.floatX = 'float32';
const x = sym.T.fvector('x');
console.log(String(await sym.function([x], x.add(1), { device: 'webgpu' })([1])));
