"""The renderers beside the Markdown entry point (`betterstack_rca.rca.render`): `parts`, the
Markdown building blocks `render.py` uses, and `html`, the notebook view (`_repr_html_`)."""
