"""The lab's one seeded random source.

A counter-based generator (numpy's Philox) keyed by the lab's seed. Each draw is addressed by
(the number of events recorded so far, the draw's index since the last event or command start),
so the values a call sees depend only on the seed and the lab's history -- a lab replayed from its
event table continues with exactly the same draws, and a call that failed (and left no trace)
cannot shift the draws of later calls.
"""

from __future__ import annotations

import numpy as np

__all__ = ["LabRandom"]


class LabRandom:
    def __init__(self, seed: int) -> None:
        self.seed = int(seed)
        self._position = 0
        self._draw = 0

    def reset(self, position: int) -> None:
        """Called at every command start and after every recorded event."""
        self._position = position
        self._draw = 0

    def generator(self) -> np.random.Generator:
        """A fresh numpy Generator for the next draw address."""
        key = (self.seed & 0xFFFFFFFFFFFFFFFF, 0x6563736C6162)  # 'ecslab'
        counter = (self._position, self._draw, 0, 0)
        self._draw += 1
        return np.random.Generator(
            np.random.Philox(
                key=np.array(key, dtype=np.uint64), counter=np.array(counter, dtype=np.uint64)
            )
        )

    def hex(self, n: int = 32) -> str:
        """``n`` random lowercase hex digits (task and container-instance ids are 32)."""
        words = self.generator().integers(0, 2**32, size=(n + 7) // 8, dtype=np.uint64)
        return "".join(f"{int(w):08x}" for w in words)[:n]

    def integers(self, low: int, high: int, size: int | None = None):
        return self.generator().integers(low, high, size=size)

    def random(self, size: int | None = None):
        return self.generator().random(size)
