"""The harness itself: a server starts and answers, and stops cleanly."""
from conftest import LISTS


def test_the_harness_starts_a_real_server(api):
    assert api.get(LISTS).json()["entities"] == []
