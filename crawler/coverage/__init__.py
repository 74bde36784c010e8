"""Who gets the coverage (issue 30): the political subjects (subjects.toml), a matcher that
finds them in English, Russian and Kazakh text by name and by title (matcher.py, forms.py,
words.py), and the measures observers report per article and subject (measure.py). The
archive keeps them (crawler/archive, subject_mentions); `scrapy coverage` measures it again,
reports on a period and round-trips the human coding of tone (crawler/commands/coverage.py)."""
