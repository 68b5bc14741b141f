"""Secret redaction: nothing that grants access leaves a bundle.

Two passes over the bundle's data. The structural pass replaces the values Better Stack
returns that grant access (heartbeat ping URLs and incoming-webhook URLs, monitor
`auth_username`/`auth_password` and request header values, policy `incident_token`,
webhook template credentials and headers, credentials in body templates) and remembers
them. The text pass then removes every remembered value from
every string (a password quoted in a comment, a ping URL in a timeline item), plus tokens in
URL queries, `Bearer` tokens and heartbeat ping URLs wherever they appear.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Annotated, Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import BaseModel, TypeAdapter

REDACTED = "[redacted]"

#: Keys whose string values are credentials wherever they appear.
SECRET_KEYS = frozenset(
    {
        "auth_password",
        "incident_token",
        "password",
        "secret",
        "token",
        "api_key",
        "apikey",
        "access_token",
        "private_key",
        "client_secret",
        "authorization",
    }
)
_SECRET_KEY_PATTERN = re.compile(
    r"pass(word)?|secret|token|api[-_]?key|auth|credential|signature|private", re.I
)
#: Header names whose values are harmless (kept as they are).
SAFE_HEADERS = frozenset(
    {"content-type", "accept", "user-agent", "accept-encoding", "accept-language", "cache-control"}
)
_QUERY_SECRET = re.compile(
    r"(token|key|secret|pass(word)?|sig(nature)?|auth|credential|session|code)", re.I
)
#: Better Stack URLs whose last segment is the credential: heartbeat pings, incoming webhooks.
_HEARTBEAT_URL = re.compile(
    r"(/api/v\d+/(?:heartbeat|incoming-webhook|incoming_webhook)s?/)[A-Za-z0-9_-]+"
)
_BEARER = re.compile(r"\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{6,}", re.I)
_URL = re.compile(r"https?://[^\s\"'<>]+")

M = TypeVar("M", bound=BaseModel)


def redact_url(url: str) -> str:
    """Scrub heartbeat ping tokens, userinfo passwords and secret-looking query values."""
    url = _HEARTBEAT_URL.sub(r"\1" + REDACTED, url)
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(_QUERY_SECRET.search(k) for k, _ in pairs):
            query = urlencode(
                [(k, REDACTED if _QUERY_SECRET.search(k) else v) for k, v in pairs], safe="[]"
            )
    return urlunsplit(parts._replace(netloc=netloc, query=query))


class Redactor:
    """Collects secrets while scrubbing structures, then scrubs them from all text."""

    def __init__(self, extra_secrets: set[str] | None = None) -> None:
        self.secrets: set[str] = set(extra_secrets or ())

    def _keep(self, value: Any, *, everywhere: bool = True) -> str:
        """Redact a value; remember it to scrub from all text when it is distinctive enough
        (a 5-character password would also match ordinary words)."""
        if everywhere and isinstance(value, str) and len(value) >= 8 and value != REDACTED:
            self.secrets.add(value)
        return REDACTED

    def structure(self, value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return self._mapping(value)
        if isinstance(value, list):
            if key in ("request_headers", "headers_template", "headers"):
                return [self._header(h) for h in value]
            return [self.structure(v, key) for v in value]
        if isinstance(value, str):
            lowered = key.lower()
            if value and lowered in ("auth_username", "username"):
                return self._keep(value, everywhere=False)  # low entropy: field only
            if value and (lowered in SECRET_KEYS or lowered.endswith("_password")):
                return self._keep(value)
            if lowered == "body_template":
                return self._body_template(value)
            match = _HEARTBEAT_URL.search(value)
            if match and len(match.group(0).rsplit("/", 1)[1]) >= 8:
                self.secrets.add(match.group(0).rsplit("/", 1)[1])
        return value

    def _mapping(self, value: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in value.items():
            if k == "body_template" and isinstance(v, (dict, list)):
                out[k] = self._json_secrets(v)
            else:
                out[k] = self.structure(v, k)
        return out

    def _header(self, header: Any) -> Any:
        if not isinstance(header, dict):
            return self.structure(header)
        name = str(header.get("name") or "").lower()
        out = dict(header)
        if name not in SAFE_HEADERS and isinstance(out.get("value"), str) and out["value"]:
            out["value"] = self._keep(out["value"])
        return out

    def _json_secrets(self, value: Any, key: str = "") -> Any:
        """Inside a body template: any value under a credential-looking key is secret."""
        if isinstance(value, dict):
            return {k: self._json_secrets(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self._json_secrets(v, key) for v in value]
        if isinstance(value, str) and key and _SECRET_KEY_PATTERN.search(key):
            if value.startswith("$") and value[1:].replace("_", "").isalnum():
                return value  # a template placeholder, not a secret
            return self._keep(value)
        return value

    def _body_template(self, text: str) -> str:
        try:
            parsed = json.loads(text)
        except ValueError:
            return self.text(text)
        return json.dumps(self._json_secrets(parsed))

    def text(self, value: str) -> str:
        for secret in sorted(self.secrets, key=len, reverse=True):
            if secret in value:
                value = value.replace(secret, REDACTED)
        value = _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", value)
        if "://" in value:
            value = _URL.sub(lambda m: redact_url(m.group(0)), value)
        return value

    def texts(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self.texts(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.texts(v) for v in value]
        if isinstance(value, str):
            return self.text(value)
        return value

    def data(self, value: Any) -> Any:
        """Both passes over plain JSON-able data."""
        return self.texts(self.structure(value))


def redact_model(model: M, redactor: Redactor | None = None) -> M:
    """A redacted copy of a model (validated again from its redacted data)."""
    redactor = redactor or Redactor()
    data = redactor.data(model.model_dump(mode="json"))
    return type(model).model_validate(data)


def redact(value: Any) -> Any:
    """A redacted copy of a model, a list of models, or plain JSON-able data.

    Bundles are redacted already; use this on what list and get methods return before you
    print, log or hand it to someone (e.g. ``redact(bs.monitors.get(id))``).
    """
    redactor = Redactor()
    if isinstance(value, BaseModel):
        return redact_model(value, redactor)
    if isinstance(value, (list, tuple)) and all(isinstance(v, BaseModel) for v in value):
        # one redactor for the whole list: a secret seen in one item is scrubbed from all
        dumped = redactor.structure([v.model_dump(mode="json") for v in value])
        cleaned = redactor.texts(dumped)
        return [type(v).model_validate(d) for v, d in zip(value, cleaned, strict=True)]
    return redactor.data(value)


def redact_bundle(bundle: M) -> M:
    """Redact a whole bundle in place and return it (see module docstring).

    The rules run on the bundle's JSON dump, exactly as in `redact_model`; what they changed
    is then written back into the bundle's own objects, so the bundle is not validated again
    (a bundle is assembled from validated models; validating it anew cost more than the
    rest of the redaction apart from the text pass). For a bundle the caller owns and may
    change: the collector's own, just assembled. `redact_model` returns a redacted copy.
    """
    dumped = bundle.model_dump(mode="json")
    _write_back(bundle, dumped, Redactor().data(dumped))
    return bundle


def _write_back(model: BaseModel, dumped: dict[str, Any], redacted: dict[str, Any]) -> None:
    """Set in `model` the values that differ between its dump and the redacted dump.

    Only branches that differ are visited (`==` on the dumped data runs in C); models are
    changed in place, containers and strings replaced, never mutated (they may be shared).
    `Redactor.data` builds new data and leaves its input as it was, which this relies on.
    """
    fields = type(model).model_fields
    extra = model.__pydantic_extra__
    for key, value in redacted.items():
        old = dumped.get(key)
        if value == old:
            continue
        new = value
        in_fields = key in fields
        current = model.__dict__[key] if in_fields else (extra or {}).get(key)
        if isinstance(current, BaseModel) and isinstance(new, dict) and isinstance(old, dict):
            _write_back(current, old, new)
            continue
        if (
            isinstance(current, list)
            and isinstance(new, list)
            and isinstance(old, list)
            and len(current) == len(new) == len(old)
            and any(isinstance(item, BaseModel) for item in current)
        ):
            items = list(current)
            for index, (item, new_item, old_item) in enumerate(zip(current, new, old, strict=True)):
                if new_item == old_item:
                    continue
                if isinstance(item, BaseModel) and isinstance(new_item, dict):
                    _write_back(item, old_item, new_item)
                else:
                    items[index] = new_item  # a plain value beside models (an untyped list)
            new = items
        elif in_fields and not (current is None or isinstance(current, (str, list, dict))):
            # a value whose JSON form is not itself (a datetime, a number): what validating
            # the redacted dump would give for this field (in practice redaction never gets here)
            new = _field_adapter(type(model), key).validate_python(new)
        if in_fields:
            model.__dict__[key] = new
        elif extra is not None:
            extra[key] = new


@functools.lru_cache(maxsize=256)
def _field_adapter(cls: type[BaseModel], name: str) -> TypeAdapter[Any]:
    info = cls.model_fields[name]
    annotated: Any = Annotated
    hint: Any = info.annotation
    if info.metadata:
        args = (hint, *info.metadata)
        hint = annotated[args]
    return TypeAdapter(hint)
