"""`[webhooks]` and the CRM target: rotation lists, one-line refusals, where the journal lives."""

from __future__ import annotations

import pytest

from pipelines.webhooks.errors import WebhookSetupError
from pipelines.webhooks.settings import load_crm, load_webhooks


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in ("WEBHOOKS__SECRET", "WEBHOOKS__SECRETS", "EXPORTS__CRM__URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DLT_DATA_DIR", str(tmp_path / "dlt"))
    monkeypatch.chdir(tmp_path)


def test_a_rotation_list_and_the_single_secret_are_all_accepted(monkeypatch):
    monkeypatch.setenv("WEBHOOKS__SECRETS", '["new-one", "old-one"]')
    monkeypatch.setenv("WEBHOOKS__SECRET", "single")
    config = load_webhooks()
    assert config.signing_secrets() == ["new-one", "old-one", "single"]
    assert "new-one" not in repr(config) and "single" not in repr(config)


def test_the_journal_lives_next_to_dlts_pipelines_folder(tmp_path):
    assert load_webhooks().journal_path() == tmp_path / "dlt" / "webhooks" / "journal.sqlite"


def test_no_secret_no_crm_and_bad_bounds_are_refused_in_one_line(monkeypatch):
    with pytest.raises(WebhookSetupError, match=r"no webhook secret: set \[webhooks\] secrets"):
        load_webhooks().signing_secrets()
    with pytest.raises(WebhookSetupError, match=r"no CRM target: set \[exports.crm\] url"):
        load_crm()
    monkeypatch.setenv("WEBHOOKS__PUSH_ATTEMPTS", "0")
    with pytest.raises(WebhookSetupError, match="webhooks.push_attempts must be at least 1"):
        load_webhooks()
