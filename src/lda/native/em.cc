// The em kernel of src/lda/assembly/em.ts (emInit, emIterate with or without the log-likelihood, emTheta) in native
// code, on the
// WebAssembly kernels' own shared memory: the same arrays at the same offsets, the same tiles, blocks and
// per-thread work. It does every per-lane operation of the wasm kernel in the same order, and forms every
// sum over topics in the same order (see rowSum), with no contraction into fused multiply-adds (built with
// -ffp-contract=off): its model is bit for bit the wasm kernel's.
//
// The arithmetic is written once over GCC vector types and compiled for AVX-512, AVX2 and the x86-64 baseline
// (target_clones: the loader picks the best one the CPU has), or for whatever the compiler targets elsewhere.
#include <node_api.h>

#include "log.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>
#include <cmath>
#include <ctime>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace {

typedef double v4d __attribute__((vector_size(32), aligned(8)));
typedef double v2d __attribute__((vector_size(16), aligned(8)));
typedef double v8d __attribute__((vector_size(64), aligned(8)));

struct EmState {
  uint8_t* mem;
  uint32_t docStart, docTokens, tileDoc, tileRun, runWord, runEnd, entryDoc, counts, nd, nwb, partial, topicCoef;
  int32_t countBytes, K, kp, tileDocs;
  size_t blockBytes;
  double alphaM1;
  uint32_t seedLo, seedHi;
  // This thread's initialisation scratch: each document of a tile's generator state (4 u32), a stamp per
  // document of the tile, and eight rows of draws (kp doubles each, the padding lane 0).
  std::vector<uint32_t> states, stamps;
  std::vector<double> draws;
  // The likelihood iteration's per-document terms of a tile (docLog of the wasm kernel).
  std::vector<double> docLog;
};

// ---- The log-likelihood (likelihoodTerm and likelihoodOf of the wasm kernel) ----
//
// A tile's entries of count 1 go into a running product kept in [2^-500, 2^500] by moving its binary exponent into
// an integer, the others add c·log(Σγ); at the tile's end, log(product) + exponent·ln 2 + the others. The same
// operations in the same order as the wasm kernel, with AssemblyScript's own log (log.h): the same bits.
struct Likelihood {
  double product = 1;
  int64_t exponent = 0;
  double other = 0;

  inline void add(double c, double sum) {
    if (c == 1) {
      double p = product * sum;
      if (!(p >= 0x1p-500 && p <= 0x1p500)) {
        const uint64_t bits = spotlog::f64ToBits(p);
        exponent = exponent + static_cast<int64_t>((bits >> 52) & 0x7ff) - 1023;
        p = spotlog::bitsToF64((bits & 0x800fffffffffffffull) | 0x3ff0000000000000ull);
      }
      product = p;
    } else {
      other = other + c * spotlog::log(sum);
    }
  }

  // Math.LN2 is 0x3FE62E42FEFA39EF.
  inline double value() const { return spotlog::log(product) + static_cast<double>(exponent) * spotlog::bitsToF64(0x3FE62E42FEFA39EF) + other; }
};

// With LL false the likelihood is not formed (the calls on `lik` compile away).
template <bool LL>
inline void addTerm(Likelihood& lik, double c, double sum) {
  if (LL) lik.add(c, sum);
}

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

inline v8d load8(const double* p) {
  v8d v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

inline void store8(double* p, v8d v) { std::memcpy(p, &v, sizeof v); }

inline v4d low4(v8d v) { return __builtin_shufflevector(v, v, 0, 1, 2, 3); }

inline v4d high4(v8d v) { return __builtin_shufflevector(v, v, 4, 5, 6, 7); }

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

// K = 20: runs20 and halfRun20 of the wasm kernel in one pass per entry. γ is formed once and kept (the wasm
// kernel forms the same product twice); the word's row and its partial-sum row stay in registers over the run,
// a row as two v8d and one v4d (three AVX-512 registers, or five AVX2 ones). The sum over topics adds the row's
// five quarters (v4d) in order: each lane of the result is then one of the wasm kernel's four lane sums.
template <bool LL>
__attribute__((always_inline)) inline void runs20Body(const EmState& s, int32_t rFrom, int32_t rTo, double* pBase, const double* docScale, double* dBase, Likelihood& lik) {
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
    const v8d w0 = load8(wRow), w1 = load8(wRow + 8);
    const v4d w2 = load4(wRow + 16);
    v8d p0 = load8(pRow), p1 = load8(pRow + 8);
    v4d p2 = load4(pRow + 16);
    for (; i < end; i++) {
      const size_t j = static_cast<size_t>(docAt(docs, i)) * 20;
      const double* sRow = docScale + j;
      double* nRow = dBase + j;
      const double c = countAt(cs, cb, i);
      const v8d g0 = w0 * load8(sRow), g1 = w1 * load8(sRow + 8);
      const v4d g2 = w2 * load4(sRow + 16);
      const double sum = rowSum((((low4(g0) + high4(g0)) + low4(g1)) + high4(g1)) + g2);
      addTerm<LL>(lik, c, sum);
      const double scale = c / sum;
      const v8d v0 = g0 * scale, v1 = g1 * scale;
      const v4d v2 = g2 * scale;
      store8(nRow, load8(nRow) + v0);
      store8(nRow + 8, load8(nRow + 8) + v1);
      store4(nRow + 16, load4(nRow + 16) + v2);
      p0 += v0;
      p1 += v1;
      p2 += v2;
    }
    store8(pRow, p0);
    store8(pRow + 8, p1);
    store4(pRow + 16, p2);
  }
}


