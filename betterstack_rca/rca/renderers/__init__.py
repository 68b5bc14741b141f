"""Renderers beside the Markdown one (`betterstack_rca.rca.render`): `html` for notebooks."""
