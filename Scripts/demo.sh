#!/usr/bin/env bash
# Sets up a fresh machine and shows wdb on the shipped example, Examples/loop.wat: a short tour
# of the batch tools, then the interactive debugger on the module (type `help`, `quit` to leave;
# with stdin not a terminal it runs the piped commands and exits).
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
Scripts/build-release.sh
WDB=.build/release/wdb
set -x
$WDB validate Examples/loop.wat
$WDB dump -d Examples/loop.wat
$WDB run --invoke fact Examples/loop.wat 20
$WDB run --invoke count_to Examples/loop.wat 10
exec $WDB Examples/loop.wat
