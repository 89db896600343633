// sweep.hpp: a sweep is a grid (grid.hpp) run on the pool (pool.hpp) and
// written as rows (sweep_output.hpp).
#pragma once

#include "study/grid.hpp"
#include "study/pool.hpp"
#include "study/sweep_output.hpp"
