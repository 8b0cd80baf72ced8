#!/usr/bin/env bash
# Side-by-side benchmark of issue 13: builds the release server, installs PostGraphile 4 into
# bench/node_modules (pinned by bench/package-lock.json), installs wrk if missing, then runs
# bench/bench.py (throwaway PostgreSQL, ten-year data set, one table on stdout), which also runs
# the mail bench (benches/mail.rs: 10,000 mails to a loopback SMTP sink, SQLite and PostgreSQL).
#   bench/run.sh            full run (about 10 minutes on 2 cores; SECONDS_PER_RUN=10 by default)
#   bench/run.sh --smoke    the small demo, 1 s per run, no PostGraphile (a minute once built)
# Not part of `cargo test`: it needs minutes of CPU and a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
smoke=""
[ "${1:-}" = "--smoke" ] && smoke="--smoke"
command -v wrk >/dev/null || { echo "installing wrk" >&2; apt-get install -y wrk >/dev/null; }
if [ -n "$smoke" ] && [ -x target/release/teilhabe ] && [ -z "${BENCH_REBUILD:-}" ]; then
  echo "smoke: using the existing target/release/teilhabe (BENCH_REBUILD=1 rebuilds)" >&2
else
  cargo build --release --bin teilhabe >&2
fi
# The mail bench's executable (benches/mail.rs), run by bench.py against its own cluster.
built=$(cargo bench --bench mail --no-run 2>&1) || { echo "$built" >&2; exit 1; }
mail_bench=$(grep -o 'target/release/deps/mail-[0-9a-f]*' <<<"$built" | tail -1 || true)
if [ -z "$smoke" ] && [ ! -x bench/node_modules/.bin/postgraphile ]; then
  (cd bench && npm ci --no-audit --no-fund >&2)
fi
exec python3 bench/bench.py --binary target/release/teilhabe --mail-bench "$mail_bench" --seconds "${SECONDS_PER_RUN:-10}" $smoke "$@"
