"""Payouts keep no secret at rest: the Piggy API key, the client secret and the Slack webhook URL
are read with dlt's secret type, so dlt's trace of the actions pipeline records `<secret>` for
them. Review and approve run as processes; then every file under the dlt pipelines folder, the
warehouse (every table, dlt's compressed state decoded), the exports and the output is searched."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reliability"))

from secret_scan import find_secrets, pipeline_folders, searched_kinds  # noqa: E402

API_KEY = "pat-payouts-5d0c2e9b7a4f4c18b3e6d1a9f0c7b2e4"
CLIENT_SECRET = "cs-payouts-9a7e3c1f5b2d4e6a8c0f1e3d5b7a9c2e"
SLACK_PATH = "/services/T0PAYOUT/B0PAYOUT/x9Kq2LmW7pR4tZ8vN3sJ6hYc"


def test_review_and_approve_leave_no_secret_in_any_artefact(payout_workspaces, receiver):
    workspace = payout_workspaces(token=API_KEY, client_secret=CLIENT_SECRET)
    slack_url = receiver.url(SLACK_PATH)
    workspace.extra_env["PAYOUTS__SLACK__WEBHOOK_URL"] = slack_url
    workspace.extra_env["RUNTIME__LOG_LEVEL"] = "DEBUG"
    with_client = {
        "SOURCES__PIGGY__API_KEY": "",
        "SOURCES__PIGGY__CLIENT_ID": workspace.sandbox.client_id,
        "SOURCES__PIGGY__CLIENT_SECRET": CLIENT_SECRET,
    }

    steps = [
        (("payouts", "review", "--no-build"), {}),
        (("payouts", "review", "--no-build"), with_client),
        (("payouts", "approve", "--apply"), {}),
        (("payouts", "approve", "--apply"), with_client),
        (("--debug", "payouts", "approve"), {}),
    ]
    secrets = [API_KEY, CLIENT_SECRET, slack_url, SLACK_PATH]
    runs, hits = [], []
    for args, env in steps:
        runs.append(workspace.cli_process(*args, env=env))
        # each pipeline load rewrites trace.pickle: search what every command leaves behind
        hits += find_secrets(secrets, [workspace.root], [runs[-1].stdout, runs[-1].stderr])

    assert [run.returncode for run in runs] == [0] * 5, [run.stderr[-500:] for run in runs]
    assert receiver.accepted(SLACK_PATH), "the review was announced with the secret URL"
    paid = workspace.query("select count(*) from piggy_actions.payout_ledger where status = 'paid'")
    assert paid == [(4,)], "approve used the key: the scan covers a real payout run"
    actions = pipeline_folders(workspace.root / "dlt")["piggy_actions"]
    assert (actions / "trace.pickle").is_file(), "the trace the finding was about exists"
    assert {".duckdb", ".pickle", ".json", ".csv", ".parquet"} <= searched_kinds([workspace.root])
    assert hits == []
