#!/usr/bin/env bash
# Builds the web app and the server, then runs teilhabe on SQLite at http://127.0.0.1:8080.
# Without TEILHABE_ADMIN_EMAIL/TEILHABE_ADMIN_PASSWORD a first admin admin@example.org is created
# on an empty database and its password printed once.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --prefix frontend --no-audit --no-fund
npm run --prefix frontend build
cargo build --release --bin teilhabe
if [ -z "${TEILHABE_ADMIN_EMAIL:-}" ] && [ ! -e teilhabe.db ] && [ -z "${TEILHABE_DATABASE_URL:-}" ]; then
  export TEILHABE_ADMIN_EMAIL=admin@example.org
  TEILHABE_ADMIN_PASSWORD="$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')"
  export TEILHABE_ADMIN_PASSWORD
  echo "First start: log in as $TEILHABE_ADMIN_EMAIL with password $TEILHABE_ADMIN_PASSWORD"
fi
exec ./target/release/teilhabe serve "$@"
