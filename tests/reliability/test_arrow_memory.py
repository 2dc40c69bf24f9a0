"""Loads allocate Arrow buffers from the system allocator (freed pages go back to the system),
unless the user named a pool of their own."""

from collections.abc import Iterator

import pyarrow as pa
import pytest

from pipelines.arrow_memory import POOL_VARIABLE, arrow_on_the_system_allocator


@pytest.fixture
def restored_pool() -> Iterator[None]:
    previous = pa.default_memory_pool()
    yield
    pa.set_memory_pool(previous)


def test_a_load_puts_arrow_on_the_system_allocator(monkeypatch, restored_pool):
    monkeypatch.delenv(POOL_VARIABLE, raising=False)
    pa.set_memory_pool(pa.mimalloc_memory_pool())
    arrow_on_the_system_allocator()
    assert pa.default_memory_pool().backend_name == "system"
    assert pa.array(range(1000)).to_pylist()[-1] == 999


def test_a_users_own_pool_wins(monkeypatch, restored_pool):
    monkeypatch.setenv(POOL_VARIABLE, "mimalloc")
    pa.set_memory_pool(pa.mimalloc_memory_pool())
    arrow_on_the_system_allocator()
    assert pa.default_memory_pool().backend_name == "mimalloc"
