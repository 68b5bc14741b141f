"""Markdown building blocks used by `rca/render.py`."""
