#!/usr/bin/env bash
# The explorer in a real browser: start `sahelsim serve` on a free port, drive it in headless
# Chromium with Playwright (.ci/explorer/drive.mjs: load the baseline, add a protection
# programme in one region, run 2 replicates of a short period, scrub the map, read the
# comparison, download the scenario and the report, upload a scenario named with markup,
# cancel a long run), then check the downloaded scenario with `sahelsim check`. Fails on any
# console error or failed request; screenshots go to target/ci-artifacts/explorer/.
# Needs Debian's chromium (installed here if missing), Node 20 or later and npm (Playwright's
# core library only, from .ci/explorer/package-lock.json; it drives the system Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

. .ci/browser-setup.sh
(cd .ci/explorer && npm ci --no-audit --no-fund --silent)

art=target/ci-artifacts/explorer
rm -rf "$art"
mkdir -p "$art"

downloaded=scenarios/.explorer-ci-download.ron
server=
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null || true
    rm -f "$downloaded"
}
trap cleanup EXIT
"$bin" serve --port 0 --work "$art/work" >"$art/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
    grep -q "http://" "$art/serve.log" 2>/dev/null && break
    sleep 0.1
done
url=$(grep -o 'http://[0-9.:]*/' "$art/serve.log" | head -1)
[ -n "$url" ] || { echo "the server did not start:"; cat "$art/serve.log"; exit 1; }
echo "explorer at $url"

node .ci/explorer/drive.mjs "$url" "$art"

# The file the form wrote is one the command line takes: it extends baseline.ron, so it is
# checked from the scenarios folder, where the explorer tells its user to keep it.
cp "$art/explorer-download.ron" "$downloaded"
"$bin" check "$downloaded"
