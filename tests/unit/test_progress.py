import pytest

from crawler.progress import duration


@pytest.mark.parametrize("seconds, said", [(2, "2 s"), (89, "89 s"), (720, "12 min"), (11400, "3 h 10 min")])
def test_a_length_of_time_reads_as_a_person_says_it(seconds, said):
    assert duration(seconds) == said
