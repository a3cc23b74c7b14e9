"""Per-request context handed to every resolver and REST handler: pool, caller, clock."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import biz
from .oauth import account_active
from .state import EmulatorState, Pool
from .tokens import TokenInfo, issue_management_token, issue_user_token, read_token

__all__ = ["RequestContext"]


class RequestContext:
    """What a handler may know about the request; also issues and checks tokens."""

    def __init__(
        self,
        state: EmulatorState,
        headers: Mapping[str, str],
        base_url: str,
        query: Mapping[str, str] | None = None,
    ) -> None:
        self.state = state
        self.keys = state.keys
        self.config = state.config
        self.headers = headers
        self.base_url = base_url.rstrip("/")
        self.query: Mapping[str, str] = query or {}
        self._token: TokenInfo | None = None
        self._token_read = False

    # ---------------------------------------------------------------- identity of the caller
    @property
    def issuer(self) -> str:
        return f"{self.base_url}/oidc"

    @property
    def bearer(self) -> str | None:
        value = self.headers.get("authorization", "")
        scheme, _, token = value.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or token in ("null", "undefined"):
            return None
        return token

    def token(self) -> TokenInfo | None:
        """The Bearer token's content (signature checked); ``None`` without a token."""
        if not self._token_read:
            self._token_read = True
            bearer = self.bearer
            self._token = read_token(self.keys, bearer) if bearer else None
        return self._token

    @property
    def pool(self) -> Pool:
        """Pool named by ``x-authing-userpool-id``, else the token's pool, else the pool of the
        ``x-authing-app-id`` application (as Authing finds it from an app's host), else the
        default pool."""
        pool_id = self.headers.get("x-authing-userpool-id", "").strip()
        if not pool_id:
            try:
                info = self.token()
            except Exception:
                info = None
            pool_id = info.pool_id if info else ""
        if not pool_id:
            by_app = self.state.pool_by_app_id(self.app_id) if self.app_id else None
            if by_app is not None:
                return by_app
        return self.state.pool(pool_id)

    @property
    def app_id(self) -> str:
        """The ``x-authing-app-id`` header (empty when absent, as management calls send it)."""
        return self.headers.get("x-authing-app-id", "").strip()

    def _check_sign_in(self, pool: Pool) -> None:
        """A user token is only issued to a caller naming the pool and one of its apps.

        Without ``x-authing-userpool-id``, a token or an app id of the pool, Authing cannot tell
        which pool is meant (2224); an ``x-authing-app-id`` that is not an app of the pool is 2011.
        """
        app_id = self.app_id
        if app_id and app_id != pool.app_id:
            raise biz("APP_NOT_FOUND")
        named = self.headers.get("x-authing-userpool-id", "").strip()
        if not named and not app_id and self.bearer is None:
            raise biz("USERPOOL_NOT_FOUND")

    def now(self) -> float:
        return self.pool.now()

    def _valid_token(
        self, *, expired: str = "LOGIN_EXPIRED", invalid: str = "NOT_LOGGED_IN"
    ) -> TokenInfo:
        try:
            info = self.token()
        except Exception as exc:
            raise biz(invalid) from exc
        if info is None:
            raise biz("NOT_LOGGED_IN")
        pool = self.state.pools.get(info.pool_id)
        if pool is None:
            raise biz(invalid)
        if info.expired(pool.now()):
            raise biz(expired)
        if info.kind == "user":
            user = pool.users.get(info.subject)
            if user is None or info.jti not in user.get("_tokens", {}):
                raise biz(invalid)
            header_pool = self.headers.get("x-authing-userpool-id", "").strip()
            if header_pool and header_pool != info.pool_id:
                raise biz(invalid)  # another pool's user: not signed in to this one
            if not account_active(user):
                raise biz("USER_LOCKED")  # blocked since the token was issued: refused, as at login
        return info

    def require_management(self) -> Pool:
        """The pool of a valid management token (2020 none/invalid, 2206 expired, 1001 user)."""
        info = self._valid_token()
        if info.kind != "management":
            raise biz("NO_PERMISSION")
        header_pool = self.headers.get("x-authing-userpool-id", "").strip()
        if header_pool and header_pool != info.pool_id:
            raise biz("NO_PERMISSION")
        return self.state.pools[info.pool_id]

    def require_user(self, **errors: str) -> tuple[Pool, dict[str, Any], TokenInfo]:
        """The caller's own user from a valid user token (2020 / 2206 otherwise)."""
        info = self._valid_token(**errors)
        if info.kind != "user":
            raise biz("NOT_LOGGED_IN")
        pool = self.state.pools[info.pool_id]
        return pool, pool.users[info.subject], info

    def require_any(self) -> tuple[Pool, dict[str, Any] | None]:
        """A management token (user ``None``) or a user token (the caller's user)."""
        info = self._valid_token()
        pool = self.state.pools[info.pool_id]
        if info.kind == "management":
            return pool, None
        return pool, pool.users[info.subject]

    # ---------------------------------------------------------------- token issuing
    def issue_user_token(self, pool: Pool, user: dict[str, Any]) -> tuple[str, int, int]:
        """A fresh token for ``user``; remembered so logout / kick can revoke it."""
        self._check_sign_in(pool)
        jti = self.state.ids.secret()
        token, iat, exp = issue_user_token(
            self.keys,
            pool,
            user,
            jti=jti,
            issuer=self.issuer,
            lifetime=self.config.user_token_lifetime,
        )
        now = pool.now()
        active = {k: v for k, v in user.get("_tokens", {}).items() if v > now}
        active[jti] = exp
        user["_tokens"] = active
        return token, iat, exp

    def issue_management_token(self, pool: Pool) -> tuple[str, int, int]:
        return issue_management_token(
            self.keys,
            pool,
            jti=self.state.ids.secret(),
            issuer=self.issuer,
            lifetime=self.config.management_token_lifetime,
        )
