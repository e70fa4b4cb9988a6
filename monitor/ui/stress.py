"""The stress-curve grid the window draws: −50 % … +50 %, one point per half percent."""

from __future__ import annotations

import numpy as np

STRESS_MOVES = np.linspace(-0.5, 0.5, 201)
