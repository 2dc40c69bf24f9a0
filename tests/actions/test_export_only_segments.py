"""Only segments leave: declared in dbt with an enforced contract, and only reachable members."""

import csv
import json

import duckdb
from test_export_segments import events, mart, with_targets

from pipelines.errors import describe_error
from pipelines.exports.segments import SEGMENT_FLAGS, declared_segments

SEGMENTS = [
    "seg_high_value_at_risk",
    "seg_lapsed_redeemers",
    "seg_points_expiring_14d",
    "seg_vip_candidates",
]


def test_a_model_that_is_not_a_segment_is_refused_with_the_list_of_segments(workspace, receiver):
    with_targets(workspace, receiver)
    refused = workspace.cli("export", "--segment", "dim_contacts", expect_ok=False)
    message = describe_error(refused.exception)

    assert refused.exit_code != 0 and "\n" not in message
    assert message.startswith("'dim_contacts' is not a segment")
    assert message.endswith(", ".join(SEGMENTS))
    assert receiver.requests == []
    assert not (workspace.root / "exports").exists()

    workspace.extra_env["EXPORTS__SEGMENTS"] = '["seg_vip_candidates", "fct_points_ledger"]'
    configured = workspace.cli("export", expect_ok=False)
    assert describe_error(configured.exception).startswith("'fct_points_ledger' is not a segment")
    assert receiver.requests == []


def test_every_segment_is_declared_with_an_enforced_contract_on_its_columns(workspace, template):
    assert declared_segments() == SEGMENTS
    manifest = json.loads((template / "dbt-target" / "manifest.json").read_text())
    models = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    exported = [name for name, node in models.items() if node["config"]["meta"].get("piggy_export")]
    assert sorted(exported) == SEGMENTS
    for segment in SEGMENTS:
        node = models[segment]
        assert node["config"]["contract"]["enforced"] is True, segment
        built = list(mart(workspace, segment)[0]) if mart(workspace, segment) else None
        assert built is None or list(node["columns"]) == built, segment
        assert all(column["data_type"] for column in node["columns"].values()), segment
        flags = {name: node["columns"][name]["data_type"] for name in SEGMENT_FLAGS}
        assert flags == {"has_marketing_consent": "boolean", "is_deleted": "boolean"}, segment


def test_members_without_consent_deleted_or_unknown_are_withheld_and_counted(workspace, receiver):
    with_targets(workspace, receiver)
    segment = max(SEGMENTS, key=lambda name: len(mart(workspace, name)))
    rows = mart(workspace, segment)
    assert len(rows) >= 3, "the largest segment is too small for this test"
    no_consent, deleted, kept = rows[0], rows[1], rows[2:]
    with duckdb.connect(str(workspace.warehouse)) as con:
        con.execute(
            "update piggy_analytics.dim_contacts set has_marketing_consent = false "
            "where contact_uuid = ?",
            [no_consent["contact_uuid"]],
        )
        con.execute(
            "update piggy_analytics.dim_contacts set is_deleted = true where contact_uuid = ?",
            [deleted["contact_uuid"]],
        )
        con.execute(
            f"insert into piggy_analytics.{segment} select * replace "
            "('not-a-contact' as contact_uuid, 'stranger@example.com' as email) "
            f"from piggy_analytics.{segment} limit 1"
        )
    result = workspace.cli("export", "--segment", segment)

    expected = [row["contact_uuid"] for row in kept]
    folder = workspace.root / "exports" / segment
    with (folder / f"{segment}.csv").open(newline="") as handle:
        assert [row["contact_uuid"] for row in csv.DictReader(handle)] == expected
    assert sorted(e["member"]["contact_uuid"] for e in events(receiver)) == sorted(expected)
    profiles = [p["email"] for body in receiver.accepted("/crm") for p in body["profiles"]]
    assert "stranger@example.com" not in profiles
    assert no_consent["email"] not in profiles and deleted["email"] not in profiles
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["withheld"] == {"deleted": 1, "no_consent": 1, "unknown_contact": 1}
    assert manifest["rows"] == len(expected)
    summary = next(line for line in result.output.splitlines() if line.startswith("│ seg_"))
    assert [cell.strip() for cell in summary.split("│")][6] == "3", result.output


def test_a_segment_row_that_itself_says_no_consent_is_withheld_and_no_flag_leaves(
    workspace, receiver
):
    with_targets(workspace, receiver)
    segment = max(SEGMENTS, key=lambda name: len(mart(workspace, name)))
    rows = mart(workspace, segment)
    flagged, kept = rows[0], rows[1:]
    with duckdb.connect(str(workspace.warehouse)) as con:
        con.execute(
            f"update piggy_analytics.{segment} set has_marketing_consent = false "
            "where contact_uuid = ?",
            [flagged["contact_uuid"]],
        )
    workspace.cli("export", "--segment", segment)

    folder = workspace.root / "exports" / segment
    with (folder / f"{segment}.csv").open(newline="") as handle:
        exported = list(csv.DictReader(handle))
    assert [row["contact_uuid"] for row in exported] == [row["contact_uuid"] for row in kept]
    assert exported and not set(SEGMENT_FLAGS) & set(exported[0])
    assert all(not set(SEGMENT_FLAGS) & set(e["member"]) for e in events(receiver))
    assert json.loads((folder / "manifest.json").read_text())["withheld"] == {"no_consent": 1}
