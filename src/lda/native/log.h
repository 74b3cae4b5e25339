// AssemblyScript's Math.log (f64) in C++, bit for bit: log_lut of
// node_modules/assemblyscript/std/assembly/util/math.ts (what `asc -O3`, shrink level 0, compiles Math.log to),
// the ARM optimized-routines / musl log without the FMA path. The same tables (log-table.h, generated from AssemblyScript's source at build time), the same operations
// in the same order; built with -ffp-contract=off so that no multiply-add is fused (glibc's log takes its FMA
// variant on this machine, hence its own copy here). The native em kernel's likelihood iteration uses it, so its
// log-likelihood is the wasm kernel's; test lda-native-log compares the two on millions of values.
#pragma once
#include <cstdint>
#include <cstring>

// LOG_TAB1 (invc, logc) and LOG_TAB2 (chi, clo): generated at build time from AssemblyScript's own source
// (scripts/build-native.mjs writes dist/native/log-table.h).
#include "log-table.h"

namespace spotlog {

inline double bitsToF64(uint64_t u) {
  double x;
  std::memcpy(&x, &u, 8);
  return x;
}

inline uint64_t f64ToBits(double x) {
  uint64_t u;
  std::memcpy(&u, &x, 8);
  return u;
}

inline double log(double x) {
  const double B0 = bitsToF64(0xBFE0000000000000), B1 = bitsToF64(0x3FD5555555555577), B2 = bitsToF64(0xBFCFFFFFFFFFFDCB),
               B3 = bitsToF64(0x3FC999999995DD0C), B4 = bitsToF64(0xBFC55555556745A7), B5 = bitsToF64(0x3FC24924A344DE30),
               B6 = bitsToF64(0xBFBFFFFFA4423D65), B7 = bitsToF64(0x3FBC7184282AD6CA), B8 = bitsToF64(0xBFB999EB43B068FF),
               B9 = bitsToF64(0x3FB78182F7AFD085), B10 = bitsToF64(0xBFB5521375D145CD);
  const double A0 = bitsToF64(0xBFE0000000000001), A1 = bitsToF64(0x3FD555555551305B), A2 = bitsToF64(0xBFCFFFFFFFEB4590),
               A3 = bitsToF64(0x3FC999B324F10111), A4 = bitsToF64(0xBFC55575E506C89F);
  const uint64_t LO = 0x3FEE000000000000, HI = 0x3FF1090000000000;
  const double Ln2hi = bitsToF64(0x3FE62E42FEFA3800), Ln2lo = bitsToF64(0x3D2EF35793C76730), Ox1p27 = bitsToF64(0x41A0000000000000),
               Ox1p52 = bitsToF64(0x4330000000000000);

  uint64_t ix = f64ToBits(x);
  if (ix - LO < HI - LO) {
    const double r = x - 1.0;
    const double r2 = r * r;
    const double r3 = r2 * r;
    const double y = r3 * (B1 + r * B2 + r2 * B3 + r3 * (B4 + r * B5 + r2 * B6 + r3 * (B7 + r * B8 + r2 * B9 + r3 * B10)));
    double w = r * Ox1p27;
    const double rhi = r + w - w;
    const double rlo = r - rhi;
    w = rhi * rhi * B0;
    const double hi = r + w;
    double lo = r - hi + w;
    lo += B0 * rlo * (rhi + r);
    return y + lo + hi;
  }
  const uint32_t top = static_cast<uint32_t>(ix >> 48);
  if (top - 0x0010u >= 0x7FF0u - 0x0010u) {
    if ((ix << 1) == 0) return -1.0 / (x * x);
    if (ix == 0x7FF0000000000000ull) return x;
    if ((top & 0x8000) || (top & 0x7FF0) == 0x7FF0) return (x - x) / (x - x);
    ix = f64ToBits(x * Ox1p52);
    ix -= uint64_t(52) << 52;
  }
  const uint64_t tmp = ix - 0x3FE6000000000000;
  const size_t i = static_cast<size_t>((tmp >> (52 - 7)) & 127);
  const int64_t k = static_cast<int64_t>(tmp) >> 52;
  const uint64_t iz = ix - (tmp & (uint64_t(0xFFF) << 52));
  const double invc = bitsToF64(LOG_TAB1[2 * i]);
  const double logc = bitsToF64(LOG_TAB1[2 * i + 1]);
  const double z = bitsToF64(iz);
  const double chi = bitsToF64(LOG_TAB2[2 * i]);
  const double clo = bitsToF64(LOG_TAB2[2 * i + 1]);
  const double r = (z - chi - clo) * invc;
  const double kd = static_cast<double>(k);
  const double w = kd * Ln2hi + logc;
  const double hi = w + r;
  const double lo = w - hi + r + kd * Ln2lo;
  const double r2 = r * r;
  return lo + r2 * A0 + r * r2 * (A1 + r * A2 + r2 * (A3 + r * A4)) + hi;
}

}  // namespace spotlog
