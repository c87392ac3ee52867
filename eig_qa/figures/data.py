"""Load and validate the YAML files of défis, people and promotions into tidy DataFrames."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from eig_qa.errors import DataError
from eig_qa.french import YEAR, fold_accents, plain_apostrophes

DEFIS_FILE, PEOPLE_FILE, PROMOS_FILE = "defis.yml", "personnes.yml", "promos.yml"
DATA_FILES = (DEFIS_FILE, PEOPLE_FILE, PROMOS_FILE)

REQUIRED_FIELDS = {
    DEFIS_FILE: ("title", "promotion", "year", "administration"),
    PEOPLE_FILE: ("profil",),
    PROMOS_FILE: ("promotion", "class"),
}

SKILL_LABELS = {
    "dev": "développement",
    "design": "design",
    "datascience": "data science",
    "dataengineering": "data engineering",
    "geomatique": "géomatique",
}

# Profile spellings vary (Développeur/Développeuse, Designer/Designeuse): one key per trade.
PROFILE_PREFIXES = (
    ("develop", "développeur"),
    ("design", "designer"),
    ("data scien", "data scientist"),
    ("data eng", "data engineer"),
    ("mentor", "mentor"),
)

_MINISTRY = re.compile(r"Minist[eè]re (?:de la |de l['’]|des |du |de )?[^,(]+?(?=,|\(| - | et (?=[A-ZÉ])|$)")

# The C loader is ten times faster when PyYAML was built with libyaml.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, eq=False)  # eq=False: DataFrames have no single truth value to compare
class StructuredData:
    """The website's structured data: défis, people, promotions and their links."""

    defis: pd.DataFrame
    people: pd.DataFrame
    promotions: pd.DataFrame
    defi_people: pd.DataFrame
    defi_skills: pd.DataFrame


def fold(text: Any) -> str:
    """Return text lowercased, without accents, apostrophes or punctuation, for matching only."""
    return " ".join(re.sub(r"[^0-9a-z%]+", " ", fold_accents(plain_apostrophes(str(text)))).split())


def clean(text: Any) -> str:
    """Return a label for display: stray spaces removed, typography kept."""
    return " ".join(str(text).split())


def profile_key(profile: str) -> str:
    """Return the trade of a `profil` label, whatever its spelling or gender."""
    folded = fold(profile)
    return next((key for prefix, key in PROFILE_PREFIXES if folded.startswith(prefix)), folded)


def ministry_of(administration: str) -> str | None:
    """Return the « Ministère de … » named in an administration label, if any."""
    match = _MINISTRY.search(administration)
    return clean(match.group(0)) if match else None


def _canonical_ministries(ministries: pd.Series) -> pd.Series:
    """Name each ministry by its shortest spelling, which the longer ones contain once folded."""
    keys = ministries.map(lambda name: fold(name).split(" ", 1)[1] if isinstance(name, str) else None)
    keys = keys.str.replace(r"^(?:de la|de l|des|du|de) ", "", regex=True).str.split(" ").str[0]
    shortest = ministries.groupby(keys).agg(lambda names: min(names, key=len))
    return keys.map(shortest)


def _read_yaml(path: Path) -> dict:
    try:
        content = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (ligne {mark.line + 1})" if mark else ""
        raise DataError(
            f"Le fichier data/{path.name} n'est pas un YAML valide{where} : corrigez sa syntaxe "
            "ou remplacez-le par la version du site EIG."
        ) from error
    except (OSError, UnicodeDecodeError) as error:
        raise DataError(
            f"Le fichier data/{path.name} est illisible ({error}) : remplacez-le par un fichier UTF-8."
        ) from error
    if not isinstance(content, dict) or not content:
        raise DataError(
            f"Le fichier data/{path.name} doit associer chaque nom d'entrée à ses champs : "
            "il est vide ou mal formé, remplacez-le par la version du site EIG."
        )
    return content


def _entries(content: dict, file_name: str) -> dict[str, dict]:
    """Check that every entry is a mapping holding the required fields, and return them."""
    entries = {}
    for name, fields in content.items():
        if not isinstance(fields, dict):
            raise DataError(
                f"data/{file_name} : l'entrée « {name} » n'a pas de champs : ajoutez-les ou retirez l'entrée."
            )
        for field in REQUIRED_FIELDS[file_name]:
            if fields.get(field) in (None, ""):
                raise DataError(
                    f"data/{file_name} : l'entrée « {name} » n'a pas de champ « {field} ». "
                    "Ajoutez-le (voir les autres entrées) ou retirez l'entrée."
                )
        entries[clean(name)] = fields
    return entries


def _names(fields: dict, field: str, file_name: str, entry: str) -> list[str]:
    value = fields.get(field) or []
    if not isinstance(value, list):
        raise DataError(f"data/{file_name} : le champ « {field} » de « {entry} » doit être une liste.")
    return [clean(item) for item in value if item is not None and clean(item)]


def _int(value: Any, field: str, file_name: str, entry: str) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise DataError(
            f"data/{file_name} : le champ « {field} » de « {entry} » vaut {value!r} ; indiquez un nombre entier."
        ) from None


def promotion_code(value: Any) -> str:
    """Return a promotion as the code used everywhere: "1" … "4" or "dig"."""
    return str(value).strip().lower()


