"""`piggy-elt export` against a warehouse loaded from the sandbox and built by dbt."""

import csv
import json
import time

import duckdb
import pyarrow.parquet as pq

from pipelines.errors import describe_error, exit_code
from pipelines.exports.changes import content_hash, fingerprint
from pipelines.exports.segments import SEGMENT_FLAGS, declared_segments

SECRET = "whsec_c2VnbWVudHMtZXhwb3J0LXRlc3Qtc2VjcmV0LTMyYnk="
# every declared segment, high-value-at-risk last: a test that credits the first member it finds
# makes that member active, which would take it out of that segment
DEFAULT_SEGMENTS = sorted(declared_segments(), key=lambda name: name == "seg_high_value_at_risk")


def with_targets(workspace, receiver, **extra):
    workspace.extra_env.update(
        {
            "EXPORTS__WEBHOOK__URL": receiver.url("/hook"),
            "EXPORTS__WEBHOOK__SECRET": SECRET,
            "EXPORTS__CRM__URL": receiver.url("/crm"),
            "EXPORTS__CRM__API_KEY": "crm-key-77",
            "EXPORTS__BACKOFF_SECONDS": "0",
            **extra,
        }
    )


def mart(workspace, segment):
    """The segment as dbt built it, read straight from the DuckDB file."""
    with duckdb.connect(str(workspace.warehouse), read_only=True) as con:
        cursor = con.execute(f"select * from piggy_analytics.{segment} order by contact_uuid")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def events(receiver, path="/hook"):
    return [e for body in receiver.accepted(path) for e in body["events"]]


def test_exports_hold_exactly_the_segment_members(workspace, receiver):
    with_targets(workspace, receiver)
    result = workspace.cli("export")

    total = 0
    for segment in DEFAULT_SEGMENTS:
        rows = mart(workspace, segment)
        total += len(rows)
        folder = workspace.root / "exports" / segment
        with (folder / f"{segment}.csv").open() as handle:
            exported = list(csv.DictReader(handle))
        assert [r["contact_uuid"] for r in exported] == [r["contact_uuid"] for r in rows]
        balances = [str(r["credit_balance"]) for r in rows]
        assert [e["credit_balance"] for e in exported] == balances
        parquet = pq.read_table(folder / f"{segment}.parquet").to_pylist()
        assert [r["contact_uuid"] for r in parquet] == [r["contact_uuid"] for r in rows]
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["segment"] == segment and manifest["rows"] == len(rows)
        sent_fields = [{k: v for k, v in r.items() if k not in SEGMENT_FLAGS} for r in rows]
        assert manifest["content_hash"] == content_hash(
            {r["contact_uuid"]: fingerprint(r) for r in sent_fields}
        )
        assert manifest["data_watermark"] and manifest["exported_at"]
        assert manifest["delta"]["entered"] == len(rows)
        sent = [
            e
            for e in events(receiver)
            if e["member"]["contact_uuid"] in {r["contact_uuid"] for r in rows}
        ]
        assert len(sent) >= len(rows)
    assert total > 0, result.output
    assert len(events(receiver)) == total
    emails = sum(1 for s in DEFAULT_SEGMENTS for r in mart(workspace, s) if r["email"])
    assert sum(len(body["profiles"]) for body in receiver.accepted("/crm")) == emails
    crm_auth = {r["headers"]["Authorization"] for r in receiver.requests if r["path"] == "/crm"}
    assert crm_auth == {"Bearer crm-key-77"}
    assert SECRET not in result.output and "crm-key-77" not in result.output
    pushes = workspace.query(
        "select status_code, sent_json from piggy_actions.action_audit where action = ?",
        "export.push",
    )
    assert len(pushes) == len(receiver.requests) and {s for s, _ in pushes} == {200}
    assert not any(SECRET in sent or "crm-key-77" in sent for _, sent in pushes)


def test_a_second_export_sends_nothing_and_a_change_sends_only_the_difference(
    workspace, receiver, shop_uuid
):
    with_targets(workspace, receiver)
    workspace.cli("export")
    receiver.requests.clear()

    workspace.cli("export")
    assert receiver.requests == []
    for segment in DEFAULT_SEGMENTS:
        manifest = json.loads((workspace.root / "exports" / segment / "manifest.json").read_text())
        assert manifest["delta"] == {**manifest["delta"], "entered": 0, "changed": 0, "left": 0}

    # A credit is activity, which takes a member out of the at-risk segment (a `left`, not a
    # `changed`): the member is one the at-risk segment does not hold.
    at_risk = {r["contact_uuid"] for r in mart(workspace, "seg_high_value_at_risk")}
    member = next(
        r
        for s in DEFAULT_SEGMENTS
        for r in mart(workspace, s)
        if r["email"] and r["contact_uuid"] not in at_risk
    )
    before = member["credit_balance"]
    workspace.api(
        "POST",
        "/credit-receptions",
        json={
            "shop_uuid": shop_uuid(workspace),
            "contact_uuid": member["contact_uuid"],
            "credits": 7,
        },
    )
    for args in (("run",), ("transform", "--target-path", str(workspace.root / "dbt-target"))):
        done = workspace.cli_process(*args)
        assert done.returncode == 0, done.stderr[-2000:]
    workspace.cli("export")

    holding = [
        s
        for s in DEFAULT_SEGMENTS
        if any(r["contact_uuid"] == member["contact_uuid"] for r in mart(workspace, s))
    ]
    sent = events(receiver)
    assert sent, "the change must be sent"
    assert {e["member"]["contact_uuid"] for e in sent} == {member["contact_uuid"]}
    assert {e["change"] for e in sent} == {"changed"}
    assert len(sent) == len(holding)
    assert {e["member"]["credit_balance"] for e in sent} == {before + 7}
    profiles = [p for body in receiver.accepted("/crm") for p in body["profiles"]]
    assert {p["email"] for p in profiles} == {member["email"]}
    assert {p["properties"]["loyalty_points"] for p in profiles} == {before + 7}


def test_a_stale_resource_blocks_the_export_unless_allowed(workspace, receiver):
    with_targets(workspace, receiver, EXPORTS__MAX_AGE_HOURS="0.0001")
    time.sleep(0.5)
    result = workspace.cli("export", expect_ok=False)

    assert result.exit_code != 0
    message = describe_error(result.exception)
    assert message.startswith("stale data: contacts") and "--allow-stale" in message
    assert exit_code(result.exception) == 4  # refused (README, "Exit codes")
    assert receiver.requests == []
    assert not (workspace.root / "exports" / DEFAULT_SEGMENTS[0] / "manifest.json").exists()

    workspace.cli("export", "--allow-stale")
    assert (workspace.root / "exports" / DEFAULT_SEGMENTS[0] / "manifest.json").exists()


def test_a_missing_webhook_secret_is_named_without_running(workspace, receiver):
    workspace.extra_env["EXPORTS__WEBHOOK__URL"] = receiver.url("/hook")
    result = workspace.cli("export", expect_ok=False)

    assert "EXPORTS__WEBHOOK__SECRET" in describe_error(result.exception)
    assert receiver.requests == []
