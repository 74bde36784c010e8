"""Everything the crawler knows about Kazinform: its page designs (layouts/, a module each,
one registry), its URLs and ids (urls.py), its text rules (text.py: datelines, site
suffixes, credit lines), its dates and month names (dates.py), and its editions
(editions.py). docs/site.md is the recipe for adding a design or an edition here."""
