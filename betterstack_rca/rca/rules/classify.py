"""Classifications the rules share: the cause class of a cause text, and what a checked URL
tells about the dependencies behind it (host, IP, DNS zone, registrable domain).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

# (class, pattern, base confidence of the cause rule): first match wins. The order matters:
# "SSL handshake timed out" is TLS, "DNS lookup timed out" is DNS, before "timeout".
CAUSES: tuple[tuple[str, re.Pattern[str], float], ...] = (
    ("tls", re.compile(r"ssl|tls|certificate|x509|handshake", re.I), 0.8),
    (
        "dns",
        re.compile(
            r"\bdns\b|name resolution|nxdomain|could not resolve|servfail|resolv(e|ing) host",
            re.I,
        ),
        0.75,
    ),
    ("heartbeat_missed", re.compile(r"heartbeat|missed|no ping|not received", re.I), 0.7),
    ("keyword", re.compile(r"keyword", re.I), 0.5),
    (
        "connection",
        re.compile(
            r"connection (refused|reset|closed|failed)|econn(refused|reset)|refused|"
            r"reset by peer|unreachable|no route",
            re.I,
        ),
        0.6,
    ),
    ("timeout", re.compile(r"time(d)?[ -]?out", re.I), 0.55),
    (
        "http_5xx",
        re.compile(
            r"\b(status|error|http|code)\s*5\d\d\b|\b5xx\b|internal server error|bad gateway|"
            r"service unavailable|gateway time-?out",
            re.I,
        ),
        0.6,
    ),
    ("http_4xx", re.compile(r"\b(status|error|http|code)\s*4\d\d\b", re.I), 0.5),
)

#: Readable names of the cause classes.
CAUSE_LABELS = {
    "tls": "TLS",
    "dns": "DNS",
    "heartbeat_missed": "missed heartbeat",
    "keyword": "keyword",
    "connection": "connection",
    "timeout": "timeout",
    "http_5xx": "HTTP 5xx",
    "http_4xx": "HTTP 4xx",
}

#: Classes that name a failing dependency (name resolution, certificates, the socket),
#: and classes a dependant shows when something behind it fails.
UPSTREAM_CLASSES = frozenset({"dns", "tls", "connection"})
DOWNSTREAM_CLASSES = frozenset({"http_5xx", "timeout", "keyword", "connection"})

#: Monitor types that check a dependency rather than an application (name servers,
#: sockets, hosts): at equal times they are the more likely origin.
DEPENDENCY_TYPES = frozenset({"dns", "tcp", "udp", "ping", "smtp", "pop", "imap"})

#: Public suffixes of more than one label that accounts commonly use (a subset of the
#: Public Suffix List: country second levels and shared hosting platforms), so that
#: ``shop.example.co.uk`` belongs to ``example.co.uk`` and two Heroku apps to nothing shared.
MULTI_LABEL_SUFFIXES = frozenset(
    {
        "co.uk",
        "org.uk",
        "ac.uk",
        "gov.uk",
        "me.uk",
        "com.au",
        "net.au",
        "org.au",
        "co.nz",
        "co.jp",
        "ne.jp",
        "com.br",
        "com.cn",
        "com.mx",
        "co.in",
        "co.za",
        "com.tr",
        "com.sg",
        "co.kr",
        "github.io",
        "gitlab.io",
        "herokuapp.com",
        "vercel.app",
        "netlify.app",
        "pages.dev",
        "workers.dev",
        "fly.dev",
        "onrender.com",
        "appspot.com",
        "web.app",
        "firebaseapp.com",
        "azurewebsites.net",
        "cloudfront.net",
        "amazonaws.com",
    }
)


def cause_class(text: str | None) -> str | None:
    """The class of a cause text (tls, dns, connection, timeout, http_5xx...), or None."""
    if not text:
        return None
    return next((name for name, pattern, _ in CAUSES if pattern.search(text)), None)


def cause_confidence(name: str) -> float:
    return next(c for n, _, c in CAUSES if n == name) if name in CAUSE_LABELS else 0.5


@dataclass(frozen=True)
class HostKeys:
    """What a checked URL (or bare host) says about where it lives."""

    host: str | None = None
    ip: str | None = None
    subnet: str | None = None
    """The /24 (IPv4) or /64 (IPv6) network of an IP literal."""
    zone: str | None = None
    """The host's parent DNS zone when it lies below the registrable domain
    (``img.cdn.example.org`` -> ``cdn.example.org``)."""
    domain: str | None = None
    """The registrable domain (``example.org``, ``example.co.uk``)."""


def hostname(url: str | None) -> str | None:
    if not url:
        return None
    text = url.strip()
    if "://" not in text:
        text = "//" + text  # ping, tcp and dns monitors check a bare host
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return None
    return host.rstrip(".").lower() if host else None


def registrable_domain(host: str) -> str | None:
    labels = host.split(".")
    if len(labels) < 2:
        return None
    suffix_len = 2 if ".".join(labels[-2:]) in MULTI_LABEL_SUFFIXES else 1
    if len(labels) <= suffix_len:
        return None
    return ".".join(labels[-(suffix_len + 1) :])


def host_keys(url: str | None) -> HostKeys:
    host = hostname(url)
    if host is None:
        return HostKeys()
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        ip = None
    if ip is not None:
        prefix = 24 if ip.version == 4 else 64
        net = ipaddress.ip_network(f"{ip}/{prefix}", strict=False)
        return HostKeys(host=host, ip=str(ip), subnet=str(net))
    domain = registrable_domain(host)
    parent = host.split(".", 1)[1] if "." in host else None
    zone = parent if parent and domain and parent != domain and parent.endswith(domain) else None
    return HostKeys(host=host, zone=zone, domain=domain)