// Any even row width kp (runsAny): γ through `gamma`, the sum over topics as rowSum, a trailing pair of lanes
// (kp % 4 == 2) added to the first half as the wasm kernel adds its trailing slot into s0.
template <bool LL>
__attribute__((always_inline)) inline void runsAnyBody(const EmState& s, int32_t rFrom, int32_t rTo, double* pBase, const double* docScale, double* dBase, double* gamma, Likelihood& lik) {
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
      addTerm<LL>(lik, c, sum);
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

// ---- The random initialisation (emInit of the wasm kernel) ----
//
// Each document draws from its own xoshiro128** stream (src/lda/assembly/rng.ts, keyed as Rng(seedLo, seedHi,
// 1, d)), K draws per entry in its entries' order. Eight consecutive entries of eight different documents draw
// side by side in the lanes of u32x8 vectors (the wasm kernel takes four); the draws are then spread entry by
// entry in the tile's order, so every draw and every sum is the wasm kernel's.

typedef uint32_t u32x8 __attribute__((vector_size(32)));
typedef int32_t i32x8 __attribute__((vector_size(32)));

inline uint32_t mix32(uint32_t x) {
  x = (x ^ (x >> 16)) * 0x85ebca6bu;
  x = (x ^ (x >> 13)) * 0xc2b2ae35u;
  return x ^ (x >> 16);
}

// seed4(k0, k1, k2, k3) of rng.ts: the state [a, b, c, d] at `out`.
inline void seed4(uint32_t k0, uint32_t k1, uint32_t k2, uint32_t k3, uint32_t* out) {
  uint32_t h = 0x9e3779b9u;
  for (uint32_t part : {k0, k1, k2, k3}) h = mix32((h ^ part) + 0x9e3779b9u);
  uint32_t split = h;
  for (int q = 0; q < 4; q++) {
    split += 0x9e3779b9u;
    out[q] = mix32(split);
  }
  out[3] |= 1;
}

inline uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

inline u32x8 rotl(u32x8 x, int k) { return (x << k) | (x >> (32 - k)); }

template <typename U>
inline U nextU32(U& a, U& b, U& c, U& d) {
  const U result = rotl(b * 5, 7) * 9;
  const U t = b << 9;
  c ^= a;
  d ^= b;
  b ^= c;
  a ^= d;
  c ^= t;
  d = rotl(d, 11);
  return result;
}

// K draws of the stream at `st` into `g` (advancing it); returns their sum, summed in draw order from 0.
inline double drawRow(uint32_t* st, double* g, int32_t K) {
  uint32_t a = st[0], b = st[1], c = st[2], d = st[3];
  double sum = 0;
  for (int32_t k = 0; k < K; k++) {
    const uint32_t hi = nextU32(a, b, c, d);
    const uint32_t lo = nextU32(a, b, c, d);
    const double v = (static_cast<double>(hi >> 5) * 67108864.0 + static_cast<double>(lo >> 6)) * 1.1102230246251565e-16;
    g[k] = v;
    sum += v;
  }
  st[0] = a, st[1] = b, st[2] = c, st[3] = d;
  return sum;
}

// drawRow for the eight streams st[0..7] side by side: rows 0..7 of `g` (kp apart), their sums in `sums`.
inline void drawRows8(uint32_t* const st[8], double* g, int32_t K, int32_t kp, double sums[8]) {
  u32x8 a, b, c, d;
  for (int e = 0; e < 8; e++) a[e] = st[e][0], b[e] = st[e][1], c[e] = st[e][2], d[e] = st[e][3];
  v8d sum = {0, 0, 0, 0, 0, 0, 0, 0};
  for (int32_t k = 0; k < K; k++) {
    const u32x8 hi = nextU32(a, b, c, d);
    const u32x8 lo = nextU32(a, b, c, d);
    // hi >> 5 and lo >> 6 fit 27 and 26 bits: their signed conversions are exact.
    const v8d h = __builtin_convertvector(reinterpret_cast<i32x8>(hi >> 5), v8d);
    const v8d l = __builtin_convertvector(reinterpret_cast<i32x8>(lo >> 6), v8d);
    const v8d v = (h * 67108864.0 + l) * 1.1102230246251565e-16;
    for (int e = 0; e < 8; e++) g[e * kp + k] = v[e];
    sum += v;
  }
  for (int e = 0; e < 8; e++) st[e][0] = a[e], st[e][1] = b[e], st[e][2] = c[e], st[e][3] = d[e], sums[e] = sum[e];
}

// spreadRow of the wasm kernel: g times scale added to the document's row and the word's partial row (lane by
// lane, so any vector width gives the same values).
inline void spreadRow(const double* g, double scale, double* dRow, double* pRow, int32_t kp) {
  if (kp == 20) {
    const v8d v0 = load8(g) * scale, v1 = load8(g + 8) * scale;
    const v4d v2 = load4(g + 16) * scale;
    store8(dRow, load8(dRow) + v0);
    store8(dRow + 8, load8(dRow + 8) + v1);
    store4(dRow + 16, load4(dRow + 16) + v2);
    store8(pRow, load8(pRow) + v0);
    store8(pRow + 8, load8(pRow + 8) + v1);
    store4(pRow + 16, load4(pRow + 16) + v2);
    return;
  }
  for (int32_t o = 0; o < kp; o += 2) {
    const v2d v = load2(g + o) * scale;
    store2(dRow + o, load2(dRow + o) + v);
    store2(pRow + o, load2(pRow + o) + v);
  }
}

// emInit(block, tileFrom, tileTo, scratch): the block's partial sums and its documents' N_d rows from the draws.
SPOT_CLONES void initBlock(EmState& s, int32_t block, int32_t tileFrom, int32_t tileTo) {
  uint8_t* mem = s.mem;
  const int32_t K = s.K, kp = s.kp;
  const size_t rowBytes = static_cast<size_t>(kp) * 8;
  double* pBase = reinterpret_cast<double*>(mem + s.partial + static_cast<size_t>(block) * s.blockBytes);
  std::memset(pBase, 0, s.blockBytes);
  const uint8_t* docs = mem + s.entryDoc;
  const uint8_t* cs = mem + s.counts;
  uint32_t* states = s.states.data();
  uint32_t* stamps = s.stamps.data();
  double* g = s.draws.data();
  uint32_t stamp = 0;
  for (int32_t t = tileFrom; t < tileTo; t++) {
    const int32_t d0 = i32At(mem, s.tileDoc, t);
    const int32_t n = i32At(mem, s.tileDoc, t + 1) - d0;
    for (int32_t j = 0; j < n; j++) {
      seed4(s.seedLo, s.seedHi, 1, static_cast<uint32_t>(d0 + j), states + 4 * j);
      stamps[j] = 0;
    }
    stamp = 0;
    double* dBase = reinterpret_cast<double*>(mem + s.nd + static_cast<size_t>(d0) * rowBytes);
    int32_t r = i32At(mem, s.tileRun, t);
    const int32_t rEnd = i32At(mem, s.tileRun, t + 1);
    if (r == rEnd) continue;
    int32_t i = r == 0 ? 0 : i32At(mem, s.runEnd, r - 1);
    const int32_t iEnd = i32At(mem, s.runEnd, rEnd - 1);
    auto spread = [&](int32_t entry, const double* row, double sum) {
      while (i32At(mem, s.runEnd, r) <= entry) r++;
      const size_t j = docAt(docs, entry);
      double* pRow = pBase + static_cast<size_t>(i32At(mem, s.runWord, r)) * kp;
      spreadRow(row, countAt(cs, s.countBytes, entry) / sum, dBase + j * kp, pRow, kp);
    };
    while (i < iEnd) {
      if (i + 8 <= iEnd) {
        stamp++;
        bool distinct = true;
        uint32_t* st[8];
        for (int e = 0; e < 8; e++) {
          const uint32_t j = docAt(docs, i + e);
          distinct = distinct && stamps[j] != stamp;
          stamps[j] = stamp;
          st[e] = states + 4 * j;
        }
        if (distinct) {
          double sums[8];
          drawRows8(st, g, K, kp, sums);
          for (int e = 0; e < 8; e++, i++) spread(i, g + e * kp, sums[e]);
          continue;
        }
      }
      const double sum = drawRow(states + 4 * docAt(docs, i), g, K);
      spread(i, g, sum);
      i++;
    }
  }
}

// emIterate(block, tileFrom, tileTo, scratch, LL): the scratch laid out as the wasm kernel lays it. With LL, returns
// the log-likelihood of the block's documents as the wasm kernel forms it: per tile, its entries' terms
// (Likelihood), then minus each non-empty document's tokens · log Σ_k (N_d[k] + α − 1), in the same order.
template <bool LL>
__attribute__((always_inline)) inline double iterateBody(EmState& s, int32_t block, int32_t tileFrom, int32_t tileTo, uint32_t scratch) {
  uint8_t* mem = s.mem;
  const size_t rowBytes = static_cast<size_t>(s.kp) * 8;
  double* pBase = reinterpret_cast<double*>(mem + s.partial + static_cast<size_t>(block) * s.blockBytes);
  std::memset(pBase, 0, s.blockBytes);
  double* gamma = reinterpret_cast<double*>(mem + scratch);
  double* docScale = reinterpret_cast<double*>(mem + scratch + rowBytes);
  const double* coef = reinterpret_cast<const double*>(mem + s.topicCoef);
  const double* docTokens = reinterpret_cast<const double*>(mem + s.docTokens);
  double* docLog = s.docLog.data();
  const double am1 = s.alphaM1;
  const int32_t K = s.K, kp = s.kp;
  double ll = 0;
  for (int32_t t = tileFrom; t < tileTo; t++) {
    const int32_t d0 = i32At(mem, s.tileDoc, t);
    const int32_t n = i32At(mem, s.tileDoc, t + 1) - d0;
    double* dBase = reinterpret_cast<double*>(mem + s.nd + static_cast<size_t>(d0) * rowBytes);
    for (int32_t j = 0; j < n; j++) {
      double* dRow = dBase + static_cast<size_t>(j) * kp;
      double* sRow = docScale + static_cast<size_t>(j) * kp;
      if (LL) {
        double total = 0;
        for (int32_t k = 0; k < K; k++) total += dRow[k] + am1;
        docLog[j] = docTokens[d0 + j] * spotlog::log(total);
      }
      if (kp == 20) {
        store8(sRow, (load8(dRow) + am1) * load8(coef));
        store8(sRow + 8, (load8(dRow + 8) + am1) * load8(coef + 8));
        store4(sRow + 16, (load4(dRow + 16) + am1) * load4(coef + 16));
        store8(dRow, v8d{0, 0, 0, 0, 0, 0, 0, 0});
        store8(dRow + 8, v8d{0, 0, 0, 0, 0, 0, 0, 0});
        store4(dRow + 16, v4d{0, 0, 0, 0});
        continue;
      }
      for (int32_t o = 0; o < kp; o += 2) {
        store2(sRow + o, (load2(dRow + o) + am1) * load2(coef + o));
        store2(dRow + o, v2d{0, 0});
      }
    }
    const int32_t rFrom = i32At(mem, s.tileRun, t);
    const int32_t rTo = i32At(mem, s.tileRun, t + 1);
    Likelihood lik;
    if (kp == 20) runs20Body<LL>(s, rFrom, rTo, pBase, docScale, dBase, lik);
    else runsAnyBody<LL>(s, rFrom, rTo, pBase, docScale, dBase, gamma, lik);
    if (LL) {
      ll += lik.value();
      for (int32_t j = 0; j < n; j++) {
        if (i32At(mem, s.docStart, d0 + j) != i32At(mem, s.docStart, d0 + j + 1)) ll -= docLog[j];
      }
    }
  }
  return ll;
}

SPOT_CLONES void iterate(EmState& s, int32_t block, int32_t tileFrom, int32_t tileTo, uint32_t scratch) { iterateBody<false>(s, block, tileFrom, tileTo, scratch); }

SPOT_CLONES double iterateLikelihood(EmState& s, int32_t block, int32_t tileFrom, int32_t tileTo, uint32_t scratch) {
  return iterateBody<true>(s, block, tileFrom, tileTo, scratch);
}

// emTheta(docFrom, docTo) of the wasm kernel: each N_d row divided by its sum over the topics (summed in order),
// in place; even K only, where rows are exactly K wide.
void theta(const EmState& s, int32_t docFrom, int32_t docTo) {
  double* nd = reinterpret_cast<double*>(s.mem + s.nd);
  const int32_t K = s.K, kp = s.kp;
  for (int32_t d = docFrom; d < docTo; d++) {
    double* row = nd + static_cast<size_t>(d) * kp;
    double sum = 0;
    for (int32_t k = 0; k < K; k++) sum += row[k];
    if (sum > 0) {
      for (int32_t k = 0; k < K; k++) row[k] = row[k] / sum;
    }
  }
}

// ---- The tiles (fillTileBlock of src/lda/em-tiles.ts) ----

struct FillArgs {
  const int32_t* docStart;
  const int32_t* wordIds;
  const double* counts;
  const int32_t* tileDoc;
  int32_t numWords, tileFrom, tileTo, firstRun, countBytes;
  double* docTokens;
  int32_t *tileRun, *runWord, *runEnd;
  uint16_t* entryDoc;
  uint8_t* entryCount;
};

// Block `block`'s tiles: each tile's entries by word (ascending), each word's entries in document order, as
// fillTileBlock writes them (the same bytes).
void fillBlock(const FillArgs& f) {
  const int32_t W = f.numWords;
  std::vector<int32_t> count(static_cast<size_t>(W), 0), next(static_cast<size_t>(W)), touched(static_cast<size_t>(W));
  int32_t run = f.firstRun;
  for (int32_t t = f.tileFrom; t < f.tileTo; t++) {
    f.tileRun[t] = run;
    const int32_t d0 = f.tileDoc[t], d1 = f.tileDoc[t + 1];
    const int32_t from = f.docStart[d0], to = f.docStart[d1];
    int32_t distinct = 0;
    for (int32_t i = from; i < to; i++) {
      const int32_t w = f.wordIds[i];
      if (count[w]++ == 0) touched[distinct++] = w;
    }
    if (static_cast<int64_t>(W) <= 4 * static_cast<int64_t>(to - from)) {
      int32_t n = 0;
      for (int32_t w = 0; w < W; w++)
        if (count[w] > 0) touched[n++] = w;
    } else {
      std::sort(touched.begin(), touched.begin() + distinct);
    }
    int32_t end = from;
    for (int32_t r = 0; r < distinct; r++) {
      const int32_t w = touched[r];
      next[w] = end;
      end += count[w];
      count[w] = 0;
      f.runWord[run] = w;
      f.runEnd[run++] = end;
    }
    for (int32_t d = d0; d < d1; d++) {
      const uint16_t local = static_cast<uint16_t>(d - d0);
      double tokens = 0;
      for (int32_t i = f.docStart[d]; i < f.docStart[d + 1]; i++) {
        const int32_t p = next[f.wordIds[i]]++;
        f.entryDoc[p] = local;
        const double c = f.counts[i];
        if (f.countBytes == 2) {
          const uint16_t v = static_cast<uint16_t>(c);
          std::memcpy(f.entryCount + 2 * static_cast<size_t>(p), &v, 2);
        } else if (f.countBytes == 4) {
          const float v = static_cast<float>(c);
          std::memcpy(f.entryCount + 4 * static_cast<size_t>(p), &v, 4);
        } else {
          std::memcpy(f.entryCount + 8 * static_cast<size_t>(p), &c, 8);
        }
        tokens += c;
      }
      f.docTokens[d] = tokens;
    }
  }
}

// ---- Between iterations (fitEm in src/lda/em.ts) ----

// N_w as the sum of the blocks' partial rows in block order, then the next iteration's per-topic coefficients
// 1 / (Σ_w N_w[k] + W·(β − 1)) (Σ over words in order) and N_w + (β − 1): fitEm's sumBlocks, topicTotals and
// addTo, the same operations in the same order.
SPOT_CLONES void mergeBlocks(uint8_t* mem, uint32_t partialAt, uint32_t nwAt, uint32_t nwbAt, uint32_t coefAt, int32_t W, int32_t K, int32_t kp, int32_t blocks, double beta) {
  const size_t size = static_cast<size_t>(W) * kp;
  const double* partial = reinterpret_cast<const double*>(mem + partialAt);
  double* nw = reinterpret_cast<double*>(mem + nwAt);
  double* nwb = reinterpret_cast<double*>(mem + nwbAt);
  double* coef = reinterpret_cast<double*>(mem + coefAt);
  std::memcpy(nw, partial, size * 8);
  for (int32_t b = 1; b < blocks; b++) {
    const double* p = partial + b * size;
    for (size_t i = 0; i < size; i++) nw[i] += p[i];
  }
  std::vector<double> totals(static_cast<size_t>(K), 0.0);
  for (int32_t w = 0; w < W; w++) {
    const double* row = nw + static_cast<size_t>(w) * kp;
    for (int32_t k = 0; k < K; k++) totals[k] += row[k];
  }
  for (int32_t k = 0; k < K; k++) coef[k] = 1 / (totals[k] + W * (beta - 1));
  const double bm1 = beta - 1;
  for (size_t i = 0; i < size; i++) nwb[i] = nw[i] + bm1;
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
// entryDoc, counts, countBytes, nd, nwb, partial, topicCoef, k, kp, numWords, maxTileDocs, alpha, seedLo,
// seedHi, docTokens) → handle.
napi_value Setup(napi_env env, napi_callback_info info) {
  size_t argc = 21;
  napi_value argv[21];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc != 21) return fail(env, "emSetup: 21 arguments expected");
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
  ok = ok && napi_get_value_double(env, argv[17], &alpha) == napi_ok && u32Arg(env, argv[18], &s->seedLo) && u32Arg(env, argv[19], &s->seedHi) &&
       u32Arg(env, argv[20], &s->docTokens);
  if (!ok || s->K < 1 || s->kp < s->K || s->tileDocs < 1 || s->kp < 2 || (s->kp & 1) != 0 || numWords < 0 || (s->countBytes != 2 && s->countBytes != 4 && s->countBytes != 8)) {
    delete s;
    return fail(env, "emSetup: invalid arguments");
  }
  s->blockBytes = static_cast<size_t>(numWords) * static_cast<size_t>(s->kp) * 8;
  s->alphaM1 = alpha - 1;
  s->states.assign(static_cast<size_t>(s->tileDocs) * 4, 0);
  s->stamps.assign(static_cast<size_t>(s->tileDocs), 0);
  s->draws.assign(static_cast<size_t>(s->kp) * 8, 0);
  s->docLog.assign(static_cast<size_t>(s->tileDocs), 0);
  napi_value handle;
  if (napi_create_external(env, s, finalizeState, nullptr, &handle) != napi_ok) {
    delete s;
    return fail(env, "emSetup: cannot create the handle");
  }
  return handle;
}

// The arguments of emInit and emIterate: (handle, block, tileFrom, tileTo), and emIterate's scratch offset.
EmState* blockCall(napi_env env, napi_callback_info info, const char* name, size_t want, int32_t range[3], uint32_t* scratch, bool* likelihood = nullptr) {
  size_t argc = 6;
  napi_value argv[6];
  void* data = nullptr;
  bool ok = napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) == napi_ok && argc == want && napi_get_value_external(env, argv[0], &data) == napi_ok;
  for (int a = 0; a < 3; a++) ok = ok && i32Arg(env, argv[1 + a], &range[a]);
  if (want >= 5) ok = ok && u32Arg(env, argv[4], scratch);
  if (want == 6) ok = ok && napi_get_value_bool(env, argv[5], likelihood) == napi_ok;
  if (!ok || range[0] < 0 || range[1] < 0 || range[2] < range[1]) {
    napi_throw_error(env, nullptr, name);
    return nullptr;
  }
  return static_cast<EmState*>(data);
}

