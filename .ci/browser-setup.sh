# Sourced by the browser checks (.ci/browser-test.sh, .ci/explorer-test.sh), from the
# repository root: installs Debian's chromium if missing and sets `bin` to the program to
# test: $SAHELSIM_BIN where given (a program already built, say a debug build while editing
# the plots), otherwise the release build, built here.
if ! command -v chromium >/dev/null; then
    echo "installing chromium"
    apt-get install -y chromium >/dev/null || { apt-get update >/dev/null && apt-get install -y chromium >/dev/null; }
fi
if [ -n "${SAHELSIM_BIN:-}" ]; then
    bin=$SAHELSIM_BIN
else
    cargo build --release --locked --quiet
    bin=target/release/sahelsim
fi
