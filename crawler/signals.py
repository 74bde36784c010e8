"""Signals of our own, sent by the spider and received by the components that store."""

# A page could not be fetched (HTTP error after retries, timeout, refused connection).
# Arguments: url, article_id, reason.
page_failed = object()
