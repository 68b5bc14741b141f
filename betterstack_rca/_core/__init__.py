"""The HTTP core: everything between a resource method and the wire, and nothing else.

It knows no Better Stack resource. Read it in the order a request flows:

- `config`: the client's arguments, environment fallbacks and their validation.
- `endpoints`: one definition per endpoint, run by a sync or an async executor.
- `pagination`: lazy paginators over list endpoints.
- `transport`: the sync and async senders, their counters and the read-only httpx transports.
- `pacing`: the token bucket every request waits for (slowed down after a 429).
- `retry`: which failures are tried again and how long to wait (Retry-After, backoff).
- `limits`: reading a body with a size limit.
- `http`: the rules of a request and an answer (GET only, URLs, status -> exception,
  Retry-After, JSON); no I/O.
- `run`: running a coroutine to completion from sync code.
"""
