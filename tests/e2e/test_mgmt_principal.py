"""Principal authentication: the emulator's deterministic rule (check characters, Luhn)."""

from __future__ import annotations

from typing import Any

import pytest

from aioauthing import AuthingValidationError, NotFoundError, models
from aioauthing.runtime.errors import InvalidInputError

pytestmark = pytest.mark.anyio

ID_CARD = "11010519491231002X"  # MOD 11-2 check character X
BANK_CARD = "4111111111111111"  # passes the Luhn check
CREDIT_CODE = "91350100M000100Y43"  # GB 32100 check character 3


async def test_personal_and_enterprise_checks(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    ada = await mgmt.users.create(models.CreateUserInput(username="ada"))
    assert await mgmt.principal_auth.detail(ada.id) is None

    with pytest.raises(InvalidInputError) as wrong_card:
        await mgmt.principal_auth.authenticate(ada.id, "P", "Ada", ID_CARD, "4111111111111112")
    assert wrong_card.value.code == 400
    with pytest.raises(InvalidInputError) as wrong_id:
        await mgmt.principal_auth.authenticate(ada.id, "P", "Ada", "110105194912310021", BANK_CARD)
    assert wrong_id.value.code == 400
    assert await mgmt.principal_auth.detail(ada.id) is None  # failed checks leave nothing

    passed = await mgmt.principal_auth.authenticate(ada.id, "P", "Ada", ID_CARD, BANK_CARD)
    assert passed.code == 200
    person = await mgmt.principal_auth.detail(ada.id)
    assert person is not None
    assert (
        person.user_id,
        person.principal_type,
        person.principal_name,
        person.principal_code,
    ) == (
        ada.id,
        "P",
        "Ada",
        ID_CARD,
    )

    await mgmt.principal_auth.authenticate(ada.id, "E", "Acme Ltd", CREDIT_CODE, "Ada")
    company = await mgmt.principal_auth.detail(ada.id)
    assert company is not None and (company.principal_type, company.id) == ("E", person.id)
    with pytest.raises(InvalidInputError):
        await mgmt.principal_auth.authenticate(ada.id, "E", "Acme", "91350100M000100Y44", "Ada")

    with pytest.raises(NotFoundError) as missing:
        await mgmt.principal_auth.detail("000000000000000000000000")
    assert missing.value.code == 2004
    with pytest.raises(AuthingValidationError) as bad:
        await mgmt.principal_auth.authenticate(ada.id, "X", "Ada", ID_CARD, BANK_CARD)
    assert bad.value.parameter == "type"
