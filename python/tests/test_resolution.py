"""The resolution is a whole number of tics (0.001 ms) per step (issue 16, item 12b).

Time is kept as an integer count of tics per step, so a resolution off the tic grid is refused
with a message naming the value and the nearest grid value (it was accepted unrounded, and
sg_time drifted from the grid); the rounding error of a decimal text (0.1 + 0.2) is not "off the
grid" and is taken as the grid value.
"""
import pytest

import spikegpu

CPU = dict(backend="cpu", threads=1)


@pytest.mark.parametrize("h,nearest", [(0.1000000001, "0.1"), (0.10000000001, "0.1"), (0.2505, None)])
def test_off_grid_resolution_refused(h, nearest):
    with pytest.raises(spikegpu.ArgumentError, match=r"resolution_ms = .*multiple of the tic \(0.001 ms\)") as e:
        spikegpu.Simulator(resolution=h, **CPU)
    if nearest:
        assert f"the nearest is {nearest} ms" in str(e.value)


def test_decimal_rounding_is_on_the_grid():
    h = 0.1 + 0.2   # 0.30000000000000004
    with spikegpu.Simulator(resolution=h, **CPU) as sim:
        n = sim.create("gl_exp", 1)
        sr = sim.create("spike_recorder")
        sim.connect(n, sr)
        sim.simulate(3.0)
        assert sim.steps == 10
        assert sim.time == 3.0   # 10 steps of the grid value 0.3, not of 0.30000000000000004
