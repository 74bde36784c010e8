import pytest

from replica import ReplicaServer, ReplicaSite


@pytest.fixture(scope="session")
def replica():
    with ReplicaServer(ReplicaSite(articles=200, seed=1)) as server:
        yield server
