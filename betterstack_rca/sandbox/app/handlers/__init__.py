"""The endpoint handlers, one module per resource family: ``Request`` -> JSON payload.

A handler returns the payload of a 200 answer or raises ``errors.Reply``; ``routes`` says
which handler answers which path.
"""
