"""The archive's raw pages as a WARC 1.1 file, written with warcio: for each page a request
record and a response record, each gzipped on its own, so that web-archive tools (pywb,
replayweb.page) can replay the pages as they were fetched. Run by `scrapy export_warc`.
"""

from collections.abc import Iterable
from http import HTTPStatus
from io import BytesIO
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.items import UnreadablePage, read_raw_page

# Scrapy hands the spider a body already decoded and dechunked: headers that describe the
# bytes on the wire would mislead a replay tool.
_WIRE_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


def write_warc(output: BinaryIO, pages: Iterable[dict], filename: str = "") -> tuple[int, list[str]]:
    """Writes a warcinfo record, then a request and a response record per raw_pages row;
    returns the pages written, and what made the others unreadable."""
    writer = WARCWriter(output, gzip=True, warc_version="1.1")
    info = {
        "software": "elections-crawler (Scrapy)",
        "format": "WARC File Format 1.1",
        "description": "Kazinform's Elections section, as the crawler fetched it",
    }
    writer.write_record(writer.create_warcinfo_record(filename, info))
    count, unreadable = 0, []
    for page in pages:
        try:
            body, response_fields, request_fields = read_raw_page(page)
        except UnreadablePage as error:
            unreadable.append(str(error))
            continue
        date = page["fetched_at"].replace("+00:00", "Z")
        response = writer.create_warc_record(
            page["final_url"],
            "response",
            payload=BytesIO(body),
            length=len(body),
            http_headers=StatusAndHeaders(
                f"{page['status']} {reason(page['status'])}",
                response_headers(response_fields, len(body)),
                protocol="HTTP/1.1",
            ),
            warc_headers_dict={"WARC-Date": date},
        )
        parts = urlsplit(page["final_url"])
        request = writer.create_warc_record(
            page["final_url"],
            "request",
            http_headers=StatusAndHeaders(
                f"GET {parts.path or '/'}{'?' + parts.query if parts.query else ''}",
                [("Host", parts.netloc), *header_pairs(request_fields)],
                protocol="HTTP/1.1",
                is_http_request=True,
            ),
            warc_headers_dict={
                "WARC-Date": date,
                "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
            },
        )
        writer.write_record(response)
        writer.write_record(request)
        count += 1
    return count, unreadable


def response_headers(headers: dict[str, list[str]], length: int) -> list[tuple[str, str]]:
    pairs = [(name, value) for name, value in header_pairs(headers) if name.lower() not in _WIRE_HEADERS]
    return [*pairs, ("Content-Length", str(length))]


def header_pairs(headers: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(name, value) for name, values in headers.items() for value in values]


def reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
