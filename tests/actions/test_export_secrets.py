"""An export keeps no secret at rest: the webhook secret and the CRM key are read with dlt's
secret type, so dlt's trace of the actions pipeline records `<secret>` for them. The export runs
as a process at debug log level; then every file under the dlt pipelines folder, the exports and
the warehouse (every table, dlt's compressed state decoded) and the output are searched."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reliability"))

from secret_scan import find_secrets, searched_kinds  # noqa: E402

from pipelines.exports.segments import declared_segments  # noqa: E402

WEBHOOK_SECRET = "whsec_ZXhwb3J0LXdlYmhvb2stc2VjcmV0LTdmM2E5YzFl"
CRM_KEY = "crm-export-key-4f1c9e2a7b3d5e6f8a0b"


def test_an_export_leaves_no_secret_in_any_artefact(workspace, receiver):
    workspace.extra_env.update(
        {
            "EXPORTS__WEBHOOK__URL": receiver.url("/hook"),
            "EXPORTS__WEBHOOK__SECRET": WEBHOOK_SECRET,
            "EXPORTS__CRM__URL": receiver.url("/crm"),
            "EXPORTS__CRM__API_KEY": CRM_KEY,
            "RUNTIME__LOG_LEVEL": "DEBUG",
        }
    )
    dlt_folder = workspace.root / "dlt"
    roots = [dlt_folder, workspace.root / "exports", workspace.warehouse]
    runs, hits = [], []
    for args in (
        ("export", "--segment", declared_segments()[0]),
        ("export",),
        ("export", "--full"),
    ):
        runs.append(workspace.cli_process(*args))
        # each load of the actions pipeline rewrites trace.pickle: search what every run leaves
        hits += find_secrets([WEBHOOK_SECRET, CRM_KEY], roots, [runs[-1].stdout, runs[-1].stderr])

    assert [run.returncode for run in runs] == [0, 0, 0], runs[-1].stderr[-2000:]
    assert {r["path"] for r in receiver.requests} == {"/hook", "/crm"}, "both secrets were used"
    assert (dlt_folder / "pipelines" / "piggy_actions" / "trace.pickle").is_file()
    assert {".pickle", ".duckdb", ".csv", ".parquet", ".json"} <= searched_kinds(roots)
    assert hits == []
