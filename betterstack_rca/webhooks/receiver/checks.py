"""What a delivery must carry before its body is read: the shared secret (when one is set)
and a Content-Length within the limit. A refusal is a `Reply` (401, 411, 400 or 413)."""

from __future__ import annotations

import base64
import binascii
import contextlib
import hmac
from email.message import Message
from urllib.parse import parse_qs, urlsplit

from betterstack_rca.webhooks.receiver.reply import Reply

__all__ = ["check_length", "check_secret"]


def check_secret(headers: Message, path: str, secret: bytes | None) -> None:
    """Accept the secret from X-Webhook-Secret, a Bearer token, a Basic password (Better
    Stack's template auth) or ``?secret=``; every candidate is compared in constant time."""
    if secret is None:
        return
    candidates: list[bytes] = []
    header = headers.get("X-Webhook-Secret")
    if header is not None:
        candidates.append(header.strip().encode("latin-1", "replace"))
    auth = (headers.get("Authorization") or "").strip()
    scheme, _, credentials = auth.partition(" ")
    if scheme.lower() == "bearer":
        candidates.append(credentials.strip().encode("latin-1", "replace"))
    elif scheme.lower() == "basic":  # Better Stack's template auth: the password
        with contextlib.suppress(binascii.Error, ValueError):
            decoded = base64.b64decode(credentials.strip(), validate=True)
            candidates.append(decoded.partition(b":")[2])
    query = urlsplit(path).query
    if query:
        for value in parse_qs(query, keep_blank_values=True).get("secret", [])[:1]:
            candidates.append(value.encode("utf-8", "replace"))
    ok = False
    for candidate in candidates:  # compare every one: no early exit
        ok |= hmac.compare_digest(candidate, secret)
    if not ok:
        raise Reply(
            401,
            {"ok": False, "error": "missing or wrong shared secret"},
            {"WWW-Authenticate": 'Bearer realm="betterstack-rca"'},
        )


def check_length(headers: Message, max_bytes: int) -> int:
    """The body's length from its one Content-Length (no chunked bodies), at most `max_bytes`."""
    if headers.get("Transfer-Encoding"):
        raise Reply(411, {"ok": False, "error": "send a Content-Length (no chunked bodies)"})
    values = [str(v).strip() for v in headers.get_all("Content-Length") or []]
    if not values:
        raise Reply(411, {"ok": False, "error": "Content-Length required"})
    if len(set(values)) != 1:
        raise Reply(400, {"ok": False, "error": "conflicting Content-Length headers"})
    text = values[0]
    if not text.isdigit() or len(text) > 18:
        raise Reply(400, {"ok": False, "error": "invalid Content-Length"})
    length = int(text)
    if length > max_bytes:
        raise Reply(
            413,
            {
                "ok": False,
                "error": f"body of {length} bytes is over the limit of {max_bytes}",
            },
        )
    return length
