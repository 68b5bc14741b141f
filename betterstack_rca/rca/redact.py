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

import json
from typing import Any, TypeVar

from pydantic import BaseModel

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
    """Redact a whole bundle (see module docstring)."""
    return redact_model(bundle)
