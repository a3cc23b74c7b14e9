"""The hosted sign-in page and the web UI over HTTP (the browser tests are in tests/browser/)."""

from __future__ import annotations

import re
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from .conftest import Wire

XSS = '<img src=x onerror="alert(1)">'


def _form(page: httpx.Response) -> dict[str, str]:
    fields = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page.text)
    return {name: unescape(value) for name, value in fields}


def _authorize_url(wire: Wire, **extra: str) -> str:
    query = {
        "client_id": wire.settings.app_id,
        "redirect_uri": "https://rp.example/cb",
        "response_type": "code",
        "scope": "openid email",
        "state": "st-1",
        **extra,
    }
    return f"{wire.settings.host}/oidc/auth?{urlencode(query)}"


@pytest.fixture
def person(wire: Wire) -> dict[str, Any]:
    return wire.create_user(
        email="page@example.com", username="pager", phone="+8613800000001", password="pw123456"
    )


def _sign_in(wire: Wire, account: str, password: str, **headers: str) -> httpx.Response:
    page = wire.client.get(_authorize_url(wire))
    assert page.status_code == 200 and 'id="signin"' in page.text
    form = _form(page)
    return wire.client.post(
        page.url.copy_with(query=None),
        data={**form, "account": account, "password": password},
        headers=headers,
    )


@pytest.mark.parametrize("account", ["page@example.com", "pager", "+8613800000001"])
def test_sign_in_redirects_with_a_code_the_token_endpoint_takes(
    wire: Wire, person: dict[str, Any], account: str
) -> None:
    answer = _sign_in(wire, account, "pw123456")
    assert answer.status_code == 303
    location = urlsplit(answer.headers["location"])
    assert location.netloc == "rp.example" and location.path == "/cb"
    query = parse_qs(location.query)
    assert query["state"] == ["st-1"]
    tokens = wire.client.post(
        f"{wire.settings.host}/oidc/token",
        data={
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": "https://rp.example/cb",
            "client_id": wire.settings.app_id,
            "client_secret": wire.settings.app_secret,
        },
    )
    assert tokens.status_code == 200, tokens.text
    me = wire.client.get(
        f"{wire.settings.host}/oidc/me",
        headers={"authorization": f"Bearer {tokens.json()['access_token']}"},
    )
    assert me.json()["sub"] == person["id"]


def test_errors_are_shown_on_the_page_escaped(wire: Wire, person: dict[str, Any]) -> None:
    wrong = _sign_in(wire, "page@example.com", "not-it")
    assert wrong.status_code == 400 and "Wrong password." in wrong.text
    assert 'value="page@example.com"' in wrong.text  # the account is kept for a retry
    unknown = _sign_in(wire, XSS, "pw123456")
    assert unknown.status_code == 400
    assert "No user of this pool" in unknown.text
    assert (
        XSS not in unknown.text and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in unknown.text
    )
    bad_client = wire.client.get(
        f"{wire.settings.host}/oidc/auth?client_id={XSS}&redirect_uri=https://rp.example/cb"
    )
    assert bad_client.status_code == 400 and XSS not in bad_client.text
    bad_redirect = wire.client.get(_authorize_url(wire, redirect_uri="javascript:alert(1)"))
    assert bad_redirect.status_code == 400
    assert "redirect_uri must be an absolute http(s) URL" in bad_redirect.text


def test_request_problems_go_back_to_the_client_as_oauth_errors(
    wire: Wire, person: dict[str, Any]
) -> None:
    page = wire.client.get(_authorize_url(wire, code_challenge_method="S256"))
    answer = wire.client.post(
        page.url.copy_with(query=None),
        data={**_form(page), "account": "pager", "password": "pw123456"},
    )
    # A bad request (method without challenge) comes back to the client as an OAuth error.
    assert answer.status_code == 303
    assert parse_qs(urlsplit(answer.headers["location"]).query)["error"] == ["invalid_request"]


