"""The action tables live in the loading pipeline's warehouse, whatever that pipeline is called."""

import dlt
import pytest

from pipelines.errors import CliError
from pipelines.exports.warehouse import ACTIONS_DATASET, actions_pipeline, read_rows


def test_the_actions_pipeline_writes_into_the_loading_pipelines_default_duckdb_file(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DLT_DATA_DIR", str(tmp_path / "dlt"))
    monkeypatch.delenv("DESTINATION__DUCKDB__CREDENTIALS", raising=False)
    loader = dlt.pipeline("shop_loader", destination="duckdb", dataset_name="raw")
    loader.run([{"id": 1}], table_name="orders")

    actions = actions_pipeline("shop_loader")
    actions.run([{"key": "k1"}], table_name="probe")

    assert actions.pipeline_name == "shop_loader_actions"
    assert sorted(p.name for p in tmp_path.glob("*.duckdb")) == ["shop_loader.duckdb"]
    assert read_rows(actions, ACTIONS_DATASET, "probe")[1] == [{"key": "k1"}]
    assert read_rows(actions, "raw", "orders")[1] == [{"id": 1}]


def test_a_loading_pipeline_that_never_ran_is_named_in_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DLT_DATA_DIR", str(tmp_path / "dlt"))
    with pytest.raises(
        CliError, match="pipeline 'nowhere' has not run here yet: run `piggy-elt run`"
    ):
        actions_pipeline("nowhere")
