"""LDAP / AD directory users configured at start (``aioauthing emulator --directory FILE``).

The file is JSON, or YAML when it ends in ``.yaml`` / ``.yml`` (needs PyYAML)::

    {"ldap": [{"username": "wen", "password": "ldap-pass-1",
               "profile": {"email": "wen@corp.example"}}],
     "ad":   [{"username": "ivy", "password": "ad-pass-1"}]}

Every pool gets these users: the default pool, each pool created later (so the pytest plugin's
fresh pool per test has them) and a pool after a reset. They are what an administrator would
have in the company directory; the first ``login_by_ldap`` / ``login_by_ad`` creates the
pool's account, as users added through ``POST /__emulator__/directory`` do.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .passwords import hash_password

__all__ = ["DIRECTORY_KINDS", "DirectoryUser", "directory_entries", "load_directory"]

DIRECTORY_KINDS = ("ldap", "ad")


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class DirectoryUser:
    """One user of the LDAP (``kind="ldap"``) or AD (``"ad"``) directory."""

    kind: str
    username: str
    password: str = dataclasses.field(repr=False)
    profile: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    """Fields copied onto the pool's account at login (``email``, ``nickname``, ...)."""

    def __post_init__(self) -> None:
        if self.kind not in DIRECTORY_KINDS:
            raise ValueError(f"directory kind must be 'ldap' or 'ad', got {self.kind!r}")
        if not self.username or not self.password:
            raise ValueError("a directory user needs a username and a password")
        if not isinstance(self.profile, Mapping):
            raise ValueError(f"profile of {self.username!r} must be a mapping")


def _parse(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ValueError("YAML directory files need PyYAML: pip install pyyaml") from exc
        return yaml.safe_load(text)
    return json.loads(text)


def load_directory(path: Path) -> tuple[DirectoryUser, ...]:
    """The users listed in ``path`` (``{"ldap": [...], "ad": [...]}``); ValueError if malformed."""
    try:
        data = _parse(path)
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"cannot read directory file {path}: {exc}") from exc
    if not isinstance(data, dict) or set(data) - set(DIRECTORY_KINDS):
        raise ValueError("a directory file maps 'ldap' and/or 'ad' to lists of users")
    users = []
    for kind, entries in data.items():
        if not isinstance(entries, list):
            raise ValueError(f"'{kind}' must be a list of users")
        for entry in entries:
            if not isinstance(entry, dict):
                raise ValueError(f"each '{kind}' user must be an object")
            users.append(
                DirectoryUser(
                    kind=kind,
                    username=str(entry.get("username") or ""),
                    password=str(entry.get("password") or ""),
                    profile=entry.get("profile") or {},
                )
            )
    return tuple(users)


def directory_entries(users: Sequence[DirectoryUser]) -> dict[str, dict[str, Any]]:
    """Pool directory records (``{"ldap:wen": {...}}``), passwords hashed once for all pools."""
    return {
        f"{user.kind}:{user.username}": {
            "kind": user.kind,
            "username": user.username,
            "password": hash_password(user.password),
            "profile": dict(user.profile),
            "userId": None,
        }
        for user in users
    }