def test_the_form_is_protected_against_cross_site_posts(wire: Wire, person: dict[str, Any]) -> None:
    foreign = _sign_in(wire, "pager", "pw123456", origin="http://evil.example")
    assert foreign.status_code == 403 and "another site" in foreign.text
    page = wire.client.get(_authorize_url(wire))
    form = _form(page)
    wire.client.cookies.clear()
    no_cookie = wire.client.post(
        page.url.copy_with(query=None), data={**form, "account": "pager", "password": "pw123456"}
    )
    assert no_cookie.status_code == 403 and "reload the page" in no_cookie.text
    cookie = page.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "default-src 'self'" in page.headers["content-security-policy"]


def test_cas_sign_in_issues_a_ticket_for_the_service(wire: Wire, person: dict[str, Any]) -> None:
    service = "https://cas-rp.example/back?x=1"
    login = f"{wire.settings.host}/cas-idp/{wire.settings.app_id}"
    page = wire.client.get(login, params={"service": service})
    assert page.status_code == 200
    answer = wire.client.post(
        login, data={**_form(page), "account": "page@example.com", "password": "pw123456"}
    )
    assert answer.status_code == 303
    location = answer.headers["location"]
    assert location.startswith(service + "&ticket=ST-")
    ticket = parse_qs(urlsplit(location).query)["ticket"][0]
    valid = wire.client.get(f"{login}/validate", params={"ticket": ticket, "service": service}).text
    assert valid == "yes\npager\n"
    assert wire.client.get(f"{wire.settings.host}/cas-idp/logout").status_code == 200


def test_home_page_links_the_admin_api_and_the_ui(wire: Wire) -> None:
    home = wire.client.get(f"{wire.settings.host}/")
    assert home.status_code == 200
    assert 'href="/__emulator__/ui"' in home.text and 'href="/__emulator__/settings"' in home.text


def _ui_token(page: httpx.Response) -> str:
    match = re.search(r'<meta name="emulator-ui-token" content="([^"]+)">', page.text)
    assert match
    return match.group(1)


def test_ui_pages_escape_user_data_and_show_codes(wire: Wire) -> None:
    user = wire.create_user(email="ui@example.com", nickname=XSS, password="pw123456")
    wire.rest(
        "POST",
        "/api/v2/email/send",
        json={"email": "ui@example.com", "scene": "VerifyCode"},
    )
    base = f"{wire.settings.host}/__emulator__/ui/pools/{wire.settings.user_pool_id}"
    pools = wire.client.get(f"{wire.settings.host}/__emulator__/ui")
    assert pools.status_code == 200 and wire.settings.user_pool_id in pools.text
    users = wire.client.get(f"{base}/users", params={"q": "ui@"})
    assert user["id"] in users.text and XSS not in users.text and "&lt;img" in users.text
    detail = wire.client.get(f"{base}/users/{user['id']}")
    code = wire.admin("GET", "/outbox")["messages"][-1]["code"]
    assert f'<td class="mono code">{code}</td>' in detail.text
    assert "pw123456" not in detail.text and '"password"' not in detail.text
    for tab in ("outbox", "requests", "faults"):
        page = wire.client.get(f"{base}/{tab}")
        assert page.status_code == 200 and f'id="tab-{tab}"' in page.text
    assert wire.client.get(f"{base}/../nope").status_code == 404


def test_ui_actions_need_json_and_the_page_token(wire: Wire) -> None:
    user = wire.create_user(email="act@example.com", password="pw123456")
    page = wire.client.get(f"{wire.settings.host}/__emulator__/ui")
    token = _ui_token(page)
    api = (
        f"{wire.settings.host}/__emulator__/ui/api/pools/{wire.settings.user_pool_id}"
        f"/users/{user['id']}"
    )
    form = wire.client.post(f"{api}/block", data={"blocked": "true"})
    assert form.status_code == 415
    no_token = wire.client.post(f"{api}/block", json={"blocked": True})
    assert no_token.status_code == 403
    foreign = wire.client.post(
        f"{api}/block",
        json={"blocked": True},
        headers={"x-emulator-ui-token": token, "origin": "http://evil.example"},
    )
    assert foreign.status_code == 403
    blocked = wire.client.post(
        f"{api}/block", json={"blocked": True}, headers={"x-emulator-ui-token": token}
    )
    assert blocked.json() == {"blocked": True}
    assert (
        wire.login_by_email("act@example.com", "pw123456")["errors"][0]["message"]["code"] == 2005
    )
    refused = _sign_in(wire, "act@example.com", "pw123456")
    assert refused.status_code == 400 and "This account is blocked." in refused.text
    faults = wire.client.post(
        f"{wire.settings.host}/__emulator__/ui/api/pools/{wire.settings.user_pool_id}/faults",
        json={"spec": "429=0.5", "rules": "createUser:503x2"},
        headers={"x-emulator-ui-token": token},
    )
    assert faults.status_code == 200
    assert wire.admin("GET", "/faults")["rules"][0]["remaining"] == 2
    deleted = wire.client.post(f"{api}/delete", json={}, headers={"x-emulator-ui-token": token})
    assert deleted.status_code == 200
    assert (
        wire.client.get(
            f"{wire.settings.host}/__emulator__/ui/pools/{wire.settings.user_pool_id}/users/{user['id']}"
        ).status_code
        == 404
    )