// emIterate(handle, block, tileFrom, tileTo, scratch, withLikelihood): one Jacobi step over the tiles; returns the
// block's log-likelihood when withLikelihood, else 0.
napi_value Iterate(napi_env env, napi_callback_info info) {
  int32_t range[3];
  uint32_t scratch = 0;
  bool likelihood = false;
  EmState* s = blockCall(env, info, "emIterate: invalid arguments", 6, range, &scratch, &likelihood);
  if (!s) return nullptr;
  double ll = 0;
  if (likelihood) ll = iterateLikelihood(*s, range[0], range[1], range[2], scratch);
  else iterate(*s, range[0], range[1], range[2], scratch);
  napi_value out;
  napi_create_double(env, ll, &out);
  return out;
}


// emTheta(handle, block, docFrom, docTo): θ of the block's documents [docFrom, docTo) in place of their N_d rows.
napi_value Theta(napi_env env, napi_callback_info info) {
  int32_t range[3];
  EmState* s = blockCall(env, info, "emTheta: invalid arguments", 4, range, nullptr);
  if (s) theta(*s, range[1], range[2]);
  return nullptr;
}

// emInit(handle, block, tileFrom, tileTo): the random initialisation of the block's tiles.
napi_value Init(napi_env env, napi_callback_info info) {
  int32_t range[3];
  EmState* s = blockCall(env, info, "emInit: invalid arguments", 4, range, nullptr);
  if (s) initBlock(*s, range[0], range[1], range[2]);
  return nullptr;
}

