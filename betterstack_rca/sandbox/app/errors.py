"""Error answers: Better Stack's documented bodies, and the ones the sandbox had to invent.

A handler raises ``Reply`` to answer early (a 404 for an unknown id, a 400 for a bad date);
the app turns the payload into the body (``None``: an empty body).
"""

from __future__ import annotations

from typing import Any

# Documented or observed (../shared/betterstack-api.md, "Errors").
ERR_401 = (
    "Invalid Team API token. How to find your Team API token: "
    "https://betterstack.com/docs/uptime/api/getting-started-with-uptime-api/"
    "#get-an-uptime-api-token"
)
ERR_404 = "Resource with provided ID was not found"
ERR_400_SLA = (
    "The data range is invalid. The date format could not be parsed, the start time is in "
    "the future, or the end time is after the start time."
)
ERR_400_HEARTBEAT = (
    "The data range is invalid. The date format could not be parsed, the start time is in "
    "the future, or the end time is before the start time."
)
SEE_DOCS = "https://betterstack.com/docs/uptime/api/getting-started-with-uptime-api/"

# Invented (docs/sandbox.md, "Where the sandbox had to invent").
ERR_403 = "Your current plan does not include access to this resource."
HTML_ERRORS = {
    500: "<!DOCTYPE html><html><head><title>We're sorry, but something went wrong (500)"
    "</title></head><body><h1>We're sorry, but something went wrong.</h1></body></html>",
    502: "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway"
    "</h1></center><hr><center>cloudflare</center></body></html>",
    503: "<html><head><title>503 Service Temporarily Unavailable</title></head><body>"
    "<center><h1>503 Service Temporarily Unavailable</h1></center></body></html>",
}


class Reply(Exception):
    """Raised by handlers to answer early (errors)."""

    def __init__(self, status: int, payload: Any) -> None:
        super().__init__(status)
        self.status = status
        self.payload = payload


def not_found() -> Reply:
    return Reply(404, {"errors": ERR_404})
