"""HA side of the Connected Data Portal: flexibility zones, their trades and results (flow.py)."""