template <typename T>
bool typedArg(napi_env env, napi_value v, napi_typedarray_type want, T** out, size_t* length) {
  napi_typedarray_type type;
  void* data;
  if (napi_get_typedarray_info(env, v, &type, length, &data, nullptr, nullptr) != napi_ok || type != want) return false;
  *out = static_cast<T*>(data);
  return true;
}

// The arguments of a call on the kernels' memory: exactly `want` of them, the first a Uint8Array over the memory.
bool memoryCall(napi_env env, napi_callback_info info, size_t want, napi_value* argv, uint8_t** mem, size_t* length) {
  size_t argc = want;
  return napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) == napi_ok && argc == want && typedArg(env, argv[0], napi_uint8_array, mem, length);
}

// emFillBlock(memory: Uint8Array, docStart: Int32Array, wordIds: Int32Array, counts: Float64Array, tileDoc:
// Int32Array, numWords, tileFrom, tileTo, firstRun, docTokens, tileRun, runWord, runEnd, entryDoc, counts' offset,
// countBytes): fillTileBlock for one block (the corpus arrays checked by the caller: ids below numWords, runs and
// tiles as planTiles counted them).
napi_value FillBlock(napi_env env, napi_callback_info info) {
  size_t argc = 16;
  napi_value argv[16];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc != 16) return fail(env, "emFillBlock: 16 arguments expected");
  uint8_t* mem;
  const int32_t *docStart, *wordIds, *tileDoc;
  const double* counts;
  size_t memLength, n1, n2, n3, n4;
  FillArgs f;
  uint32_t at[6];
  bool ok = typedArg(env, argv[0], napi_uint8_array, &mem, &memLength) && typedArg(env, argv[1], napi_int32_array, &docStart, &n1) &&
            typedArg(env, argv[2], napi_int32_array, &wordIds, &n2) && typedArg(env, argv[3], napi_float64_array, &counts, &n3) &&
            typedArg(env, argv[4], napi_int32_array, &tileDoc, &n4) && i32Arg(env, argv[5], &f.numWords) && i32Arg(env, argv[6], &f.tileFrom) &&
            i32Arg(env, argv[7], &f.tileTo) && i32Arg(env, argv[8], &f.firstRun);
  for (int a = 0; a < 6; a++) ok = ok && u32Arg(env, argv[9 + a], &at[a]);
  ok = ok && i32Arg(env, argv[15], &f.countBytes);
  if (!ok || f.tileFrom < 0 || f.tileTo < f.tileFrom || static_cast<size_t>(f.tileTo) >= n4 || f.numWords < 0) return fail(env, "emFillBlock: invalid arguments");
  f.docStart = docStart, f.wordIds = wordIds, f.counts = counts, f.tileDoc = tileDoc;
  f.docTokens = reinterpret_cast<double*>(mem + at[0]);
  f.tileRun = reinterpret_cast<int32_t*>(mem + at[1]);
  f.runWord = reinterpret_cast<int32_t*>(mem + at[2]);
  f.runEnd = reinterpret_cast<int32_t*>(mem + at[3]);
  f.entryDoc = reinterpret_cast<uint16_t*>(mem + at[4]);
  f.entryCount = mem + at[5];
  fillBlock(f);
  return nullptr;
}

