#!/usr/bin/env python3
"""exp-ziggurat-tables.py: write sim/engine/exp_ziggurat.hpp, the tables of
RandomStream::exponential()'s 256-layer ziggurat for the standard
exponential (Marsaglia & Tsang 2000, "The Ziggurat Method for Generating
Random Variables", J. Stat. Software 5(8): their zigset() for 53-bit
integers), computed with 50-digit decimals and each value rounded once, so
that every platform draws the same numbers. Run from the repository root."""
import subprocess
from decimal import Decimal as D, getcontext

getcontext().prec = 50
N = 256
R = D("7.69711747013104971665373015172")  # x_255: the lowest rectangle's right edge
V = D("0.003949659822581571993058235085")  # the area of every layer
M = D(2) ** 53

k = [0] * N
w = [D(0)] * N
f = [D(0)] * N
x = R
q = V / (-x).exp()
k[0] = int(x / q * M)
k[1] = 0
w[0] = q / M
w[N - 1] = x / M
f[0] = D(1)
f[N - 1] = (-x).exp()
for i in range(N - 2, 0, -1):
    below = x
    x = -((V / x + (-x).exp()).ln())
    k[i + 1] = int(x / below * M)
    f[i] = (-x).exp()
    w[i] = x / M


def rows(vals, per, fmt):
    return "\n".join("    " + ", ".join(fmt(v) for v in vals[i:i + per]) + ","
                     for i in range(0, len(vals), per))


HEADER = """// exp_ziggurat.hpp: the tables of RandomStream::exponential(), a
// 256-layer ziggurat for the standard exponential (Marsaglia & Tsang 2000,
// "The Ziggurat Method for Generating Random Variables", J. Stat. Software
// 5(8); their zigset() for 53-bit integers). Layer i (1..255) is the
// rectangle [0, x_i) x [f(x_i), f(x_(i-1))) with f(x) = exp(-x),
// x_255 = r = 7.697117470131049717, x_1 = %s, f(x_0) = 1; layer 0
// is [0, r) x [0, f(r)) with the tail beyond r, of the same area
// v = 0.003949659822581572. Written out, not computed at start-up, so that
// every platform draws the same numbers: scripts/exp-ziggurat-tables.py
// made them (50-digit decimals, each rounded once).
#pragma once

#include <cstdint>

namespace ipistorm::engine::ziggurat {

inline constexpr double kR = 7.69711747013104971665;  // x_255: the tail starts here
// A 53-bit integer j in layer i lies under the curve when j < kK[i]:
// kK[i] = x_(i-1) / x_i * 2^53 (kK[0] = r / (v / f(r)) * 2^53, kK[1] = 0).
inline constexpr std::uint64_t kK[256] = {
%s
};
// kW[i] = x_i / 2^53 (kW[0] = v / f(r) / 2^53): the draw is j * kW[i].
inline constexpr double kW[256] = {
%s
};
// kF[i] = f(x_i) = exp(-x_i), kF[0] = 1: the wedge test.
inline constexpr double kF[256] = {
%s
};

}  // namespace ipistorm::engine::ziggurat
""" % (str(x)[:12], rows(k, 4, lambda v: f"{v}u"), rows([float(a).hex() for a in w], 3, str),
       rows([float(a).hex() for a in f], 3, str))
OUT = "sim/engine/exp_ziggurat.hpp"
open(OUT, "w").write(HEADER)
subprocess.run(["clang-format", "-i", OUT], check=True)  # as scripts/check-format.sh wants it
