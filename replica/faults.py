"""Faults the replica can put on any URL: what a hostile web does to a crawler.

A fault applies to the request targets its pattern (a regex) finds, for the first `times`
requests of each target (all of them when None), and to a share `rate` of those, drawn
deterministically from the site's seed, the target and the request's number.
"""

import random
import re
from dataclasses import dataclass, field
from typing import Any

from replica.pages import challenge_page

KINDS = {
    "status": "answer with the HTTP status `value` (500, 502, 503, 404, 410 ...)",
    "throttle": "answer 429 with Retry-After: `value` seconds",
    "hang": "wait `value` seconds before answering (a timeout)",
    "drip": "send the page in small pieces over `value` seconds",
    "cut": "send half the page, then close the connection (Content-Length promised it all)",
    "truncate": "send the first half of the page as if it were all of it (as Content-Type `value`, when given)",
    "redirect": "answer 301 to `value` (a path or a URL)",
    "huge": "pad the page to `value` bytes",
    "cp1251": "encode the page in windows-1251, declared in the `value` place: header, meta or none",
    "invalid": "break the markup: no </p>, a stray </html> after the header",
    "empty": "serve a listing page without cards",
    "challenge": "a bot challenge: `value` 403 or 503 (default 403) with cf-mitigated: challenge, or 200 without it",
    "maintenance": "answer 200 with a maintenance page: no cards, no listing, no article",
    "content_type": "serve the page as Content-Type `value` (application/json, text/plain ...)",
    "repeat": "serve listing page `value` (1, or the last page) instead of a page past the end",
    "deep": "wrap the page's body in `value` nested <div>s (libxml2 reads about 2,048 levels)",
    "endless": "serve a page of the section's cards, shifted, never the same twice, instead of a page past the end",
}


@dataclass
class Fault:
    kind: str
    pattern: str
    value: Any = None  # what the kind needs: a status, seconds, a URL, a content type ...
    times: int | None = None
    rate: float = 1.0
    regex: re.Pattern = field(init=False)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault {self.kind!r}; known: {', '.join(KINDS)}")
        self.regex = re.compile(self.pattern)

    def applies(self, target: str, number: int, seed: int) -> bool:
        """`number`: this request's count for the target, from 1."""
        if not self.regex.search(target) or (self.times is not None and number > self.times):
            return False
        return self.rate >= 1 or random.Random(f"{seed}:{target}:{number}").random() < self.rate


@dataclass
class Reply:
    status: int
    content_type: str
    body: bytes
    headers: dict = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    drip: float = 0.0  # seconds over which to send the body
    cut: bool = False  # close the connection halfway through the body


def apply(fault: Fault, reply: Reply) -> Reply:
    """The reply as the fault changes it."""
    kind, value = fault.kind, fault.value
    if kind == "status":
        return Reply(value, reply.content_type, f"<html><body><h1>Error {value}</h1></body></html>".encode())
    if kind == "maintenance":
        page = (
            "<html><head><title>Service temporarily unavailable</title></head><body>"
            "<h1>Service temporarily unavailable</h1><p>We will be back soon.</p></body></html>"
        )
        return Reply(200, "text/html; charset=utf-8", page.encode())
    if kind == "challenge":
        status = value or 403
        headers = {"cf-mitigated": "challenge"} if status != 200 else {}
        return Reply(status, "text/html; charset=UTF-8", challenge_page().encode(), headers)
    if kind == "throttle":
        return Reply(
            429, reply.content_type, b"<html><body>Too many requests</body></html>", {"Retry-After": str(value)}
        )
    if kind == "hang":
        reply.delay = value
    elif kind == "drip":
        reply.drip = value
    elif kind == "cut":
        reply.cut = True
    elif kind == "truncate":
        reply.body = reply.body[: len(reply.body) // 2]
        reply.content_type = value or reply.content_type
    elif kind == "content_type":
        reply.content_type = value
    elif kind == "deep":
        body = reply.body.replace(b"<body>", b"<body>" + b"<div>" * value, 1)
        reply.body = body.replace(b"</body>", b"</div>" * value + b"</body>", 1)
    elif kind == "redirect":
        return Reply(301, reply.content_type, b"", {"Location": value})
    elif kind == "huge":
        padding = max(0, value - len(reply.body))
        reply.body = reply.body.replace(b"</body>", b"<!--" + b"x" * padding + b"--></body>", 1)
    elif kind == "cp1251":
        text = reply.body.decode("utf-8").replace('<meta charset="utf-8">', "")
        if value == "meta":
            text = text.replace("<head>", '<head><meta charset="windows-1251">', 1)
        reply.body = text.encode("windows-1251", errors="xmlcharrefreplace")
        reply.content_type = "text/html; charset=windows-1251" if value == "header" else "text/html"
    elif kind == "invalid":
        text = reply.body.decode("utf-8").replace("</p>", "").replace("</header>", "</header></html>", 1)
        reply.body = text.encode("utf-8")
    return reply
