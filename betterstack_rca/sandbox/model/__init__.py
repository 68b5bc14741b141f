"""The demo account's data model: ids, units, causes, records and the incident columns.

Nothing here generates anything; the scenarios (``sandbox.scenarios``), the generator
(``sandbox.account``) and the renderers (``sandbox.render``) all build on it.
"""
