"""Shared test builders: stores, clocks and a small VON-shaped organisation."""
