"""Fault injection: parse ``"429=0.05,503=0.05,drop=0.01,lost=0.01,latency=20ms"`` and decide."""

from __future__ import annotations

import dataclasses
import random
import re

__all__ = ["OUTCOMES", "FaultBook", "FaultInjector", "FaultSpec", "parse_faults"]

OUTCOMES = ("429", "500", "502", "503", "drop", "lost")
"""Injectable outcomes, in the order probabilities are stacked."""

_LATENCY = re.compile(r"^(\d+(?:\.\d+)?)(ms|s)?$")


@dataclasses.dataclass(slots=True, frozen=True)
class FaultSpec:
    probabilities: dict[str, float]
    latency: float = 0.0
    """Seconds added to every faultable request."""

    @property
    def text(self) -> str:
        parts = [f"{k}={v:g}" for k, v in self.probabilities.items()]
        if self.latency:
            parts.append(f"latency={self.latency * 1000:g}ms")
        return ",".join(parts)


def parse_faults(spec: str | None) -> FaultSpec:
    """Parse a fault spec; raises ``ValueError`` with a readable reason."""
    probabilities: dict[str, float] = {}
    latency = 0.0
    for raw in (spec or "").split(","):
        item = raw.strip()
        if not item:
            continue
        name, sep, value = item.partition("=")
        name, value = name.strip().lower(), value.strip()
        if not sep:
            raise ValueError(f"fault {item!r} needs '=value'")
        if name == "latency":
            match = _LATENCY.match(value)
            if not match:
                raise ValueError(f"bad latency {value!r} (use e.g. 20ms or 0.5s)")
            amount = float(match.group(1))
            latency = amount / 1000 if match.group(2) in (None, "ms") else amount
            continue
        if name not in OUTCOMES:
            raise ValueError(f"unknown fault {name!r}; known: {', '.join(OUTCOMES)}, latency")
        try:
            probability = float(value)
        except ValueError:
            raise ValueError(f"probability of {name} must be a number, got {value!r}") from None
        if not 0.0 <= probability <= 1.0:
            raise ValueError(f"probability of {name} must be within [0, 1]")
        probabilities[name] = probability
    if sum(probabilities.values()) > 1.0 + 1e-9:
        raise ValueError("fault probabilities add up to more than 1")
    return FaultSpec(probabilities, latency)


class FaultInjector:
    """Draws one number per faultable request from its own RNG (seeded → reproducible)."""

    def __init__(self, spec: FaultSpec, seed: str | None) -> None:
        self.spec = spec
        self.rng = random.Random(seed) if seed is not None else random.Random()

    def decide(self) -> str | None:
        draw = self.rng.random()
        total = 0.0
        for outcome in OUTCOMES:
            total += self.spec.probabilities.get(outcome, 0.0)
            if draw < total:
                return outcome
        return None


class FaultBook:
    """One injector per pool, rebuilt whenever the pool's spec changes.

    With a seed, an injector's RNG is seeded from ``(seed, pool id, spec)``, so the same requests
    against the same pool meet the same faults on every run.
    """

    def __init__(self, seed: int | None) -> None:
        self.seed = seed
        self._injectors: dict[str, tuple[str, FaultInjector]] = {}

    def injector(self, pool_id: str, spec_text: str) -> FaultInjector:
        current = self._injectors.get(pool_id)
        if current is None or current[0] != spec_text:
            seed = None if self.seed is None else f"{self.seed}:{pool_id}:{spec_text}"
            current = (spec_text, FaultInjector(parse_faults(spec_text), seed))
            self._injectors[pool_id] = current
        return current[1]

    def reseed(self, pool_id: str, spec_text: str, seed: int) -> None:
        """Restart the pool's fault sequence from an explicit seed."""
        injector = FaultInjector(parse_faults(spec_text), f"{seed}:{pool_id}:{spec_text}")
        self._injectors[pool_id] = (spec_text, injector)

    def forget(self, pool_id: str) -> None:
        self._injectors.pop(pool_id, None)
