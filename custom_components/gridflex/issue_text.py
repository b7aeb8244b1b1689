"""
Text from FPP or Switchgrid made safe for a repair issue, whose description is markdown.

A detail, message or id from a remote service is shown as the words it holds: markdown and
HTML characters are escaped (no link, image, emphasis or tag can be slipped in), line breaks
and other control characters become spaces, and very long text is cut.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

MAX_CHARS = 300
# The characters that start markdown or HTML inline (a placeholder never begins a line, so list
# and heading markers there are words); a backslash makes each literal.
_MARKDOWN = re.compile(r"([\\`*_\[\]()<>#!|~&])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def plain(text: str, limit: int = MAX_CHARS) -> str:
    """``text`` as literal words in markdown (escaped, one line, at most ``limit`` chars)."""
    one_line = _CONTROL.sub(" ", text).strip()
    if len(one_line) > limit:
        one_line = one_line[: limit - 1] + "…"
    return _MARKDOWN.sub(r"\\\1", one_line)


def link(url: str) -> str:
    """Return a web URL safe to show (characters markdown reads percent-encoded), else ``-``."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return "-"
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        return "-"
    # Emphasis and link characters percent-encoded too: the same URL to a server (RFC 3986).
    return quote(parts.geturl(), safe=":/?#@$&+,;=%-.")
