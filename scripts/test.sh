#!/usr/bin/env bash
# The whole test suite: lints, the web app's checks and unit tests, the Rust suite on SQLite and on a
# throwaway PostgreSQL cluster, and the browser tests in Chromium against the real server.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "frontend: install, lint, typecheck, unit tests, build"
npm ci --prefix frontend --no-audit --no-fund
npm run --prefix frontend lint
npm run --prefix frontend typecheck
npm test --prefix frontend
npm run --prefix frontend build

step "rust: format and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets -- -D warnings

step "rust: unit and integration tests (SQLite and PostgreSQL)"
cargo test --workspace --all-targets

step "browser tests (Chromium)"
cargo build --bin teilhabe
TEILHABE_BIN="$PWD/target/debug/teilhabe" npm run --prefix frontend e2e
