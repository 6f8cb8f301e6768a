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
        self._key = np.array((self.seed & 0xFFFFFFFFFFFFFFFF, 0x6563736C6162), dtype=np.uint64)
        # One Philox (and Generator on it) reused by hex/integers/random, set to each draw's
        # address; never handed out, so no caller can see it move.
        self._bits: np.random.Philox | None = None

    def reset(self, position: int) -> None:
        """Called at every command start and after every recorded event."""
        self._position = position
        self._draw = 0

    def generator(self) -> np.random.Generator:
        """A fresh numpy Generator for the next draw address."""
        counter = (self._position, self._draw, 0, 0)
        self._draw += 1
        return np.random.Generator(
            np.random.Philox(key=self._key, counter=np.array(counter, dtype=np.uint64))
        )

    def hex(self, n: int = 32) -> str:
        """``n`` random lowercase hex digits (task and container-instance ids are 32).

        The same draw as ``generator().integers(0, 2**32, ...)``, from the reused Philox. That
        call takes 32-bit words from the raw 64-bit outputs, low half first, so splitting the raw
        outputs gives the same words without the Generator's per-call overhead: each output
        laid out little-endian is (low word, high word), and each word written big-endian is
        its ``%08x``."""
        raw = self._at_address().random_raw((n + 15) // 16)
        return raw.astype("<u8").view("<u4").astype(">u4").tobytes().hex()[:n]

    def _at_address(self) -> np.random.Philox:
        """The reused Philox, in the state a fresh one at the next draw address starts in."""
        bits = self._bits
        if bits is None:
            bits = self._bits = np.random.Philox(key=self._key)
            self._state = bits.state
            self._gen = np.random.Generator(bits)
        state = self._state
        state["state"]["counter"][:] = (self._position, self._draw, 0, 0)
        state["buffer_pos"] = 4  # a fresh Philox: empty output buffer, no cached half-word
        state["has_uint32"] = 0
        state["uinteger"] = 0
        bits.state = state
        self._draw += 1
        return bits

    def integers(self, low: int, high: int, size: int | None = None):
        """``generator().integers(low, high, size)``, without building a generator."""
        self._at_address()
        return self._gen.integers(low, high, size=size)

    def uniforms(self, size: int | tuple | None = None):
        """``generator().random(size)``: uniforms in [0, 1), without building a generator."""
        self._at_address()
        return self._gen.random(size)

    #: numpy's spelling, so the placement scheduler takes a LabRandom or a numpy Generator.
    random = uniforms
