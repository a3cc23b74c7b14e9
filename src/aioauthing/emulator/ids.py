"""Identifier and secret generation: 24-hex object ids, deterministic under a seed."""

from __future__ import annotations

import hashlib
import secrets

__all__ = ["IdGenerator"]


class IdGenerator:
    """Makes ObjectId-like ids; with a seed the sequence is reproducible.

    The counter is part of the persisted state, so a restarted emulator continues the
    sequence instead of repeating ids it already handed out.
    """

    def __init__(self, seed: int | None, counter: int = 0) -> None:
        self.seed = seed
        self.counter = counter

    def _next(self, nbytes: int, label: str) -> str:
        self.counter += 1
        if self.seed is None:
            return secrets.token_hex(nbytes)
        digest = hashlib.sha256(f"{self.seed}:{label}:{self.counter}".encode()).hexdigest()
        return digest[: nbytes * 2]

    def object_id(self) -> str:
        """A 24-hex-character id such as ``604a12a261a85949c8ad0259``."""
        return self._next(12, "id")

    def secret(self) -> str:
        """A 32-hex-character secret."""
        return self._next(16, "secret")

    def code(self, length: int = 6) -> str:
        """A numeric verification code."""
        value = int(self._next(8, "code"), 16) % (10**length)
        return str(value).zfill(length)