def _promotions(entries: dict[str, dict]) -> pd.DataFrame:
    rows = []
    for name, fields in entries.items():
        year = re.search(rf"\b{YEAR}\b", str(fields["class"]))
        if not year:
            raise DataError(
                f"data/{PROMOS_FILE} : la classe de « {name} » ({fields['class']!r}) ne contient pas d'année ; "
                "écrivez-la comme « 2019 eig-3 »."
            )
        code = promotion_code(fields["promotion"])
        title = clean(fields.get("title", name))
        rows.append({"promotion": code, "label": name, "title": title, "year": int(year.group(0))})
    table = pd.DataFrame(rows)
    # EIG 1 to 4 in order, then DIG, whatever the file's order.
    table["order"] = [(code == "dig", code) for code in table["promotion"]]
    return table.sort_values("order").drop(columns="order").reset_index(drop=True)


def _defis(entries: dict[str, dict], promotions: pd.DataFrame) -> pd.DataFrame:
    labels = dict(zip(promotions["promotion"], promotions["label"], strict=True))
    rows = []
    for name, fields in entries.items():
        code = promotion_code(fields["promotion"])
        if code not in labels:
            raise DataError(
                f"data/{DEFIS_FILE} : le défi « {name} » est de la promotion {fields['promotion']!r}, "
                f"absente de data/{PROMOS_FILE} : corrigez la promotion ou ajoutez-la."
            )
        ville = clean(fields["ville"]) if fields.get("ville") else None
        duration = fields.get("duration_months")
        # Only stray spaces go: the figures count the exact label, as the evaluation rules do.
        administration = clean(fields["administration"])
        rows.append({
            "name": name,
            "title": clean(fields["title"]),
            "promotion": code,
            "promotion_label": labels[code],
            "year": _int(fields["year"], "year", DEFIS_FILE, name),
            "administration": administration,
            "administration_key": fold(administration),
            "ministry": ministry_of(administration),
            "ville": ville,
            # "Paris (75001)" and "Paris" are the same city.
            "city": re.sub(r"\s*\(.*\)\s*$", "", ville) if ville else None,
            "duration_months": None if duration in (None, "") else _int(duration, "duration_months", DEFIS_FILE, name),
            "source_code": clean(fields["source_code"]) if fields.get("source_code") else None,
            "website": clean(fields["website"]) if fields.get("website") else None,
            "description": clean(fields.get("description") or ""),
            "key_figures": tuple(
                (item.get("amount"), clean(item.get("description") or ""))
                for item in fields.get("key_figures") or []
                if isinstance(item, dict) and item.get("amount") is not None
            ),
        })
    table = pd.DataFrame(rows)
    table["ministry"] = _canonical_ministries(table["ministry"])
    table["duration_months"] = table["duration_months"].astype("Int64")
    table["has_source_code"] = table["source_code"].notna()
    return table


def _people(entries: dict[str, dict]) -> pd.DataFrame:
    rows = [
        {
            "name": name,
            "profile": clean(fields["profil"]),
            "profile_key": profile_key(fields["profil"]),
            "programme": clean(fields.get("programme") or ""),
            "classes": tuple(_names(fields, "class", PEOPLE_FILE, name)),
            # One entry writes its years as a single string "2018 2019".
            "years": tuple(int(year) for year in re.findall(r"\d{4}", " ".join(map(str, fields.get("annees") or [])))),
            "defis": tuple(_names(fields, "defis", PEOPLE_FILE, name)),
        }
        for name, fields in entries.items()
    ]
    return pd.DataFrame(rows)


def _defi_people(entries: dict[str, dict], defis: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    rows = [
        {"defi": name, "person": person, "role": role}
        for name, fields in entries.items()
        for role, field in (("eig", "eigs"), ("mentor", "mentors"))
        for person in _names(fields, field, DEFIS_FILE, name)
    ]
    table = pd.DataFrame(rows, columns=["defi", "person", "role"])
    table = table.merge(defis[["name", "promotion"]].rename(columns={"name": "defi"}), on="defi", how="left")
    profiles = people[["name", "profile", "profile_key"]].rename(columns={"name": "person"})
    return table.merge(profiles, on="person", how="left")


def _defi_skills(entries: dict[str, dict], defis: pd.DataFrame) -> pd.DataFrame:
    rows = [
        {"defi": name, "skill": fold(skill).replace(" ", "")}
        for name, fields in entries.items()
        for skill in dict.fromkeys(_names(fields, "skills", DEFIS_FILE, name))
    ]
    table = pd.DataFrame(rows, columns=["defi", "skill"])
    table["skill_label"] = [SKILL_LABELS.get(skill, skill) for skill in table["skill"]]
    return table.merge(defis[["name", "promotion"]].rename(columns={"name": "defi"}), on="defi", how="left")


def load_structured_data(corpus_dir: Path) -> StructuredData | None:
    """Read data/defis.yml, personnes.yml and promos.yml; None when the corpus has none of them."""
    data_dir = Path(corpus_dir) / "data"
    missing = [name for name in DATA_FILES if not (data_dir / name).is_file()]
    if len(missing) == len(DATA_FILES):
        return None
    if missing:
        raise DataError(
            f"Données structurées incomplètes dans {data_dir} : {', '.join(missing)} manquant(s). "
            "Ajoutez les trois fichiers defis.yml, personnes.yml et promos.yml, ou retirez le dossier data/."
        )
    content = {name: _entries(_read_yaml(data_dir / name), name) for name in DATA_FILES}
    promotions = _promotions(content[PROMOS_FILE])
    defis = _defis(content[DEFIS_FILE], promotions)
    people = _people(content[PEOPLE_FILE])
    return StructuredData(
        defis=defis,
        people=people,
        promotions=promotions,
        defi_people=_defi_people(content[DEFIS_FILE], defis, people),
        defi_skills=_defi_skills(content[DEFIS_FILE], defis),
    )
