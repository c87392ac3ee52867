"""The French number, ordinal and year words of each stage read the same inputs as before they shared one module."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from eig_qa.answer.follow_up import rewrite_follow_up
from eig_qa.figures.data import load_structured_data
from eig_qa.figures.parse import parse_question
from eig_qa.search.analyzer import words

FIXTURES = Path(__file__).parent / "fixtures"
EXPECTED = FIXTURES / "french_places.json"

WORDS = [
    "la troisième promotion", "la deuxième et la dixième", "Onzième édition", "premier et seconde", "3e promo",
    "1re, 2nd, 4ème, 5ème", "quatrième cinquième sixième septième huitième neuvième", "TROISIÈME", "centième",
]
FOLLOW_UPS = [
    "et pour la troisième promotion ?", "et la seconde promo ?", "et la première promotion ?", "et la 2e promo ?",
    "et la septième promotion ?", "et en 2019 ?", "et en 2009 ?", "et en 2031 ?", "et en 1999 ?", "et l'EIG 4 ?",
    "et la promo DIG ?", "et la sixième promo ?", "et la cinquième promotion ?", "et la quatrième promotion ?",
]
QUESTIONS = [
    "Combien de défis dans la promo trois ?", "Combien de défis dans la promotion une ?",
    "Combien de défis dans la promo six ?", "Combien de défis dans les deux premières promotions ?",
    "Combien de défis dans les trois premières promos ?", "Combien de défis dans les quatre premières promotions ?",
    "Combien de défis dans la troisième promotion ?", "Combien de défis dans la seconde promotion ?",
    "Combien de défis dans la première promotion ?", "Combien de défis dans la sixième promotion ?",
    "Combien de défis dans la septième promotion ?", "Combien de défis dans la 2e promotion ?",
    "Combien de défis dans la 1ère promotion ?", "Combien de défis de la promotion 2018 ?",
    "Combien de défis en 2017 ?", "Combien de défis en 2035 ?", "Combien de défis en 1999 ?",
    "Combien de défis entre 2017 et 2019 ?", "Combien de défis ont duré six mois ?",
    "Combien de défis ont duré douze mois ?", "Combien de défis ont duré onze mois ?",
    "Combien de défis ont duré 10 mois ?", "Combien de défis ont duré un an ?",
    "Combien de défis ont duré treize mois ?",
    "Combien de défis ont duré plus de neuf mois ?", "Combien de défis ont duré ni dix ni douze mois ?",
    "Combien de défis ont au moins trois EIG ?", "Combien de défis ont plus de deux mentors ?",
    "Combien de défis ont cinq EIG ou plus ?", "Combien de défis ont quatre compétences ?",
    "Combien de défis ont un binôme ?", "Combien de défis ont sept personnes ?",
    "Combien de défis ont une personne ?", "Combien de personnes ont participé à au moins deux défis ?",
    "Combien de personnes ont participé à trois défis ou plus ?", "Combien d'EIG dans les promotions 1 à 3 ?",
    "Combien d'EIG dans les promotions 2 et 4 ?", "Combien de défis sur plusieurs années ?",
    "Combien de défis de la promo 4 ont duré huit mois ?", "Quelle est la durée moyenne des défis ?",
]


def _plain(value: object) -> object:
    """A value as JSON, sets sorted so that the comparison does not hang on hash order."""
    if dataclasses.is_dataclass(value):
        return {field.name: _plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, (set, frozenset)):
        return sorted(map(str, value))
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def behaviour() -> dict:
    """What each place makes of its inputs: analyzer words, follow-up rewrites, figure queries on the fixture."""
    data = load_structured_data(FIXTURES)
    parsed = {question: parse_question(question, data) for question in QUESTIONS}
    return {
        "words": {text: words(text) for text in WORDS},
        "follow_ups": {text: rewrite_follow_up(text, ["Combien de défis dans la promotion 1 en 2018 ?"])
                       for text in FOLLOW_UPS},
        "figures": {question: _plain([p.query, p.attempted, p.not_understood, p.asks_figure,
                                      p.legacy.selection if p.legacy else None]) for question, p in parsed.items()},
    }


def test_each_place_reads_numbers_as_before():
    assert json.loads(json.dumps(behaviour())) == json.loads(EXPECTED.read_text(encoding="utf-8"))
