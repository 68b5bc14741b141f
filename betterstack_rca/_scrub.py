"""The one text scrubber: credentials out of any text, before it is shown, logged or stored.

Every error message (`errors.py` runs it on each message and excerpt), every bundle string
(`rca/redact.py` adds the secrets it found to it) and every line the CLI and the webhook
receiver print or write pass through `scrub`. It removes, in this order:

1. known secrets (`SecretIndex`: a client's own token, values a bundle found under credential
   keys), longest first, found through an index of their first 8 characters so the cost is
   linear in the text, whatever the number of secrets;
2. ``Bearer`` / ``Basic`` / ``Token`` credentials;
3. in URLs of any scheme, in any case (``postgres://app:pw@db``, ``HTTPS://``): the userinfo,
   heartbeat and incoming-webhook tokens in the path, and secret-looking parameters of the
   query *and* the fragment, separated by ``&`` or ``;``. URLs are parsed by hand and
   tolerantly: a ``]`` in a password does not make the parser give up and leave the URL whole;
4. ``name=value`` and JSON ``"name": "value"`` pairs whose name looks like a credential
   (`is_secret_name`).

Cut text only after scrubbing it (`cut` never splits a word): half a URL no longer looks like
one. This module imports nothing of the package, so the exception classes can use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

REDACTED = "[redacted]"

#: The words of a key name that make its value a credential, in any case and separator
#: (``auth_token``, ``clientSecret``, ``X-Api-Key``, ``deploy_token``, ``DB_PASSWD``).
_SECRET_WORDS = frozenset(
    {
        "token",
        "tokens",
        "secret",
        "secrets",
        "password",
        "passwd",
        "passphrase",
        "pwd",
        "pass",
        "auth",
        "authorization",
        "authentication",
        "signature",
        "sig",
        "credential",
        "credentials",
        "jwt",
        "apikey",
        "cookie",
    }
)
#: Joined forms seen in the wild (``apikey``, ``accesstoken``, ``clientsecret``, ``authtoken``).
_SECRET_SUBSTRINGS = ("token", "secret", "passw", "credential", "apikey", "privatekey")
#: A name that ends in one of these describes a credential without holding it
#: (``token_expires_at``, ``auth_type``, ``password_enabled``): its value stays.
_ABOUT_A_SECRET = frozenset({"at", "type", "enabled", "count", "length", "expires", "expiry"})
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def is_secret_name(name: str) -> bool:
    """Whether a key, header or parameter name names a credential.

    ``key`` alone is not one (a metadata pair's name is under ``key``); ``api_key``,
    ``private_key``, ``access_key`` and any ``*_key`` of several words are.
    """
    words = [w.lower() for w in _WORDS.findall(name)]
    if not words or words[-1] in _ABOUT_A_SECRET:
        return False
    if any(w in _SECRET_WORDS for w in words):
        return True
    joined = "".join(words)
    if any(s in joined for s in _SECRET_SUBSTRINGS):
        return True
    return len(words) > 1 and words[-1] in ("key", "keys")


#: Query and fragment parameter names: shorter and terser than keys, so matched more widely.
_PARAM_SECRET = re.compile(
    r"token|key|secret|pass|pwd|sig|auth|credential|session|code|jwt|access|ticket", re.I
)


def is_secret_param(name: str) -> bool:
    return bool(_PARAM_SECRET.search(name)) or is_secret_name(name)


_BEARER = re.compile(r"\b(Bearer|Basic|Token)\s+([A-Za-z0-9._~+/=-]{6,})", re.I)
#: A credential after the scheme has a digit, a symbol or mixed case, or is long; a plain
#: lower-case word ("a bearer secret", "token expired") is prose and stays.
_PROSE_WORD = re.compile(r"[a-z]{6,19}")


def _bearer(match: re.Match[str]) -> str:
    if _PROSE_WORD.fullmatch(match.group(2)):
        return match.group(0)
    return f"{match.group(1)} {REDACTED}"


#: A URL of any scheme; it ends at whitespace, a quote or an angle bracket.
_URL = re.compile(r"\b([a-z][a-z0-9+.-]{0,30})://([^\s\"'<>`]+)", re.I)
#: Better Stack URLs whose last segment is the credential: heartbeat pings, incoming webhooks.
HEARTBEAT_PATH = re.compile(
    r"(/api/v\d+/(?:heartbeat|incoming-webhook|incoming_webhook)s?/)([A-Za-z0-9_-]+)", re.I
)
_PAIR_EQ = re.compile(r"(?<![\w.-])([\w.-]{2,64})(=)(\"?)([^\s\"&;,)]+)")
_PAIR_JSON = re.compile(r"\"([\w.-]{2,64})\"(\s*:\s*)\"((?:[^\"\\]|\\.){1,4096})\"")


def _params(text: str) -> str:
    """``a=1&token=x;sig=y``: the values of secret-looking names redacted, separators kept."""
    out = []
    for part in re.split(r"([&;])", text):
        name, eq, value = part.partition("=")
        secret = eq and value and value != REDACTED and is_secret_param(name)
        out.append(f"{name}={REDACTED}" if secret else part)
    return "".join(out)


def redact_url(url: str) -> str:
    """A URL without userinfo, path tokens or secret-looking query / fragment values."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return HEARTBEAT_PATH.sub(r"\1" + REDACTED, url)
    end = len(rest)
    for mark in "/?#":
        at = rest.find(mark)
        if 0 <= at < end:
            end = at
    authority, tail = rest[:end], rest[end:]
    if "@" in authority:
        authority = f"{REDACTED}@{authority.rsplit('@', 1)[1]}"
    path, hash_, fragment = tail.partition("#")
    path, question, query = path.partition("?")
    path = HEARTBEAT_PATH.sub(r"\1" + REDACTED, path)
    return f"{scheme}://{authority}{path}{question}{_params(query)}{hash_}{_params(fragment)}"


class SecretIndex:
    """A growing set of known secret strings, removed from text in linear time.

    One compiled alternation of thousands of literals is still tried literal by literal at
    every position in `re`; this indexes each secret by its first `PREFIX` characters and
    looks up the text's prefixes instead (secrets shorter than `PREFIX` are not kept: they
    would match ordinary words).
    """

    PREFIX = 8

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._by_prefix: dict[str, list[str]] = {}
        self._all: set[str] = set()
        for secret in secrets:
            self.add(secret)

    def __len__(self) -> int:
        return len(self._all)

    def __contains__(self, secret: object) -> bool:
        return secret in self._all

    def __iter__(self) -> Iterator[str]:
        return iter(self._all)

    def add(self, secret: str) -> None:
        if len(secret) < self.PREFIX or secret == REDACTED or secret in self._all:
            return
        self._all.add(secret)
        bucket = self._by_prefix.setdefault(secret[: self.PREFIX], [])
        bucket.append(secret)
        bucket.sort(key=len, reverse=True)

    def scrub(self, text: str) -> str:
        if not self._by_prefix or len(text) < self.PREFIX:
            return text
        n = self.PREFIX
        keys = self._by_prefix.keys()
        hits: set[str] = set()
        step = 4096
        for start in range(0, len(text) - n + 1, step):
            window = text[start : start + step + n - 1]
            hits |= keys & {window[i : i + n] for i in range(len(window) - n + 1)}
        if not hits:
            return text
        found = sorted({s for key in hits for s in self._by_prefix[key]}, key=len, reverse=True)
        for secret in found:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text


def _pair_eq(match: re.Match[str]) -> str:
    name, eq, quote, value = match.groups()
    if value == REDACTED or value.startswith("$") or not is_secret_name(name):
        return match.group(0)
    return f"{name}{eq}{quote}{REDACTED}"


def _pair_json(match: re.Match[str]) -> str:
    name, colon, value = match.groups()
    if value == REDACTED or value.startswith("$") or not is_secret_name(name):
        return match.group(0)
    return f'"{name}"{colon}"{REDACTED}"'


def scrub(text: str, secrets: SecretIndex | None = None) -> str:
    """`text` without credentials (see the module docstring)."""
    if not text:
        return text
    if secrets is not None:
        text = secrets.scrub(text)
    text = _BEARER.sub(_bearer, text)
    if "://" in text:
        text = _URL.sub(lambda m: redact_url(m.group(0)), text)
    elif "/api/v" in text.lower():
        text = HEARTBEAT_PATH.sub(r"\1" + REDACTED, text)
    if "=" in text:
        text = _PAIR_EQ.sub(_pair_eq, text)
    if '"' in text:
        text = _PAIR_JSON.sub(_pair_json, text)
    return text


def cut(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters at a word boundary (a token or URL is kept
    whole or dropped, never halved), with ``…`` when something was cut."""
    if len(text) <= limit:
        return text
    if limit <= 1:
        return "…"[:limit]
    head = text[: limit - 1]
    if not text[limit - 1].isspace():
        space = max(head.rfind(" "), head.rfind("\t"))
        head = head[:space] if space > 0 else ""
    return head.rstrip() + "…"
