#!/usr/bin/env python3
"""Population rate of the gl_large run (rate.csv: t_ms, rate_hz in 1 ms bins).
Usage: plot.py rate.csv out.png"""
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

path, png = sys.argv[1], sys.argv[2]
d = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
fig, ax = plt.subplots(figsize=(9, 3.5))
ax.plot(d[:, 0], d[:, 1], lw=0.8, color="tab:blue")
ax.set_xlabel("time (ms)")
ax.set_ylabel("rate (Hz), 1 ms bins")
ax.set_title("gl_large: procedural pairwise_bernoulli, no synapse stored")
fig.tight_layout()
fig.savefig(png, dpi=120)
