"""A generated, deterministic replica of Kazinform's Elections section, served over HTTP."""

from replica.server import ReplicaServer, ReplicaSite

__all__ = ["ReplicaServer", "ReplicaSite"]
