{
  "targets": [
    {
      "target_name": "em_native",
      "sources": ["src/lda/native/em.cc"],
      "include_dirs": ["dist/native"],
      "cflags_cc": ["-O3", "-ffp-contract=off", "-fno-fast-math", "-std=c++17", "-Wno-psabi"],
      "cflags_cc!": ["-fno-exceptions"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
