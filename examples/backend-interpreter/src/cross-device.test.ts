// The testkit's cross-device checks: one shared variable trained on the
// interpreter and read or updated by CPU functions, calls made without
// awaiting each, equal to the same calls awaited one by one on the CPU.
import '@sym/backend-cpu';
import { runCrossDevice } from '@sym/backend-testkit';
import './index.js'; // registers `interp`

runCrossDevice({ device: 'interp' });
