"""Export settings: one configspec, secrets kept secret, a bad value named in one line."""

import os

import pytest

from pipelines.exports.errors import ExportError
from pipelines.exports.settings import CRM, WEBHOOK, load_settings

SECRET = "whsec_cGlnZ3ktZWx0LWV4cG9ydC10ZXN0LWtleS0wMDMyYg=="


@pytest.fixture
def env(monkeypatch, tmp_path):
    """A clean directory and no EXPORTS__ variable but those a test sets."""
    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.startswith("EXPORTS__")]:
        monkeypatch.delenv(name)
    return monkeypatch


def test_defaults_come_from_the_configspec(env):
    settings = load_settings()
    assert (settings.segments, settings.batch_size, settings.max_age_hours) == (None, 500, 26.0)
    assert settings.required_resources == ["contacts", "loyalty_transactions"]
    assert settings.receivers == {}


def test_targets_get_their_secrets(env):
    env.setenv("EXPORTS__WEBHOOK__URL", "http://127.0.0.1:1/hook")
    env.setenv("EXPORTS__WEBHOOK__SECRET", SECRET)
    env.setenv("EXPORTS__CRM__URL", "http://127.0.0.1:1/crm")
    env.setenv("EXPORTS__CRM__API_KEY", "crm-key")
    env.setenv("EXPORTS__ATTEMPTS", "2")
    receivers = load_settings().receivers
    assert (receivers[WEBHOOK].secret, receivers[WEBHOOK].attempts) == (SECRET, 2)
    assert (receivers[CRM].bearer, receivers[CRM].secret) == ("crm-key", None)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("BATCH_SIZE", "many", "exports.batch_size must be of type int, got 'many': fix "),
        ("BATCH_SIZE", "0", "exports.batch_size must be at least 1, got 0: fix "),
        ("MAX_AGE_HOURS", "-1", "exports.max_age_hours must be at least 0, got -1.0: fix "),
    ],
)
def test_a_bad_value_names_its_toml_key_and_env_var(env, name, value, expected):
    env.setenv(f"EXPORTS__{name}", value)
    with pytest.raises(ExportError) as failure:
        load_settings()
    message = str(failure.value)
    assert message.startswith(expected) and "\n" not in message
    assert f"[exports] {name.lower()} in .dlt/config.toml" in message
    assert message.endswith(f"EXPORTS__{name}")


@pytest.mark.parametrize(
    "secret", ["hook-secret-42", "whsec_c2hvcnQ=", "whsec_not base64!", "whsec_" + "A" * 41]
)
def test_a_webhook_secret_that_is_not_a_standard_webhooks_secret_is_refused(env, secret):
    env.setenv("EXPORTS__WEBHOOK__URL", "http://127.0.0.1:1/hook")
    env.setenv("EXPORTS__WEBHOOK__SECRET", secret)
    with pytest.raises(ExportError) as failure:
        load_settings()
    message = str(failure.value)
    assert message.startswith("exports.webhook.secret must be `whsec_`")
    assert message.endswith("EXPORTS__WEBHOOK__SECRET") and secret not in message
