#!/usr/bin/env bash
# Runs the whole test suite, installing first whatever a fresh machine lacks.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo test --release
