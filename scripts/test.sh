#!/usr/bin/env bash
# Runs the whole test suite, installing first whatever a fresh machine lacks.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo test --release --no-run
# The suite takes about three minutes here; a test that hangs fails it with a
# message instead of holding CI until its own limit.
timeout 30m cargo test --release || {
    status=$?
    [ "$status" = 124 ] && echo "test.sh: the tests did not finish in 30 minutes; one of them hangs" >&2
    exit "$status"
}
