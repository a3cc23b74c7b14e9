"""Fault injection: parse ``"429=0.05,503=0.05,drop=0.01,lost=0.01,latency=20ms"`` and decide.

``quota=150/s`` adds a pool-wide budget: past 150 requests in any sliding one-second window the
pool answers 429 with ``Retry-After`` (:class:`Quota`). :class:`PoolTraffic` counts what a pool
received: requests, throttled (by the quota), each injected fault, management-token requests.
"""

from __future__ import annotations

import collections
import dataclasses
import math
import random
import re
import time
from collections.abc import Callable
from typing import Any

__all__ = [
    "OUTCOMES",
    "FaultBook",
    "FaultInjector",
    "FaultRule",
    "FaultSpec",
    "PoolTraffic",
    "Quota",
    "TargetedFaults",
    "TrafficBook",
    "parse_faults",
    "parse_quota",
    "rules_from_json",
    "split_fault_text",
]

OUTCOMES = ("429", "500", "502", "503", "drop", "lost")
"""Injectable outcomes, in the order probabilities are stacked."""

_LATENCY = re.compile(r"^(\d+(?:\.\d+)?)(ms|s)?$")


@dataclasses.dataclass(slots=True, frozen=True)
class FaultSpec:
    probabilities: dict[str, float]
    latency: float = 0.0
    """Seconds added to every faultable request."""
    quota: float | None = None
    """Requests per second the pool accepts (a sliding one-second window); ``None``: no quota."""

    @property
    def text(self) -> str:
        parts = [f"{k}={v:g}" for k, v in self.probabilities.items()]
        if self.latency:
            parts.append(f"latency={self.latency * 1000:g}ms")
        if self.quota is not None:
            parts.append(f"quota={self.quota:g}/s")
        return ",".join(parts)


_QUOTA = re.compile(r"^(\d+(?:\.\d+)?)\s*(?:/\s*(s|sec|second|m|min|minute))?$")


def parse_quota(value: str) -> float:
    """``"150/s"`` (or ``"150"``, ``"9000/min"``) -> requests per second; ``ValueError`` if bad."""
    match = _QUOTA.match(value.strip().lower())
    if not match or float(match.group(1)) <= 0:
        raise ValueError(f"bad quota {value!r} (use e.g. quota=150/s)")
    per = match.group(2) or "s"
    return float(match.group(1)) / (60.0 if per.startswith("m") else 1.0)


def parse_faults(spec: str | None) -> FaultSpec:
    """Parse a fault spec; raises ``ValueError`` with a readable reason."""
    probabilities: dict[str, float] = {}
    latency = 0.0
    quota: float | None = None
    for raw in (spec or "").split(","):
        item = raw.strip()
        if not item:
            continue
        name, sep, value = item.partition("=")
        name, value = name.strip().lower(), value.strip()
        if not sep:
            raise ValueError(f"fault {item!r} needs '=value'")
        if name == "quota":
            quota = parse_quota(value)
            continue
        if name == "latency":
            match = _LATENCY.match(value)
            if not match:
                raise ValueError(f"bad latency {value!r} (use e.g. 20ms or 0.5s)")
            amount = float(match.group(1))
            latency = amount / 1000 if match.group(2) in (None, "ms") else amount
            continue
        if name not in OUTCOMES:
            raise ValueError(
                f"unknown fault {name!r}; known: {', '.join(OUTCOMES)}, latency, quota"
            )
        try:
            probability = float(value)
        except ValueError:
            raise ValueError(f"probability of {name} must be a number, got {value!r}") from None
        if not 0.0 <= probability <= 1.0:
            raise ValueError(f"probability of {name} must be within [0, 1]")
        probabilities[name] = probability
    if sum(probabilities.values()) > 1.0 + 1e-9:
        raise ValueError("fault probabilities add up to more than 1")
    return FaultSpec(probabilities, latency, quota)


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
        self.traffic = TrafficBook()
        """Per-pool counters and quota windows (see :class:`PoolTraffic`)."""

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


class Quota:
    """A pool-wide budget of ``rate`` requests in any sliding one-second window."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.limit = max(1, math.floor(rate))
        self._clock = clock
        self._arrivals: collections.deque[float] = collections.deque()

    def admit(self) -> float | None:
        """``None`` when the request fits; else the seconds until a slot frees (> 0)."""
        now = self._clock()
        arrivals = self._arrivals
        while arrivals and arrivals[0] <= now - 1.0:
            arrivals.popleft()
        if len(arrivals) >= self.limit:
            return max(arrivals[0] + 1.0 - now, 0.001)
        arrivals.append(now)
        return None


class PoolTraffic:
    """What one pool received since it was created (or its counters were reset)."""

    def __init__(self) -> None:
        self.requests = 0
        self.throttled = 0
        self.token_requests = 0
        self.faults: collections.Counter[str] = collections.Counter()
        self._quota: Quota | None = None

    def quota_for(self, rate: float | None) -> Quota | None:
        """The pool's quota window (kept while the rate stays the same)."""
        if rate is None:
            self._quota = None
        elif self._quota is None or self._quota.rate != rate:
            self._quota = Quota(rate)
        return self._quota

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "throttled": self.throttled,
            "tokenRequests": self.token_requests,
            "faults": dict(self.faults),
        }

    def reset(self) -> None:
        self.requests = self.throttled = self.token_requests = 0
        self.faults.clear()


