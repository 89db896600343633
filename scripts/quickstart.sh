#!/usr/bin/env bash
# quickstart.sh: install what the project needs, build it (Release) and run
# the main job, `ipistorm reproduce`: the 2009 report's scenarios beside the
# report's figures. It exits 0 when the run succeeds; `reproduce --check`
# exits 1 while a figure is outside its tolerance (README "Reproduction targets").
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DPython_EXECUTABLE=/usr/bin/python3 >/dev/null
cmake --build build -j "$(nproc)"
exec build/bin/ipistorm reproduce
