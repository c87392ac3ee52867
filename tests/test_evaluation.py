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


def test_the_first_highlighted_sentence_with_the_list_it_announces_is_measured_apart():
    from eig_qa.answer.answering import Answer, Highlight
    from eig_qa.evaluation import evaluate_item

    class OneAnswer:
        def __init__(self, highlights):
            self.highlights = highlights

        def ask(self, question, k):
            text = " ".join(item.text for item in self.highlights)
            return Answer(question, text, False, [], self.highlights, best_text=text)

    announce = [Highlight(0, 0, 10, "Les 2 facteurs :", 0.6), Highlight(0, 11, 20, "- un périmètre clair", 0.6),
                Highlight(1, 0, 10, "- un portage fort", 0.5)]
    item = {"id": "x", "question": "Quels facteurs ?", "answer_contains": ["périmètre clair"]}
    assert evaluate_item(OneAnswer(announce), item, k=5).first_ok
    second = [Highlight(0, 0, 10, "Une autre phrase.", 0.6), Highlight(1, 0, 10, "Un périmètre clair.", 0.5)]
    result = evaluate_item(OneAnswer(second), item, k=5)
    assert result.answer_ok and not result.first_ok
