"""The command line writes numbers the French way in its text output; its JSON keeps them numeric."""

import json

from eig_qa.answer.answering import Answer
from eig_qa.cli import format_answer, main
from eig_qa.figures.catalogue import Figure

SHARE = Figure("Part des défis dont le code source est publié", 46.5, "%", "Données du site", "33 sur 71.",
               "data/defis.yml")


def test_answer_text_writes_figures_with_a_decimal_comma():
    users = Figure("Usagers", 1288, "", "", "", "")
    answer = Answer("Quelle part ?", "Réponse.", False, [], [], figures=[SHARE, users])
    text = format_answer(answer)
    assert "  • Part des défis dont le code source est publié : 46,5\u202f% (Données du site)" in text
    assert "  • Usagers : 1\u202f288 ()" in text
    assert "46.5" not in text


def test_figures_command_is_french_as_text_and_numeric_as_json(real_corpus_dir, monkeypatch, capsys):
    monkeypatch.setenv("EIG_QA_CORPUS", str(real_corpus_dir))
    assert main(["figures"]) == 0
    text = capsys.readouterr().out
    assert main(["figures", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    decimals = [figure for figure in figures if isinstance(figure["value"], float) and not figure["value"].is_integer()]
    assert decimals, "the catalogue has shares with decimals"
    for figure in decimals:
        assert f"{figure['value']:.1f}".replace(".", ",") in text
        assert f"{figure['label']} : {figure['value']}" not in text


def test_statistics_tables_show_french_numbers_and_keep_their_values():
    import pandas as pd

    from eig_qa.app.formatting import french_table

    table = pd.DataFrame({"Promotion": ["EIG 1"], "Part publiée (%)": [77.78], "Défis": [1288]})
    html = french_table(table).to_html()
    assert "77,8" in html and "1\u202f288" in html and "77.8" not in html
    assert french_table(table).data["Part publiée (%)"].iloc[0] == 77.78
