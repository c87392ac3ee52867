"""The eval report: one column per split, so that what was tuned and what was only measured stay apart."""

from eig_qa.evaluation import QuestionResult, format_report, summarise_by_split


def _result(id_: str, split: str, ok: bool) -> QuestionResult:
    return QuestionResult(id=id_, question="?", kind="answerable", split=split, rank=1 if ok else None, answer_ok=ok)


def test_each_split_is_measured_apart_and_together():
    results = [_result("a", "tune", True), _result("b", "tune", True), _result("c", "check", False)]
    reports = summarise_by_split(results)
    assert list(reports) == ["tune", "check", "tout"]
    assert (reports["tune"].answer_contains, reports["check"].answer_contains) == (1.0, 0.0)
    assert reports["tout"].answerable == 3


def test_a_single_split_gives_a_single_column():
    reports = summarise_by_split([_result("a", "tune", True)])
    assert list(reports) == ["tune"]
    assert "tune" not in format_report(reports).splitlines()[0]


def test_the_table_names_the_splits_and_the_failures():
    text = format_report(summarise_by_split([_result("a", "tune", True), _result("c", "check", False)]))
    assert text.splitlines()[0].split() == ["tune", "check", "tout"]
    assert "c [answerable, check]" in text


def test_expected_text_is_found_whatever_the_accents_apostrophes_and_case():
    from eig_qa.evaluation import contains_all

    assert contains_all("Les frais sont à la charge de l’administration d’accueil.", ["administration d'accueil"])
    assert contains_all("DÉFI  numéro 3", ["defi numero 3"])
    assert not contains_all("défis", ["défi 3"])