// mathLog(values: Float64Array): each value replaced by its log as AssemblyScript's Math.log forms it (log.h), for
// the test that compares the two bit for bit.
napi_value MathLog(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  double* values;
  size_t length;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc != 1 || !typedArg(env, argv[0], napi_float64_array, &values, &length)) {
    return fail(env, "mathLog: a Float64Array expected");
  }
  for (size_t i = 0; i < length; i++) values[i] = spotlog::log(values[i]);
  return nullptr;
}

// emMerge(memory: Uint8Array, partial, nw, nwb, topicCoef, numWords, k, kp, blocks, beta): mergeBlocks.
napi_value Merge(napi_env env, napi_callback_info info) {
  napi_value argv[10];
  uint8_t* mem;
  size_t length;
  uint32_t at[4];
  int32_t n[4];
  double beta;
  bool ok = memoryCall(env, info, 10, argv, &mem, &length);
  for (int a = 0; a < 4; a++) ok = ok && u32Arg(env, argv[1 + a], &at[a]);
  for (int a = 0; a < 4; a++) ok = ok && i32Arg(env, argv[5 + a], &n[a]);
  ok = ok && napi_get_value_double(env, argv[9], &beta) == napi_ok;
  if (!ok || n[0] < 0 || n[1] < 1 || n[2] < n[1] || n[3] < 1) return fail(env, "emMerge: invalid arguments");
  const uint64_t size = static_cast<uint64_t>(n[0]) * static_cast<uint64_t>(n[2]) * 8;
  for (int a = 0; a < 4; a++) {
    const uint64_t bytes = a == 0 ? size * n[3] : a == 3 ? static_cast<uint64_t>(n[2]) * 8 : size;
    if (at[a] + bytes > length) return fail(env, "emMerge: an array lies outside the memory");
  }
  mergeBlocks(mem, at[0], at[1], at[2], at[3], n[0], n[1], n[2], n[3], beta);
  return nullptr;
}

