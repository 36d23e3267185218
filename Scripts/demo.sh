#!/usr/bin/env bash
# Sets up a fresh machine and shows wdb on the shipped example, Examples/loop.wat.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
swift build -c release --product wdb
WDB=.build/release/wdb
set -x
$WDB validate Examples/loop.wat
$WDB dump -d Examples/loop.wat
$WDB run --invoke fact Examples/loop.wat 20
