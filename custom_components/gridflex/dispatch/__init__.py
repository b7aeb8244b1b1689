"""HA side of inbound FPP dispatch: endpoint, instruction lifecycle, device control."""

from .state import DispatchRuntime

__all__ = ["DispatchRuntime"]