def test_oauth_authorize_page_issues_an_oauth_code(wire: Wire, person: dict[str, Any]) -> None:
    query = {
        "client_id": wire.settings.app_id,
        "redirect_uri": "https://rp.example/cb",
        "response_type": "code",
        "state": "st-2",
    }
    page = wire.client.get(f"{wire.settings.host}/oauth/auth?{urlencode(query)}")
    assert "OAuth 2.0 application" in page.text
    answer = wire.client.post(
        f"{wire.settings.host}/oauth/auth",
        data={**_form(page), "account": "pager", "password": "pw123456"},
    )
    assert answer.status_code == 303
    code = parse_qs(urlsplit(answer.headers["location"]).query)["code"][0]
    tokens = wire.client.post(
        f"{wire.settings.host}/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "https://rp.example/cb",
            "client_id": wire.settings.app_id,
            "client_secret": wire.settings.app_secret,
        },
    )
    assert tokens.status_code == 200 and tokens.json()["scope"] == "user"
    assert "id_token" not in tokens.json()


def _mfa_factors(wire: Wire, factors: list[str]) -> None:
    answer = wire.client.post(
        f"{wire.settings.host}/__emulator__/mfa",
        params={"pool": wire.settings.user_pool_id},
        json={"factors": factors},
    )
    assert answer.status_code == 200, answer.text


def test_sms_mfa_step_wrong_code_tampered_token_then_redirect(
    wire: Wire, person: dict[str, Any]
) -> None:
    _mfa_factors(wire, ["SMS"])
    step = _sign_in(wire, "pager", "pw123456")
    assert step.status_code == 200 and 'id="mfa"' in step.text
    assert "Enter the code sent by SMS to +8613800000001." in step.text
    form = _form(step)
    assert form["factor"] == "SMS" and form["mfa_token"]
    outbox = wire.client.get(
        f"{wire.settings.host}/__emulator__/outbox",
        params={"pool": wire.settings.user_pool_id, "phone": "+8613800000001"},
    ).json()["messages"]
    code = outbox[-1]["code"]
    target = step.url.copy_with(query=None)

    wrong = wire.client.post(target, data={**form, "code": "000000" if code != "000000" else "1"})
    assert wrong.status_code == 400 and "Wrong code." in wrong.text and 'id="mfa"' in wrong.text
    forged = wire.client.post(
        target, data={**form, "mfa_token": form["mfa_token"] + "x", "code": code}
    )
    assert forged.status_code == 400 and "start again" in forged.text
    switched = wire.client.post(target, data={**form, "factor": "OTP", "code": code})
    assert switched.status_code == 400 and "start again" in switched.text

    done = wire.client.post(target, data={**form, "code": code})
    assert done.status_code == 303
    assert parse_qs(urlsplit(done.headers["location"]).query)["code"]
    again = wire.client.post(target, data={**form, "code": code})  # the MFA token is spent
    assert again.status_code == 400 and "start again" in again.text


def test_mfa_required_without_a_usable_factor_is_shown_on_the_form(wire: Wire) -> None:
    wire.create_user(username="nofactor", password="pw123456")
    _mfa_factors(wire, ["OTP"])
    answer = _sign_in(wire, "nofactor", "pw123456")
    assert answer.status_code == 400 and 'id="signin"' in answer.text
    assert "needs a second factor (OTP) it has not set up" in answer.text
