#!/usr/bin/env bash
# Sets up a fresh machine (Scripts/setup.sh) and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
swift build -c release --product wdb
swift test
