"""OAuth 2.0 client authentication (RFC 6749 §2.3) for the token, introspection and revocation
endpoints: ``client_secret_post``, ``client_secret_basic`` or ``none``, one setting per endpoint as
in Authing's SDKs (``token_endpoint_auth_method`` and friends)."""

from __future__ import annotations

import base64
from typing import Any, Final, Literal, get_args
from urllib.parse import quote

import attrs

from .errors import AuthingValidationError
from .operation import ClientAuthEndpoint
from .validation import check_choice

__all__ = ["CLIENT_AUTH_METHODS", "ClientAuthMethod", "ClientCredentials"]

ClientAuthMethod = Literal["client_secret_post", "client_secret_basic", "none"]
CLIENT_AUTH_METHODS: Final = frozenset(get_args(ClientAuthMethod))


def _basic(client_id: str, secret: str) -> str:
    # RFC 6749 §2.3.1: form-urlencode both parts before joining them.
    pair = f"{quote(client_id, safe='')}:{quote(secret, safe='')}"
    return "Basic " + base64.b64encode(pair.encode()).decode()


@attrs.frozen(slots=True, kw_only=True)
class ClientCredentials:
    """The application's id and secret and how each endpoint wants them sent."""

    client_id: str
    client_secret: str | None = attrs.field(default=None, repr=False)
    token: ClientAuthMethod = "client_secret_post"
    introspection: ClientAuthMethod = "client_secret_post"
    revocation: ClientAuthMethod = "client_secret_post"

    def __attrs_post_init__(self) -> None:
        for name in ("token", "introspection", "revocation"):
            check_choice(f"{name}_endpoint_auth_method", getattr(self, name), CLIENT_AUTH_METHODS)

    def method_for(self, endpoint: ClientAuthEndpoint) -> ClientAuthMethod:
        method: ClientAuthMethod = getattr(self, endpoint.value)
        return method

    def apply(
        self, endpoint: ClientAuthEndpoint, body: dict[str, Any], headers: dict[str, str]
    ) -> None:
        """Add the credentials to a form ``body`` and ``headers`` for ``endpoint``."""
        method = self.method_for(endpoint)
        if method != "none" and not self.client_secret:
            raise AuthingValidationError(
                "app_secret", f"is required by {endpoint.value}_endpoint_auth_method={method}"
            )
        if method == "client_secret_basic":
            assert self.client_secret is not None
            headers["Authorization"] = _basic(self.client_id, self.client_secret)
            return
        body["client_id"] = self.client_id
        if method == "client_secret_post":
            body["client_secret"] = self.client_secret
