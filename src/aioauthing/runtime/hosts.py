"""Which host a call goes to: the API host, or the websocket host that AD login uses."""

from __future__ import annotations

import ipaddress

import httpx

__all__ = ["websocket_host_for"]


def _is_ip(hostname: str) -> bool:
    try:
        ipaddress.ip_address(hostname)
    except ValueError:
        return False
    return True


def websocket_host_for(host: str) -> str:
    """``https://core.authing.cn`` -> ``https://ws.authing.cn``: the first label becomes ``ws``.

    As Authing's SDKs derive it (scheme and port kept). An IP address or a host of fewer than
    three labels (``localhost``, ``example.com``) has no parent domain to put ``ws.`` in front
    of, so it is returned unchanged: one server then answers both (a local emulator, a proxy).
    """
    url = httpx.URL(host)
    hostname = url.host
    labels = hostname.split(".")
    if not hostname or _is_ip(hostname) or len(labels) < 3:
        return host.rstrip("/")
    return str(url.copy_with(host=".".join(["ws", *labels[1:]]))).rstrip("/")
