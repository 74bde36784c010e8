from scrapy.exceptions import DropItem

from crawler import topic
from crawler.items import Article


class NotInSection(DropItem):
    """An all-news feed's article the topic rule does not select: the store keeps its verdict
    and raw page, so that no walk fetches it again and `scrapy reparse` may judge it again."""


class TopicPipeline:
    """Judges each article of an all-news feed by the topic rule (crawler/topic.py): an
    article the rule selects goes on to the store with its verdict; one it rejects is
    dropped (NotInSection), its verdict attached. Articles of a section's listing pass: the
    site has said they belong."""

    def process_item(self, item: Article) -> Article:
        listing_url = item.get("selected_from")
        if not listing_url:
            return item
        verdict = topic.judge(item)
        item["topic_verdict"] = verdict.row(item, listing_url)
        if not verdict.selected:
            raise NotInSection(f"not an election article by the topic rule: {verdict.reason}", log_level="DEBUG")
        return item
