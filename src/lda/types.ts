/**
 * The corpus handed to the topic model: documents (IPs) × words in compressed sparse rows.
 * Entries of document d are docStart[d] .. docStart[d+1]-1, sorted by word id.
 */
export interface Corpus {
  numDocs: number;
  numWords: number;
  docStart: Int32Array; // length numDocs + 1
  wordIds: Int32Array; // length nnz
  counts: Float64Array; // length nnz
}

export type Optimizer = 'em' | 'online';

export interface LdaParams {
  k: number;
  optimizer: Optimizer;
  maxIterations: number;
  alpha: number;
  beta: number;
  seed: number;
  precision: 32 | 64;
  /**
   * Kernels: js (the reference), wasm (SIMD128), native (em's iterations in native code on the wasm kernel's
   * memory; online runs wasm) or auto (native, else wasm, where available); default SPOT_ML_LDA_KERNEL, else auto.
   */
  kernel?: 'js' | 'wasm' | 'native' | 'auto';
  /** Worker threads to use; undefined = decide from corpus size and available cores. */
  threads?: number;
  /** Called after each iteration with a quality figure (em: log-likelihood; online: bound/perplexity). */
  onIteration?: (iteration: number, total: number, metricName: string, metric: number) => void;
  /**
   * The iterations whose metric onIteration reads (default: every one). On the others the kernels skip the
   * metric's logarithms and onIteration gets NaN. See metricOnLastIteration.
   */
  metricAt?: (iteration: number, total: number) => boolean;
}

export interface LdaModel {
  k: number;
  numDocs: number;
  numWords: number;
  /** θ, row-major by document: theta[d * k + t] = P(topic t | doc d). Float32Array when precision is 32. */
  theta: Float64Array | Float32Array;
  /** φ, row-major by word: phi[w * k + t] = P(word w | topic t). */
  phi: Float64Array;
  /** Which kernels fitted it: the JavaScript reference, WebAssembly SIMD, or native em iterations (see wasm.ts). */
  kernel?: 'js' | 'wasm' | 'native';
}
