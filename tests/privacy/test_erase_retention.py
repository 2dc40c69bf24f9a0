"""The retention rule at the end of `piggy-elt run`: a contact deleted in Piggy keeps its history
until `privacy.erase_deleted_after_days` have passed, then is erased and logged as `retention`;
without an erasure key the run warns with one to store and erases nothing."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from erase_workspace import ERASURE_KEY, Workspace, delete_in_piggy

pytestmark = pytest.mark.integration


def personal(workspace: Workspace, uuid: str) -> list[tuple]:
    return workspace.query(
        "SELECT DISTINCT email, firstname, lastname, birthdate FROM piggy_raw.contacts "
        "WHERE uuid = %s",
        uuid,
    )


def test_a_member_deleted_in_piggy_is_erased_once_the_days_have_passed(tmp_path, make_sandbox):
    workspace = Workspace(tmp_path, make_sandbox(scale=60, seed=13))
    workspace.run()
    ((uuid, email),) = workspace.query(
        "SELECT uuid, email FROM piggy_raw.contacts WHERE email IS NOT NULL ORDER BY uuid LIMIT 1"
    )
    delete_in_piggy(workspace.sandbox, uuid)

    kept = workspace.run()
    assert "retention" not in kept.stdout
    assert workspace.query(
        "SELECT count(*) FROM piggy_raw.contacts WHERE uuid = %s AND _dlt_valid_to IS NULL", uuid
    ) == [(0,)]
    assert personal(workspace, uuid)[0][0] == email

    due = {"PRIVACY__ERASE_DELETED_AFTER_DAYS": "0"}
    no_key = workspace.run(**due, PRIVACY__ERASURE_KEY="")
    assert "not erased" in no_key.stderr and "erasure_key" in no_key.stderr
    assert personal(workspace, uuid)[0][0] == email

    erased = workspace.run(**due)
    assert "retention: erased 1 member(s)" in erased.stdout
    assert personal(workspace, uuid) == [(None, None, None, None)]
    expected = hmac.new(ERASURE_KEY.encode(), uuid.encode(), hashlib.sha256).hexdigest()
    log = "SELECT member_hash, reason FROM piggy_actions.erasure_log"
    assert workspace.query(log) == [(expected, "retention")]
    assert workspace.traces_in_tables([email]) == []

    keyless = workspace.run(PRIVACY__ERASURE_KEY="", ok=False)
    assert keyless.returncode == 1
    assert "restore the key" in keyless.stderr and "1 erased member(s)" in keyless.stderr

    again = workspace.run(**due)
    assert "retention" not in again.stdout
    assert workspace.query(log) == [(expected, "retention")]
