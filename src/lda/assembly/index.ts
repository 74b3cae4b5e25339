// WebAssembly SIMD kernels of the LDA engine (built by `npm run build`; see src/lda/wasm.ts).
export { emSetup, emScratchBytes, emInit, emIterate, emTheta } from './em';

/** First byte after the module's own static data: the JavaScript side lays its arrays out from here. */
export function heapBase(): usize {
  return __heap_base;
}
export { onlineSetup, onlineTrain, onlineTheta, onlineExpElogbeta } from './online';
export { mathLogs } from './log-check';
