// The em iteration of src/lda/assembly/em.ts (emIterate without the log-likelihood) in native code, on the
// WebAssembly kernels' own shared memory: the same arrays at the same offsets, the same tiles, blocks and
// per-thread work. It does every per-lane operation of the wasm kernel in the same order, and forms every
// sum over topics in the same order (see rowSum), with no contraction into fused multiply-adds (built with
// -ffp-contract=off): its model is bit for bit the wasm kernel's.
//
// The arithmetic is written once over GCC vector types and compiled for AVX-512, AVX2 and the x86-64 baseline
// (target_clones: the loader picks the best one the CPU has), or for whatever the compiler targets elsewhere.
#include <node_api.h>

#include <cstdint>
#include <cstring>

namespace {

typedef double v4d __attribute__((vector_size(32), aligned(8)));
typedef double v2d __attribute__((vector_size(16), aligned(8)));

struct EmState {
  uint8_t* mem;
  uint32_t docStart, tileDoc, tileRun, runWord, runEnd, entryDoc, counts, nd, nwb, partial, topicCoef;
  int32_t countBytes, K, kp, tileDocs;
  size_t blockBytes;
  double alphaM1;
};

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define SPOT_CLONES __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#else
#define SPOT_CLONES
#endif

inline int32_t i32At(const uint8_t* mem, uint32_t base, int32_t i) {
  int32_t v;
  std::memcpy(&v, mem + base + (static_cast<size_t>(i) << 2), 4);
  return v;
}

inline double countAt(const uint8_t* c, int32_t bytes, int32_t i) {
  if (bytes == 2) {
    uint16_t v;
    std::memcpy(&v, c + (static_cast<size_t>(i) << 1), 2);
    return static_cast<double>(v);
  }
  if (bytes == 4) {
    float v;
    std::memcpy(&v, c + (static_cast<size_t>(i) << 2), 4);
    return static_cast<double>(v);
  }
  double v;
  std::memcpy(&v, c + (static_cast<size_t>(i) << 3), 8);
  return v;
}

inline uint32_t docAt(const uint8_t* e, int32_t i) {
  uint16_t v;
  std::memcpy(&v, e + (static_cast<size_t>(i) << 1), 2);
  return v;
}

inline v4d load4(const double* p) {
  v4d v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

inline void store4(double* p, v4d v) { std::memcpy(p, &v, sizeof v); }

inline v2d load2(const double* p) {
  v2d v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

inline void store2(double* p, v2d v) { std::memcpy(p, &v, sizeof v); }

// The wasm kernel sums a row in two f64x2 accumulators, s0 over the even 16-byte slots (topics 4q, 4q + 1)
// and s1 over the odd ones (4q + 2, 4q + 3), a trailing slot into s0, then (s0 + s1)'s lane 0 + lane 1. The
// four lanes of `y` hold exactly s0 and s1 (each lane summed in slot order), so this is the same sum.
inline double rowSum(v4d y, double tail0, double tail1) {
  return (y[0] + tail0 + y[2]) + (y[1] + tail1 + y[3]);
}

inline double rowSum(v4d y) { return (y[0] + y[2]) + (y[1] + y[3]); }

// K = 20 (rows of 20 doubles, five v4d): runs20 and halfRun20 of the wasm kernel in one pass per entry. γ is
// formed once and kept (the wasm kernel forms the same product twice), the word's row and its partial-sum row
// stay in registers over the run.
SPOT_CLONES void runs20(const EmState& s, int32_t rFrom, int32_t rTo, double* pBase, const double* docScale, double* dBase) {
  const uint8_t* mem = s.mem;
  const uint8_t* docs = mem + s.entryDoc;
  const uint8_t* cs = mem + s.counts;
  const int32_t cb = s.countBytes;
  const double* nw = reinterpret_cast<const double*>(mem + s.nwb);
  int32_t i = rFrom == 0 ? 0 : i32At(mem, s.runEnd, rFrom - 1);
  for (int32_t r = rFrom; r < rTo; r++) {
    const size_t wOff = static_cast<size_t>(i32At(mem, s.runWord, r)) * 20;
    const double* wRow = nw + wOff;
    double* pRow = pBase + wOff;
    const int32_t end = i32At(mem, s.runEnd, r);
    const v4d w0 = load4(wRow), w1 = load4(wRow + 4), w2 = load4(wRow + 8), w3 = load4(wRow + 12), w4 = load4(wRow + 16);
    v4d p0 = load4(pRow), p1 = load4(pRow + 4), p2 = load4(pRow + 8), p3 = load4(pRow + 12), p4 = load4(pRow + 16);
    for (; i < end; i++) {
      const size_t j = static_cast<size_t>(docAt(docs, i)) * 20;
      const double* sRow = docScale + j;
      double* nRow = dBase + j;
      const double c = countAt(cs, cb, i);
      const v4d g0 = w0 * load4(sRow), g1 = w1 * load4(sRow + 4), g2 = w2 * load4(sRow + 8), g3 = w3 * load4(sRow + 12), g4 = w4 * load4(sRow + 16);
      const double sum = rowSum((((g0 + g1) + g2) + g3) + g4);
      const double scale = c / sum;
      const v4d v0 = g0 * scale, v1 = g1 * scale, v2 = g2 * scale, v3 = g3 * scale, v4 = g4 * scale;
      store4(nRow, load4(nRow) + v0);
      store4(nRow + 4, load4(nRow + 4) + v1);
      store4(nRow + 8, load4(nRow + 8) + v2);
      store4(nRow + 12, load4(nRow + 12) + v3);
      store4(nRow + 16, load4(nRow + 16) + v4);
      p0 += v0;
      p1 += v1;
      p2 += v2;
      p3 += v3;
      p4 += v4;
    }
    store4(pRow, p0);
    store4(pRow + 4, p1);
    store4(pRow + 8, p2);
    store4(pRow + 12, p3);
    store4(pRow + 16, p4);
  }
}

// Any even row width kp (runsAny): γ through `gamma`, the sum over topics as rowSum, a trailing pair of lanes
// (kp % 4 == 2) added to the first half as the wasm kernel adds its trailing slot into s0.
SPOT_CLONES void runsAny(const EmState& s, int32_t rFrom, int32_t rTo, double* pBase, const double* docScale, double* dBase, double* gamma) {
  const uint8_t* mem = s.mem;
  const uint8_t* docs = mem + s.entryDoc;
  const uint8_t* cs = mem + s.counts;
  const int32_t cb = s.countBytes;
  const int32_t kp = s.kp;
  const int32_t full = kp & ~3;
  const double* nw = reinterpret_cast<const double*>(mem + s.nwb);
  int32_t i = rFrom == 0 ? 0 : i32At(mem, s.runEnd, rFrom - 1);
  for (int32_t r = rFrom; r < rTo; r++) {
    const size_t wOff = static_cast<size_t>(i32At(mem, s.runWord, r)) * kp;
    const double* wRow = nw + wOff;
    double* pRow = pBase + wOff;
    for (const int32_t end = i32At(mem, s.runEnd, r); i < end; i++) {
      const size_t j = static_cast<size_t>(docAt(docs, i)) * kp;
      const double* sRow = docScale + j;
      double* nRow = dBase + j;
      const double c = countAt(cs, cb, i);
      v4d y = {0, 0, 0, 0};
      int32_t o = 0;
      for (; o < full; o += 4) {
        const v4d g = load4(wRow + o) * load4(sRow + o);
        store4(gamma + o, g);
        y += g;
      }
      double sum;
      if (o < kp) {
        const v2d g = load2(wRow + o) * load2(sRow + o);
        store2(gamma + o, g);
        sum = rowSum(y, g[0], g[1]);
      } else {
        sum = rowSum(y);
      }
      const double scale = c / sum;
      int32_t q = 0;
      for (; q < full; q += 4) {
        const v4d v = load4(gamma + q) * scale;
        store4(nRow + q, load4(nRow + q) + v);
        store4(pRow + q, load4(pRow + q) + v);
      }
      if (q < kp) {
        const v2d v = load2(gamma + q) * scale;
        store2(nRow + q, load2(nRow + q) + v);
        store2(pRow + q, load2(pRow + q) + v);
      }
    }
  }
}

// emIterate(block, tileFrom, tileTo, scratch, false): the scratch laid out as the wasm kernel lays it.
SPOT_CLONES void iterate(const EmState& s, int32_t block, int32_t tileFrom, int32_t tileTo, uint32_t scratch) {
  uint8_t* mem = s.mem;
  const size_t rowBytes = static_cast<size_t>(s.kp) * 8;
  double* pBase = reinterpret_cast<double*>(mem + s.partial + static_cast<size_t>(block) * s.blockBytes);
  std::memset(pBase, 0, s.blockBytes);
  double* gamma = reinterpret_cast<double*>(mem + scratch);
  double* docScale = reinterpret_cast<double*>(mem + scratch + rowBytes);
  const double* coef = reinterpret_cast<const double*>(mem + s.topicCoef);
  const double am1 = s.alphaM1;
  const int32_t kp = s.kp;
  for (int32_t t = tileFrom; t < tileTo; t++) {
    const int32_t d0 = i32At(mem, s.tileDoc, t);
    const int32_t n = i32At(mem, s.tileDoc, t + 1) - d0;
    double* dBase = reinterpret_cast<double*>(mem + s.nd + static_cast<size_t>(d0) * rowBytes);
    for (int32_t j = 0; j < n; j++) {
      double* dRow = dBase + static_cast<size_t>(j) * kp;
      double* sRow = docScale + static_cast<size_t>(j) * kp;
      for (int32_t o = 0; o < kp; o += 2) {
        store2(sRow + o, (load2(dRow + o) + am1) * load2(coef + o));
        store2(dRow + o, v2d{0, 0});
      }
    }
    const int32_t rFrom = i32At(mem, s.tileRun, t);
    const int32_t rTo = i32At(mem, s.tileRun, t + 1);
    if (kp == 20) runs20(s, rFrom, rTo, pBase, docScale, dBase);
    else runsAny(s, rFrom, rTo, pBase, docScale, dBase, gamma);
  }
}

// ---- Node-API glue ----

napi_value fail(napi_env env, const char* msg) {
  napi_throw_error(env, nullptr, msg);
  return nullptr;
}

bool u32Arg(napi_env env, napi_value v, uint32_t* out) { return napi_get_value_uint32(env, v, out) == napi_ok; }

bool i32Arg(napi_env env, napi_value v, int32_t* out) { return napi_get_value_int32(env, v, out) == napi_ok; }

void finalizeState(napi_env, void* data, void*) { delete static_cast<EmState*>(data); }

// emSetup(memory: Uint8Array over the whole WebAssembly.Memory, docStart, tileDoc, tileRun, runWord, runEnd,
// entryDoc, counts, countBytes, nd, nwb, partial, topicCoef, k, kp, numWords, maxTileDocs, alpha) → handle.
napi_value Setup(napi_env env, napi_callback_info info) {
  size_t argc = 18;
  napi_value argv[18];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc != 18) return fail(env, "emSetup: 18 arguments expected");
  napi_typedarray_type type;
  size_t length;
  void* data;
  if (napi_get_typedarray_info(env, argv[0], &type, &length, &data, nullptr, nullptr) != napi_ok || type != napi_uint8_array || data == nullptr) {
    return fail(env, "emSetup: the first argument must be a Uint8Array over the kernels' memory");
  }
  auto* s = new EmState();
  s->mem = static_cast<uint8_t*>(data);
  uint32_t* offsets[] = {&s->docStart, &s->tileDoc, &s->tileRun, &s->runWord, &s->runEnd, &s->entryDoc, &s->counts};
  bool ok = true;
  for (int a = 0; a < 7; a++) ok = ok && u32Arg(env, argv[1 + a], offsets[a]);
  ok = ok && i32Arg(env, argv[8], &s->countBytes);
  uint32_t* more[] = {&s->nd, &s->nwb, &s->partial, &s->topicCoef};
  for (int a = 0; a < 4; a++) ok = ok && u32Arg(env, argv[9 + a], more[a]);
  int32_t numWords = 0;
  ok = ok && i32Arg(env, argv[13], &s->K) && i32Arg(env, argv[14], &s->kp) && i32Arg(env, argv[15], &numWords) && i32Arg(env, argv[16], &s->tileDocs);
  double alpha = 0;
  ok = ok && napi_get_value_double(env, argv[17], &alpha) == napi_ok;
  if (!ok || s->kp < 2 || (s->kp & 1) != 0 || numWords < 0 || (s->countBytes != 2 && s->countBytes != 4 && s->countBytes != 8)) {
    delete s;
    return fail(env, "emSetup: invalid arguments");
  }
  s->blockBytes = static_cast<size_t>(numWords) * static_cast<size_t>(s->kp) * 8;
  s->alphaM1 = alpha - 1;
  napi_value handle;
  if (napi_create_external(env, s, finalizeState, nullptr, &handle) != napi_ok) {
    delete s;
    return fail(env, "emSetup: cannot create the handle");
  }
  return handle;
}

// emIterate(handle, block, tileFrom, tileTo, scratch): one Jacobi step over the tiles, without the likelihood.
napi_value Iterate(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc != 5) return fail(env, "emIterate: 5 arguments expected");
  void* data = nullptr;
  int32_t block, tileFrom, tileTo;
  uint32_t scratch;
  if (napi_get_value_external(env, argv[0], &data) != napi_ok || !i32Arg(env, argv[1], &block) || !i32Arg(env, argv[2], &tileFrom) ||
      !i32Arg(env, argv[3], &tileTo) || !u32Arg(env, argv[4], &scratch)) {
    return fail(env, "emIterate: invalid arguments");
  }
  iterate(*static_cast<EmState*>(data), block, tileFrom, tileTo, scratch);
  return nullptr;
}

// Which instruction set the clones run here: the loader's choice, for the kernel's name in reports.
napi_value Isa(napi_env env, napi_callback_info) {
  const char* isa = "generic";
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("x86-64-v4")) isa = "avx512";
  else if (__builtin_cpu_supports("avx2")) isa = "avx2";
  else isa = "sse2";
#endif
  napi_value out;
  napi_create_string_utf8(env, isa, NAPI_AUTO_LENGTH, &out);
  return out;
}

}  // namespace

NAPI_MODULE_INIT() {
  const napi_property_descriptor props[] = {
      {"emSetup", nullptr, Setup, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"emIterate", nullptr, Iterate, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"isa", nullptr, Isa, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
