"""Account records -> the JSON objects Better Stack serves (built per request).

One module per resource family, each a set of functions over a ``View`` of the account
(``base``); ``envelope`` wraps lists into pages. Shapes follow
../shared/betterstack-api.md and the documented samples: ``data.id`` is always a string
while foreign keys in attributes keep the docs' mixed types.
"""
