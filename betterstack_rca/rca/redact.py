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
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, TypeAdapter

from betterstack_rca._scrub import (
    HEARTBEAT_PATH,
    REDACTED,
    SecretIndex,
    is_secret_name,
    redact_url,
    scrub,
)

__all__ = ["REDACTED", "Redactor", "redact", "redact_bundle", "redact_model", "redact_url"]

#: Keys whose string values are credentials wherever they appear (matched exactly; any other
#: key whose name looks like a credential, `is_secret_name`, is one too).
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
#: Header names whose values are harmless (kept as they are).
SAFE_HEADERS = frozenset(
    {"content-type", "accept", "user-agent", "accept-encoding", "accept-language", "cache-control"}
)
#: Fields holding a request or template body: JSON is walked by key, text is scrubbed.
_BODY_KEYS = frozenset({"body_template", "request_body"})
#: Fields that are only a user name: redacted in place, not remembered (low entropy).
_USER_KEYS = frozenset({"auth_username", "username"})
#: Keys of a name / value pair (`[{"key": "deploy_token", "value": "..."}]`, headers).
_PAIR_NAMES = ("name", "key")

M = TypeVar("M", bound=BaseModel)


class Redactor:
    """Collects secrets while scrubbing structures, then scrubs them from all text."""

    def __init__(self, extra_secrets: set[str] | None = None) -> None:
        self.secrets = SecretIndex(extra_secrets or ())

    def _keep(self, value: Any, *, everywhere: bool = True) -> str:
        """Redact a value; remember it to scrub from all text when it is distinctive enough
        (a 5-character password would also match ordinary words)."""
        if everywhere and isinstance(value, str):
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
            if value and lowered in _USER_KEYS:
                return self._keep(value, everywhere=False)  # low entropy: field only
            if value and (lowered in SECRET_KEYS or is_secret_name(key)):
                if value.startswith("$") and value[1:].replace("_", "").isalnum():
                    return value  # a template placeholder, not a secret
                return self._keep(value)
            if lowered in _BODY_KEYS:
                return self._body_template(value)
            for match in HEARTBEAT_PATH.finditer(value):
                self.secrets.add(match.group(2))
        return value

    def _mapping(self, value: dict[str, Any]) -> dict[str, Any]:
        pair = next((value[n] for n in _PAIR_NAMES if isinstance(value.get(n), str)), None)
        if pair is not None and isinstance(value.get("value"), str) and is_secret_name(pair):
            value = {**value, "value": self._keep(value["value"])}
        out: dict[str, Any] = {}
        for k, v in value.items():
            if k in _BODY_KEYS and isinstance(v, (dict, list)):
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
        if isinstance(value, str) and key and is_secret_name(key):
            if value.startswith("$") and value[1:].replace("_", "").isalnum():
                return value  # a template placeholder, not a secret
            return self._keep(value)
        return value

    def _body_template(self, text: str) -> str:
        try:
            parsed = json.loads(text)
        except (ValueError, RecursionError):
            return self.text(text)
        if not isinstance(parsed, (dict, list)):
            return self.text(text)
        return json.dumps(self._json_secrets(parsed))

    def text(self, value: str) -> str:
        return scrub(value, self.secrets)

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
        in_fields = key in fields
        current = model.__dict__[key] if in_fields else (extra or {}).get(key)
        try:
            new = _rebuilt(current, old, value)
        except _Revalidate:
            # a value whose JSON form is not itself (a datetime, an enum, a number) changed
            # somewhere in this field: what validating the redacted dump gives for the field
            # (in practice redaction never gets here). An undeclared field is kept as the
            # redacted JSON: validation keeps an extra value as sent (an `*_at` text becomes
            # a datetime only while it still parses as one, which a redacted text does not).
            new = _field_adapter(type(model), key).validate_python(value) if in_fields else value
        if in_fields:
            model.__dict__[key] = new
        elif extra is not None:
            extra[key] = new


class _Revalidate(Exception):
    """A changed value that only validation turns back into its Python type."""


def _rebuilt(current: Any, old: Any, new: Any) -> Any:
    """`current` (whose dump is `old`) with the changes of `new`: models written back in
    place, lists and dicts rebuilt around them, plain strings replaced."""
    if new == old:
        return current
    if isinstance(current, BaseModel) and isinstance(new, dict) and isinstance(old, dict):
        _write_back(current, old, new)
        return current
    if isinstance(current, list) and isinstance(new, list) and isinstance(old, list):
        if len(current) == len(new) == len(old):
            return [_rebuilt(c, o, n) for c, o, n in zip(current, old, new, strict=True)]
    elif isinstance(current, dict) and isinstance(new, dict) and isinstance(old, dict):
        # the dump keeps the keys in order; keys it spells differently (enum keys) validate
        if list(current) == list(old) == list(new):
            return {k: _rebuilt(current[k], old[k], new[k]) for k in current}
    elif type(current) is str and isinstance(new, str):
        return new
    raise _Revalidate


@functools.lru_cache(maxsize=256)
def _field_adapter(cls: type[BaseModel], name: str) -> TypeAdapter[Any]:
    info = cls.model_fields[name]
    annotated: Any = Annotated
    hint: Any = info.annotation
    if info.metadata:
        args = (hint, *info.metadata)
        hint = annotated[args]
    return TypeAdapter(hint)
