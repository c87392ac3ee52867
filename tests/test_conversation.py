"""Follow-up questions rewritten with the entities of the previous turns."""

import pytest

from eig_qa.answer.follow_up import rewrite_follow_up

PROMOTION_3 = ["Combien de défis en promotion 3 ?"]
NAMES = ["ADEX", "Cour des comptes", "Ministère de l’Intérieur"]


@pytest.mark.parametrize(
    ("question", "history", "expected"),
    [
        # Another promotion, year or name in place of the previous one.
        ("et pour la promotion 4 ?", PROMOTION_3, "Combien de défis en promotion 4 ?"),
        ("Et pour la promo 4 ?", PROMOTION_3, "Combien de défis en promotion 4 ?"),
        ("pour la promotion 2 ?", ["Combien de défis en EIG 3 ?"], "Combien de défis en EIG 2 ?"),
        ("et celle de la quatrième promotion ?", PROMOTION_3, "Combien de défis en promotion 4 ?"),
        ("et pour les DIG ?", PROMOTION_3, "Combien de défis en promotion DIG ?"),
        ("et en 2019 ?", ["Quels défis ont commencé en 2018 ?"], "Quels défis ont commencé en 2019 ?"),
        ("et en 2019 ?", PROMOTION_3, "Combien de défis en promotion 3 en 2019 ?"),
        ("et pour la Cour des comptes ?", ["Quels défis pour ADEX ?"], "Quels défis pour la Cour des comptes ?"),
        # A pronoun stands for the previous topic.
        ("qui les portait ?", PROMOTION_3, "qui portait les défis de la promotion 3 ?"),
        ("qui les a portés ?", PROMOTION_3, "qui a portés les défis de la promotion 3 ?"),
        ("combien sont-ils ?", ["Quels mentors en promotion 2 ?"], "combien sont les mentors de la promotion 2 ?"),
        ("ils duraient combien de mois ?", PROMOTION_3, "les défis de la promotion 3 duraient combien de mois ?"),
        ("quel était leur budget ?", PROMOTION_3, "quel était leur budget (les défis de la promotion 3) ?"),
        ("qui les portait ?", ["Quels défis pour la Cour des comptes ?"],
         "qui portait les défis de la Cour des comptes ?"),
        # A new topic keeps the previous scope.
        ("et les mentors ?", PROMOTION_3, "Les mentors de la promotion 3 ?"),
    ],
)
def test_follow_ups_are_rewritten(question, history, expected):
    assert rewrite_follow_up(question, history, NAMES) == expected


@pytest.mark.parametrize(
    ("question", "history"),
    [
        ("Combien de défis en promotion 4 ?", PROMOTION_3),  # self-contained
        ("Qui peut devenir EIG ?", PROMOTION_3),  # has its own topic
        ("Quelle est la date limite de dépôt des dossiers de l'appel à projets EIG 4 ?", PROMOTION_3),
        ("Et quelle est la date limite de dépôt des dossiers de l'appel à projets EIG 4 ?", PROMOTION_3),
        ("Comment les administrations candidatent-elles ?", PROMOTION_3),  # pronoun, but a topic too
        # The pronoun after the verb repeats the question's own subject (complex inversion).
        ("Une collectivité territoriale peut-elle candidater ?", PROMOTION_3),
        ("La région peut-elle financer ?", ["Qui peut devenir EIG ?"]),
        ("et pour la promotion 4 ?", []),  # nothing to follow
        ("qui les portait ?", []),
        ("qui les portait ?", ["Bonjour"]),  # the previous turn was about nothing
        ("et pour la promotion 4 ?", ["Merci"]),
        ("et après ?", PROMOTION_3),  # no entity, topic or pronoun to work with
        ("", PROMOTION_3),
        ("Le jury note-t-il les candidats en fonction de leur expérience dans le secteur public ou privé ?",
         PROMOTION_3),  # too long to be a follow-up
    ],
)
def test_other_questions_are_unchanged(question, history):
    assert rewrite_follow_up(question, history, NAMES) == question


def test_chained_follow_ups_build_on_each_other():
    history = ["Combien de défis en promotion 3 ?", "et pour la promotion 4 ?"]
    assert rewrite_follow_up("qui les portait ?", history) == "qui portait les défis de la promotion 4 ?"


def test_small_talk_between_turns_keeps_the_topic():
    history = ["Combien de défis en promotion 3 ?", "merci !"]
    assert rewrite_follow_up("et pour la promotion 2 ?", history) == "Combien de défis en promotion 2 ?"


def test_names_are_recognised_only_when_given():
    history = ["Quels défis pour ADEX ?"]
    assert rewrite_follow_up("qui les portait ?", history, ["ADEX"]) == "qui portait les défis d'ADEX ?"
    assert rewrite_follow_up("qui les portait ?", ["Que fait ADEX ?"]) == "qui les portait ?"
