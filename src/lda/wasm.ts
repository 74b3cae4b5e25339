/**
 * The WebAssembly SIMD kernels (src/lda/assembly/, compiled to lda.wasm beside this file by
 * `npm run build`) and the choice between them and the JavaScript reference kernels.
 *
 * SPOT_ML_LDA_KERNEL=js|wasm|native|auto (default auto) or LdaParams.kernel picks; auto takes native when
 * its addon loads here (em-native.ts: em's iterations in native code on the wasm kernel's memory), else wasm
 * when this runtime validates the module (it needs SIMD128 and shared memory), else js.
 * The kernels' arrays live in one shared WebAssembly.Memory that every worker's instance imports.
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { SpotError } from '../common/errors.js';
import type { Corpus } from './types.js';
import { nativeEm, nativeEmStatus, type NativeEm } from './em-native.js';

export type KernelKind = 'js' | 'wasm' | 'native';
export type KernelRequest = KernelKind | 'auto';

const WASM_URL = new URL('./lda.wasm', import.meta.url);
/** The module's static data (math tables) sits below this; our arrays start here (checked at instantiation). */
const HEAP_START = 65536;
const PAGE = 65536;
const MAX_PAGES = 65536;

let cached: WebAssembly.Module | null | undefined;

/** Compiles the kernels from `bytes`, or null when this runtime cannot run them (no SIMD, no shared memory). */
export function compileKernels(bytes: Uint8Array<ArrayBuffer>): WebAssembly.Module | null {
  try {
    optimiseAtOnce();
    return WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch {
    return null;
  }
}

/**
 * Each kernel runs as one long call (a block of an iteration), and V8 first runs new WebAssembly code in
 * its baseline compiler, moving to optimised code only at a later call: the initialisation and the first
 * iteration would then run several times slower (about 2 s of CPU on flow:10m). Compiling optimised code
 * up front avoids that. The flag is read when a module is compiled and holds for the whole process (any
 * other WebAssembly compiled later, none in spot-ml, is compiled optimised too).
 */
function optimiseAtOnce(): void {
  setFlagsFromString('--no-liftoff');
}

/** The compiled lda.wasm, or null when unavailable. */
export function wasmKernels(): WebAssembly.Module | null {
  if (cached === undefined) {
    let bytes: Uint8Array<ArrayBuffer> | undefined;
    try {
      bytes = readFileSync(WASM_URL);
    } catch {
      bytes = undefined;
    }
    cached = bytes ? compileKernels(bytes) : null;
  }
  return cached;
}

export function requestedKernel(explicit?: KernelRequest): KernelRequest {
  const value = explicit ?? process.env.SPOT_ML_LDA_KERNEL ?? 'auto';
  if (value !== 'js' && value !== 'wasm' && value !== 'native' && value !== 'auto') {
    throw new SpotError(`SPOT_ML_LDA_KERNEL must be js, wasm, native or auto, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * The kernel to run: `auto` takes native when its addon is there (it needs the wasm module too: it works on
 * its memory), else wasm, else js; an explicit native or wasm that cannot run is an error.
 */
export function chooseKernel(request: KernelRequest, module: WebAssembly.Module | null = wasmKernels(), native: NativeEm | null = nativeEm()): KernelKind {
  if (request === 'js') return 'js';
  if (module && native && request !== 'wasm') return 'native';
  if (request === 'native') {
    const why = module ? nativeEmStatus().reason ?? 'not loaded' : 'the WebAssembly kernels it works beside are unavailable';
    throw new SpotError(`the native em kernel is unavailable here (${why}); use SPOT_ML_LDA_KERNEL=wasm or auto`);
  }
  if (module) return 'wasm';
  if (request === 'wasm') {
    throw new SpotError('the WebAssembly LDA kernels are unavailable here (no SIMD128 or shared memory, or lda.wasm not built); use SPOT_ML_LDA_KERNEL=js');
  }
  return 'js';
}

/** Byte offsets of arrays in the kernels' memory, 16-byte aligned, handed out in order. */
export class WasmHeap {
  private end = HEAP_START;

  f64(length: number): number {
    return this.take(length * 8);
  }

  i32(length: number): number {
    return this.take(length * 4);
  }

  /** True when everything taken so far fits the 4 GiB a 32-bit memory can address. */
  fits(): boolean {
    return this.end <= MAX_PAGES * PAGE;
  }

  /** A shared memory just large enough for everything taken. */
  memory(): WebAssembly.Memory {
    const pages = Math.ceil(this.end / PAGE);
    return new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  }

  private take(bytes: number): number {
    const at = this.end;
    this.end += Math.ceil(bytes / 16) * 16;
    return at;
  }
}

/** An instance of the kernels on `memory`; its exports as the functions the kernels' glue calls. */
export function instantiate<T>(module: WebAssembly.Module, memory: WebAssembly.Memory): T {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const exports = instance.exports as unknown as T & { heapBase(): number };
  if (exports.heapBase() > HEAP_START) throw new Error(`LDA: lda.wasm's static data ends at ${exports.heapBase()}, past ${HEAP_START}`);
  return exports;
}

/** Topics rounded up to whole f64x2 lanes: the row stride of every words × K or docs × K array of the wasm kernels. */
export function laneStride(k: number): number {
  return k + (k & 1);
}

/** Offsets of the corpus arrays in the kernels' memory. */
export interface CorpusAt {
  docStart: number;
  wordIds: number;
  counts: number;
}

export function takeCorpus(heap: WasmHeap, corpus: Corpus): CorpusAt {
  const nnz = corpus.docStart[corpus.numDocs];
  return { docStart: heap.i32(corpus.numDocs + 1), wordIds: heap.i32(nnz), counts: heap.f64(nnz) };
}

/** Views of the corpus arrays in `buf` at `at`, filled with a copy of the corpus. */
export function corpusIn(buf: ArrayBufferLike, at: CorpusAt, corpus: Corpus): Pick<Corpus, 'docStart' | 'wordIds' | 'counts'> {
  const D = corpus.numDocs;
  const nnz = corpus.docStart[D];
  const c = {
    docStart: new Int32Array(buf, at.docStart, D + 1),
    wordIds: new Int32Array(buf, at.wordIds, nnz),
    counts: new Float64Array(buf, at.counts, nnz),
  };
  c.docStart.set(corpus.docStart.subarray(0, D + 1));
  c.wordIds.set(corpus.wordIds.subarray(0, nnz));
  c.counts.set(corpus.counts.subarray(0, nnz));
  return c;
}
