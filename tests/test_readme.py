"""The README documents every setting the code reads and every command of the command line."""

from __future__ import annotations

import re

from eig_qa.cli import _parser
from eig_qa.config import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
# Where the product reads its settings: the package, the page and its sub-pages.
_CODE = [*PROJECT_ROOT.glob("eig_qa/**/*.py"), PROJECT_ROOT / "streamlit_app.py", *PROJECT_ROOT.glob("app_pages/*.py")]


def _variables_read_by_the_code() -> set[str]:
    return {name for path in _CODE for name in re.findall(r"\bEIG_QA_[A-Z_]*[A-Z]\b", path.read_text("utf-8"))}


def _commands() -> dict[str, list[str]]:
    """Each sub-command of `python -m eig_qa` with its options."""
    (commands,) = [action for action in _parser()._actions if action.dest == "command"]
    return {name: [option for action in sub._actions for option in action.option_strings if option not in
                   ("-h", "--help")] for name, sub in commands.choices.items()}


def test_every_setting_read_by_the_code_is_in_the_settings_table():
    table = {match for match in re.findall(r"^\| `(EIG_QA_[A-Z_]+)` \|", README, flags=re.M)}
    assert _variables_read_by_the_code() - table == set()


def test_every_model_name_of_the_code_is_in_the_model_setting_row():
    from eig_qa.config import MODEL_ALIASES
    from eig_qa.search.embedding import E5_VARIANTS

    (row,) = [line for line in README.splitlines() if line.startswith("| `EIG_QA_MODEL` |")]
    named = set(re.findall(r"`([\w.-]+)`", row))
    assert {*E5_VARIANTS, *MODEL_ALIASES} - named == set()


def test_every_command_and_option_is_in_the_readme():
    for command, options in _commands().items():
        lines = [line for line in README.splitlines() if f"python -m eig_qa {command}" in line]
        assert lines, f"`python -m eig_qa {command}` absent du README"
        for option in options:
            assert any(re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", line) for line in lines), (command, option)


def test_the_checks_see_the_code():
    """The two tests above would pass on nothing: check that they find what is known to exist."""
    assert {"EIG_QA_CORPUS", "EIG_QA_INDEX", "EIG_QA_MODEL"} <= _variables_read_by_the_code()
    assert {"index", "ask", "eval"} <= set(_commands()) and "--json" in _commands()["ask"]
