#!/usr/bin/env bash
# regen-golden.sh: rewrite the golden summary of the canonical scenarios.
# Run only when a model change is meant to move the figures; commit the diff
# with the reason.
set -eu
cd "$(dirname "$0")/.."
build/bin/ipistorm reproduce -j 2 > sim/tests/golden/reproduce.txt || true
git diff --stat sim/tests/golden/reproduce.txt