class TrafficBook:
    """One :class:`PoolTraffic` per pool id."""

    def __init__(self) -> None:
        self._pools: dict[str, PoolTraffic] = {}

    def pool(self, pool_id: str) -> PoolTraffic:
        traffic = self._pools.get(pool_id)
        if traffic is None:
            traffic = self._pools[pool_id] = PoolTraffic()
        return traffic


# ------------------------------------------------------------------------- targeted fault rules
# "createUser:503x3" -- the next 3 requests naming the operation fail with 503. Kept apart from
# the rates above (their spec text and parse API are unchanged): rules live per pool in a
# TargetedFaults book and are consulted before the rates.

RULE_OUTCOMES = OUTCOMES
"""Outcomes a targeted rule can inject (the same as the rates)."""

_RULE = re.compile(r"^(?P<fault>\d+|[a-z]+?)(?:x(?P<count>\d+))?$")


@dataclasses.dataclass(slots=True)
class FaultRule:
    """Fail requests naming ``operation`` with ``fault``, ``count`` times (``None``: always).

    ``operation`` is a GraphQL root field (``createUser``), a REST route template
    (``/api/v2/users/{id}``) or a method and route (``POST /api/v2/users``), as the request
    journal shows them."""

    operation: str
    fault: str
    count: int | None = None
    used: int = 0

    @property
    def remaining(self) -> int | None:
        return None if self.count is None else max(self.count - self.used, 0)

    def matches(self, method: str, operations: tuple[str, ...]) -> bool:
        wanted_method, _, wanted = self.operation.rpartition(" ")
        if wanted_method and wanted_method.upper() != method:
            return False
        return wanted in operations

    def as_dict(self) -> dict[str, object]:
        return {
            "operation": self.operation,
            "fault": self.fault,
            "count": self.count,
            "remaining": self.remaining,
        }


def _rule(operation: object, fault: object, count: object) -> FaultRule:
    if not isinstance(operation, str) or not operation.strip():
        raise ValueError("a fault rule needs an operation, e.g. createUser")
    fault_text = str(fault).strip().lower()
    if fault_text not in RULE_OUTCOMES:
        raise ValueError(f"unknown fault {fault_text!r} in rule; known: {', '.join(OUTCOMES)}")
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
        raise ValueError(f"count of the {operation} rule must be a positive integer")
    return FaultRule(operation.strip(), fault_text, count)


def is_rule_item(item: str) -> bool:
    """Whether one comma-separated item of ``--faults`` is a rule (``op:fault[xN]``)."""
    name, _, _ = item.partition("=")
    return ":" in name


def split_fault_text(text: str | None) -> tuple[str, list[FaultRule]]:
    """Split ``--faults`` text into the rates spec (for :func:`parse_faults`) and rules.

    ``"429=0.05,createUser:503x3,POST /api/v2/users:drop"`` gives ``("429=0.05", [...])``;
    raises ``ValueError`` naming the bad item."""
    rates: list[str] = []
    rules: list[FaultRule] = []
    for raw in (text or "").split(","):
        item = raw.strip()
        if not item:
            continue
        if not is_rule_item(item):
            rates.append(item)
            continue
        operation, _, outcome = item.rpartition(":")
        match = _RULE.match(outcome.strip().lower())
        if not match:
            raise ValueError(f"bad fault rule {item!r} (use e.g. createUser:503x3)")
        count = int(match.group("count")) if match.group("count") else None
        rules.append(_rule(operation, match.group("fault"), count))
    spec = ",".join(rates)
    parse_faults(spec)
    return spec, rules


def rules_from_json(items: object) -> list[FaultRule]:
    """Rules from ``[{"operation": "createUser", "fault": "503", "count": 3}, ...]``."""
    if not isinstance(items, list):
        raise ValueError("rules must be a list of {operation, fault, count}")
    rules = []
    for item in items:
        if not isinstance(item, dict):
            raise ValueError("each rule must be an object {operation, fault, count}")
        rules.append(_rule(item.get("operation"), item.get("fault", ""), item.get("count")))
    return rules


class TargetedFaults:
    """Per-pool fault rules. A pool starts with a copy of ``defaults`` (the ``--faults`` rules)."""

    def __init__(self, defaults: list[FaultRule] | tuple[FaultRule, ...] = ()) -> None:
        self.defaults = tuple(defaults)
        self._rules: dict[str, list[FaultRule]] = {}

    def rules(self, pool_id: str) -> list[FaultRule]:
        rules = self._rules.get(pool_id)
        if rules is None:
            rules = self._rules[pool_id] = [
                FaultRule(r.operation, r.fault, r.count) for r in self.defaults
            ]
        return rules

    def set_rules(self, pool_id: str, rules: list[FaultRule]) -> None:
        self._rules[pool_id] = rules

    def reset(self, pool_id: str | None = None) -> None:
        """Back to the defaults (one pool, or every pool)."""
        if pool_id is None:
            self._rules.clear()
        else:
            self._rules.pop(pool_id, None)

    def wants_route(self, pool_id: str) -> bool:
        """Whether a rule of the pool names a REST route (so the request must be routed)."""
        return any("/" in r.operation for r in self.rules(pool_id) if r.remaining != 0)

    def take(self, pool_id: str, method: str, operations: tuple[str, ...]) -> FaultRule | None:
        """The first live rule matching the request, its use counted; ``None`` otherwise."""
        rules = self._rules.get(pool_id)
        if rules is None:
            if not self.defaults:
                return None
            rules = self.rules(pool_id)
        for rule in rules:
            if rule.remaining != 0 and rule.matches(method, operations):
                rule.used += 1
                return rule
        return None