// adviseHugePages(memory: Uint8Array): asks Linux for transparent huge pages over the kernels' memory before its
// first touch (a fresh 4 KiB page costs about 4 ms of CPU per MiB on this VM; a 2 MiB page far less per byte).
// Returns whether the advice was taken; elsewhere, or when refused, nothing changes.
napi_value AdviseHugePages(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  uint8_t* mem;
  size_t length;
  if (!memoryCall(env, info, 1, argv, &mem, &length)) return fail(env, "adviseHugePages: a Uint8Array expected");
  bool taken = false;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  const uintptr_t huge = uintptr_t(2) << 20;
  const uintptr_t from = (reinterpret_cast<uintptr_t>(mem) + huge - 1) & ~(huge - 1);
  const uintptr_t to = (reinterpret_cast<uintptr_t>(mem) + length) & ~(huge - 1);
  if (to > from) taken = madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE) == 0;
#endif
  napi_value out;
  napi_get_boolean(env, taken, &out);
  return out;
}

// threadCpuMs(): the CPU time of the calling thread in ms (the fit's timeline, src/lda/trace.ts); NaN where the
// clock is missing.
napi_value ThreadCpuMs(napi_env env, napi_callback_info) {
  double ms = NAN;
#if defined(CLOCK_THREAD_CPUTIME_ID)
  timespec ts;
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0) ms = static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
#endif
  napi_value out;
  napi_create_double(env, ms, &out);
  return out;
}

