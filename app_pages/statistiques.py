"""Page « Statistiques » : chiffres clés et graphiques calculés à partir des données du site EIG."""

from __future__ import annotations

import json
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from eig_qa.app.formatting import french_table, with_unit
from eig_qa.config import load_settings
from eig_qa.errors import EigQaError, user_message
from eig_qa.figures import statistics
from eig_qa.figures.catalogue import DATA_SCOPE, Figure
from eig_qa.figures.data import SKILL_LABELS, StructuredData, load_structured_data
from eig_qa.figures.query import Query, QueryError

METRIC_LABELS = ("Défis", "EIG et DIG", "Mentors", "Code publié")


@st.cache_resource(show_spinner="Lecture des données du site…")
def load_data(corpus_dir: str) -> StructuredData | None:
    """The YAML data of the corpus, read once per corpus folder."""
    return load_structured_data(Path(corpus_dir))


def metric_value(figure: Figure) -> str:
    """A figure's value written the French way: "128", "46,5 %"."""
    return with_unit(figure.value, "%" if figure.unit == "%" else "")


def bar_chart(table, category: str, amount: str, *, color: str | None = None, horizontal: bool = False) -> alt.Chart:
    """A bar chart keeping the table's row order on the category axis, whole-number ticks for counts."""
    category_channel, amount_channel = (alt.Y, alt.X) if horizontal else (alt.X, alt.Y)
    counts = pd.api.types.is_integer_dtype(table[amount])
    channels = [
        category_channel(f"{category}:N", sort=None, title=None, axis=alt.Axis(labelAngle=0, labelLimit=320)),
        amount_channel(f"{amount}:Q", axis=alt.Axis(tickMinStep=1, format="d") if counts else alt.Axis()),
    ]
    if color:
        channels.append(alt.Color(f"{color}:N", title=color, legend=alt.Legend(orient="bottom", columns=2)))
    return alt.Chart(table).mark_bar().encode(*channels, tooltip=list(table.columns))


def opened_query() -> Query | None:
    """The query of a figure opened from the chat (« Ouvrir dans l'explorateur »), if any and readable."""
    text = st.query_params.get("requete")
    try:
        return Query.from_dict(json.loads(text)) if text else None
    except (ValueError, TypeError, KeyError):
        st.warning("La requête transmise par le lien est illisible : choisissez les réglages ci-dessous.")
        return None


st.title("Statistiques du programme EIG")
st.caption(f"{DATA_SCOPE}. Chaque chiffre est recalculé à partir des fichiers YAML du site, jamais saisi à la main.")

try:
    data = load_data(str(load_settings().corpus_dir))
except EigQaError as error:
    st.error(user_message(error))
    st.stop()
if data is None:
    st.info(
        "Ce corpus ne contient pas de données structurées : ajoutez data/defis.yml, data/personnes.yml "
        "et data/promos.yml au dossier du corpus pour afficher les statistiques."
    )
    st.stop()

choices = statistics.promotion_choices(data)
opened = opened_query()
chosen = st.multiselect(
    "Promotions",
    list(choices),
    default=statistics.opened_promotions(opened, choices),
    help="Les chiffres et les graphiques ne portent que sur les promotions choisies.",
)
if not chosen:
    st.info("Choisissez au moins une promotion pour afficher les statistiques.")
    st.stop()
promotions = [choices[label] for label in chosen]

for column, label, figure in zip(
    st.columns(len(METRIC_LABELS)), METRIC_LABELS, statistics.headline_figures(data, promotions), strict=True
):
    column.metric(label, metric_value(figure), help=f"{figure.label}. {figure.computation}", border=True)

left, right = st.columns(2)
with left:
    st.subheader("Défis par promotion")
    st.altair_chart(bar_chart(statistics.defis_per_promotion(data, promotions), "Promotion", "Défis"), width="stretch")
with right:
    st.subheader("EIG par profil et par promotion")
    profiles = statistics.eig_per_profile(data, promotions)
    st.altair_chart(bar_chart(profiles, "Promotion", "EIG", color="Profil"), width="stretch")

st.subheader("Administrations ayant accueilli le plus de défis")
st.caption("Les directions et agences sont comptées avec le ministère nommé dans leur libellé.")
administrations = statistics.top_administrations(data, promotions)
st.altair_chart(bar_chart(administrations, "Administration", "Défis", horizontal=True), width="stretch")

st.subheader("Part des défis dont le code source est publié")
code = statistics.source_code_by_promotion(data, promotions)
st.altair_chart(bar_chart(code, "Promotion", "Part publiée (%)"), width="stretch")
st.dataframe(french_table(code), hide_index=True, width="stretch")


st.subheader("Explorateur")
st.caption("Choisissez ce qui est mesuré, l'opération, le regroupement et les filtres : même moteur de calcul "
           "que les chiffres clés des réponses.")
start = statistics.choice_of(opened) if opened else statistics.ExplorerChoice()
columns = st.columns(3)
measure = columns[0].selectbox("Mesure", list(statistics.EXPLORER_MEASURES),
                               index=list(statistics.EXPLORER_MEASURES).index(start.measure))
operation = columns[1].selectbox("Opération", list(statistics.EXPLORER_OPERATIONS),
                                 index=list(statistics.EXPLORER_OPERATIONS).index(start.operation))
group = columns[2].selectbox("Regrouper par", list(statistics.EXPLORER_GROUPS),
                             index=list(statistics.EXPLORER_GROUPS).index(start.group))
skills = st.multiselect("Compétences (au moins une)", sorted(data.defi_skills["skill"].unique()),
                        default=list(start.skills), format_func=lambda skill: SKILL_LABELS.get(skill, skill),
                        placeholder="Toutes les compétences")
code = st.radio("Code source", list(statistics.CODE_CHOICES), horizontal=True,
                index=list(statistics.CODE_CHOICES).index(start.code))
extra = start.extra
if extra and not st.checkbox("Garder les autres filtres de la question", value=True):
    extra = ()
choice = statistics.ExplorerChoice(measure, operation, group, tuple(skills), code, extra)
try:
    explored, table = statistics.explore(data, statistics.explorer_query(choice, promotions))
except QueryError as error:
    st.warning(f"Impossible de calculer cela : {error}")
    st.stop()
st.markdown(f"**{explored.label}**")
st.dataframe(french_table(table), hide_index=True, width="stretch")
if "Catégorie" in table.columns and not table.empty:
    st.altair_chart(bar_chart(table, "Catégorie", "Valeur", horizontal=len(table) > 6), width="stretch")
with st.expander("Comment c'est calculé"):
    st.code("\n".join(explored.steps), language="python")
st.download_button("Télécharger les lignes utilisées (CSV)", statistics.rows_csv(explored),
                   file_name="lignes-utilisees.csv", mime="text/csv", icon=":material/download:")
