#!/bin/sh
# Long fuzzing run of the hardening checks (the test suite runs 200 cases of each kind).
# Usage: scripts/fuzz.sh [CASES] [SEED]     e.g. scripts/fuzz.sh 5000 42
set -e
cd "$(dirname "$0")/.."
npm run build >/dev/null
SPOT_ML_FUZZ_CASES="${1:-2000}" SPOT_ML_FUZZ_SEED="${2:-20160505}" node --test --test-reporter=spec dist/test/hardening/fuzz.test.js