// releasePagesOutside(memory: Uint8Array, from, to): once a fit is over, the memory's whole pages outside bytes
// [from, to) are given back to the OS (MADV_DONTNEED: they read as zeros if touched again), so that a model whose θ
// is a view of the N_d rows keeps only those rows resident. Returns the bytes released (0 where not supported).
napi_value ReleasePagesOutside(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  uint8_t* mem;
  size_t length;
  double range[2];
  const bool ok = memoryCall(env, info, 3, argv, &mem, &length) && napi_get_value_double(env, argv[1], &range[0]) == napi_ok &&
                  napi_get_value_double(env, argv[2], &range[1]) == napi_ok;
  if (!ok || !(range[0] >= 0 && range[0] <= range[1] && range[1] <= static_cast<double>(length))) return fail(env, "releasePagesOutside: invalid arguments");
  double released = 0;
#if defined(__linux__) && defined(MADV_DONTNEED)
  const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const uintptr_t base = reinterpret_cast<uintptr_t>(mem);
  const uintptr_t keepFrom = base + static_cast<uintptr_t>(range[0]), keepTo = base + static_cast<uintptr_t>(range[1]), end = base + length;
  // Whole pages only: [base, keepFrom) rounded inwards, and [keepTo, end) rounded inwards.
  const uintptr_t spans[2][2] = {{(base + page - 1) & ~(page - 1), keepFrom & ~(page - 1)}, {(keepTo + page - 1) & ~(page - 1), end & ~(page - 1)}};
  for (const auto& span : spans) {
    if (span[1] > span[0] && madvise(reinterpret_cast<void*>(span[0]), span[1] - span[0], MADV_DONTNEED) == 0) released += static_cast<double>(span[1] - span[0]);
  }
#endif
  napi_value out;
  napi_create_double(env, released, &out);
  return out;
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
      {"releasePagesOutside", nullptr, ReleasePagesOutside, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"adviseHugePages", nullptr, AdviseHugePages, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"emMerge", nullptr, Merge, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"emFillBlock", nullptr, FillBlock, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"emInit", nullptr, Init, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"emIterate", nullptr, Iterate, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"emTheta", nullptr, Theta, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"mathLog", nullptr, MathLog, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"threadCpuMs", nullptr, ThreadCpuMs, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"isa", nullptr, Isa, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
