#!/usr/bin/env bash
# The real-browser test of report.html: make reports from short runs (a run, a comparison,
# a reference-model run, a grid sweep and a Sobol sweep) in release mode, open each in headless Chromium with no network,
# check that it loads with no console error and that every picture rendered, and save
# screenshots to target/ci-artifacts/. Needs Debian's chromium (installed here if missing)
# and Node 20 or later (no npm packages). Each report's figures are also saved one by one
# (report-compare-compare_map_events.png, …) for review.
set -euo pipefail
cd "$(dirname "$0")/.."

. .ci/browser-setup.sh

art=target/ci-artifacts
rm -rf "$art"
mkdir -p "$art"
$bin run tests/fixtures/short_run.ron --out "$art/run" >/dev/null
$bin compare tests/fixtures/short_run.ron tests/fixtures/policy_short.ron --replicates 3 --out "$art/compare" >/dev/null
$bin run scenarios/reference/epstein.ron --replicates 3 --out "$art/epstein" >/dev/null
$bin sweep tests/fixtures/sweep_grid.ron --out "$art/sweep" >/dev/null
$bin sweep tests/fixtures/sweep_epstein.ron --out "$art/sweep-sobol" >/dev/null

profile=$(mktemp -d)
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-extensions --no-default-browser-check \
    --user-data-dir="$profile" --remote-debugging-port=0 about:blank \
    >"$art/chromium.log" 2>&1 &
browser=$!
# Chromium's helper processes can still be writing the profile for a moment after the main
# process ends; a profile left behind in the temporary folder must not fail the test.
cleanup() {
    kill "$browser" 2>/dev/null || true
    wait "$browser" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        rm -rf "$profile" 2>/dev/null && return 0
        sleep 0.5
    done
    echo "note: could not remove the Chromium profile $profile" >&2
    return 0
}
trap cleanup EXIT
for _ in $(seq 1 100); do
    [ -s "$profile/DevToolsActivePort" ] && break
    sleep 0.1
done
port=$(sed -n 1p "$profile/DevToolsActivePort")
path=$(sed -n 2p "$profile/DevToolsActivePort")
node --experimental-websocket --no-warnings .ci/browser-check.mjs "ws://127.0.0.1:$port$path" \
    "$art/run/report.html:$art/report.png" \
    "$art/compare/report.html:$art/report-compare.png" \
    "$art/epstein/report.html:$art/report-epstein.png" \
    "$art/sweep/report.html:$art/report-sweep.png" \
    "$art/sweep-sobol/report.html:$art/report-sweep-sobol.png"
