"""The shared French helpers: number and ordinal words, their ranges, the year pattern."""

import re

from eig_qa.french import ORDINAL_SUFFIX, YEAR, number_words, ordinal_words


def test_number_words_cover_the_range_asked():
    assert number_words(2, 4) == {"deux": 2, "trois": 3, "quatre": 4}
    assert number_words(1, 2) == {"un": 1, "une": 1, "deux": 2}
    assert number_words()["douze"] == 12 and len(number_words()) == 13


def test_ordinal_words_read_seconde_as_two():
    assert ordinal_words(1, 3) == {"premiere": 1, "deuxieme": 2, "seconde": 2, "troisieme": 3}
    assert ordinal_words(9, 10) == {"neuvieme": 9, "dixieme": 10}


def test_ordinal_suffix_and_year_patterns():
    assert re.fullmatch(rf"\d{ORDINAL_SUFFIX}", "1re") and re.fullmatch(rf"\d{ORDINAL_SUFFIX}", "3eme")
    assert re.findall(rf"\b{YEAR}\b", "de 1998 à 2024, pas 20245 ni 3019") == ["1998", "2024"]
