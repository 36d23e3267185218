#!/usr/bin/env bash
# Sets up a fresh machine (Scripts/setup.sh), builds wdb in release (Scripts/build-release.sh)
# and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
Scripts/build-release.sh
swift test
