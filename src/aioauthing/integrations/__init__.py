"""Protect web routes with locally verified Authing tokens.

The framework-neutral pieces live here (:class:`AuthingSettings`, :class:`Authing`,
:class:`Requirement`, :class:`AuthFailure`); :mod:`aioauthing.integrations.fastapi` and
:mod:`aioauthing.integrations.aiohttp` wire them into each framework and import it only then.
"""

from __future__ import annotations

from aioauthing.runtime.jwt import TokenClaims

from .access import AccessCache, Requirement
from .bearer import AuthFailure, parse_authorization
from .service import Authing, AuthingSettings, Principal
from .verified import VerifiedTokenCache

__all__ = [
    "AccessCache",
    "AuthFailure",
    "Authing",
    "AuthingSettings",
    "Principal",
    "Requirement",
    "TokenClaims",
    "VerifiedTokenCache",
    "parse_authorization",
]
