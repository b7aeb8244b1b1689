"""Tests of the pure API clients (no Home Assistant under test)."""
