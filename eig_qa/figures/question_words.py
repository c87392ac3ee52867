"""The words of figure questions: what is counted, the intent, skills, trades, aspects of a défi, fillers."""

from __future__ import annotations

import re

PROMO = r"promo(?:tion)?s?"

SOURCE_CODE = (
    r"codes? sources?|open ?source|logiciels? libres?|codes? ouverts?|github|gitlab|(?:leur|son|le|du) code(?! postal)"
    r"|depots? (?:de |du )?code"
)
SKILLS = {
    "datascience": r"data ?science|science des donnees",
    "dataengineering": r"data ?engineering|ingenierie (?:des|de) donnees",
    "geomatique": r"geomatique",
    "design": r"design",
    "dev": r"developpement(?! durable)|competences? (?:en )?dev|(?:du|au|le|en) dev",
}
PROFILES = {
    "développeur": r"developpeu(?:r|se)s?|devs?",
    "data scientist": r"data ?scientists?",
    "designer": r"design(?:er|euse)s?",
    "data engineer": r"data ?engineers?",
}
SUBJECTS = {
    "defis": r"defis?|projets?",
    "eig": r"eigs?|entrepreneurs?|talents?|personnes?|participants?|laureats?|" + "|".join(PROFILES.values()),
    "mentors": r"mentors?",
    "administrations": r"administrations?|structures?|institutions?|porteurs?",
    "ministries": r"ministeres?",
    "promotions": PROMO,
    "years": r"annees?",
    "skills": r"competences?|skills?|expertises?",
    "profiles": r"profils?|metiers?",
    "cities": r"villes?",
    "duration": r"durees?|temps",
    "source": SOURCE_CODE,
}
SUBJECT = re.compile("|".join(rf"(?P<{key}>\b(?:{pattern})\b)" for key, pattern in SUBJECTS.items()))
COUNT = re.compile(r"\b(?:combien|nombre|nb|total|effectifs?)\b")
SHARE = re.compile(r"\b(?:part|pourcentage|proportion|taux|ratio)\b|%")
RANKING = re.compile(r"\b(?:les? plus|les? moins|majoritairement|principa(?:l|le|les|ux)|classement|top)\b")
ASK = re.compile(
    r"\b(?:quel|quelle|quels|quelles|lequel|laquelle|lesquels|lesquelles|liste[rz]?|citer|citez|nommer|qui)\b"
)
PER = re.compile(r"\b(?:par|selon|chaque)\b")
BREAKDOWN = re.compile(r"\b(?:par|selon|chaque|repartition)\b")
OF = re.compile(r"\b(?:de|d|des|du)$")
DIRECTORY = re.compile(r"\b(?:annuaire|communaute|repertoire|referencees?|fiches?)\b")
# The rules above, in the order they take their words out of a question (subjects first).
INTENTS = (SUBJECT, COUNT, SHARE, RANKING, ASK, PER, BREAKDOWN, DIRECTORY)

ASPECTS = {
    "administration": r"administrations?|ministeres?|portes?|porteurs?|structures?|institutions?",
    "promotion": rf"{PROMO}|annees?|quand|date|lances?",
    "team": r"equipes?|eigs?|membres|" + "|".join(PROFILES.values()),
    "mentors": r"mentors?",
    "duration": r"durees?|dure|combien de temps|mois",
    "source_code": SOURCE_CODE,
    "skills": r"competences?|skills?",
    "key_figures": r"chiffres? cles|chiffres?|resultats?|impacts?|bilan|indicateurs?|realisations?",
}

# Words of the rules above, to which a mistyped question word is corrected.
_KEYWORD_TEXT = """
combien nombre total effectif defis defi projets projet promotion promotions premiere deuxieme troisieme quatrieme
cinquieme sixieme designers designer designeuse designeuses developpeurs developpeur developpeuse developpeuses
mentors mentor administration administrations ministere ministeres competence competences pourcentage proportion
entrepreneurs entrepreneur personnes personne talents profils profil metiers villes ville duree source sources
science scientist scientists engineering engineer engineers geomatique quelle quelles quels repartition annee
annees distinctes interet general difference ecart moyenne moyen mediane maximum minimum binome trinome plusieurs
longtemps proportion site sites web internet depot depots
"""
KEYWORDS = frozenset(_KEYWORD_TEXT.split())
# Words that carry no condition: articles, pronouns, auxiliaries and the verbs of asking for a figure.
_FILLER_TEXT = """
suivi suivis suivie suivies suit suivent encadre encadres encadrent accompagne accompagnes accompagnent
a ai as au aux avec avoir ont eu ete etait etaient est sont sera c ce ces cet cette ca d de des du en et ou la le
les l leur leurs un une il ils elle elles on y t se s qu que qui quoi quel quelle quels quelles lequel laquelle dans
sur pour par parmi entre chez sous avant apres selon d apres ne n pas plus moins tres bien tout tous toute toutes
ensemble au total total totale nb nombre combien donne donner moi me je nous vous svp merci fois chaque dont lors
pendant compte comptait comptaient comptent compter compte t mene menes menee menees mener accueilli accueillis
accueillie accueillies accueille accueillent porte portes portee portees porter participe participes participent
travaille travailles travaillent font fait faire appel mobilise mobilisent mobilises deroule deroulaient deroulent
apparait apparaissent figure figurent rattache rattaches rattachee rattachees publie publies publiee renseigne
renseignes dure durent duree lance lances eu distinct distincts distincte distinctes different differents differente
differentes programme dispositif eig entrepreneurs entrepreneur interet general generale champ champs yml fiche
fiches intra muros agent agents public publics porteur porteurs existe existent ya avait avaient mobilisant
repartition classement liste lister listez citer citez donnez indiquer sont ils elles cela ceci actuellement vs
versus rapport compare comparaison ni sans le plus la plus les plus grand grande nombre souvent quand meme comme
lien national nationale
"""
# Verbs that only say that a thing belongs to a promotion, an administration or a year ("les défis menés en 2019",
# "les EIG recrutés en 2018"), in every form a question may give them ("menaient", "accompagnés", "participaient").
# "proposer" is not one: more défis were proposed than selected, and the data only holds the selected ones.
_MEMBERSHIP_VERBS = """
accompagner encadrer mener porter participer travailler derouler rattacher publier renseigner lancer compter
mobiliser figurer exister durer recruter selectionner integrer
"""
# Endings of a first-group verb, accents folded: present, imperfect, future, simple past, participles.
_FIRST_GROUP_ENDINGS = ("e", "es", "ent", "er", "ez", "ons", "ait", "ais", "aient", "ant", "ee", "ees", "era", "eront",
                        "erait", "eraient", "a", "erent")
# avoir, être and accueillir, whose forms are not regular.
_IRREGULAR_FORMS = "eus eue eues aura auront aurait auraient ayant etant accueillait accueillaient accueillir"


def _conjugated(infinitive: str) -> set[str]:
    """The folded forms of a first-group verb ("mener" -> "mene", "menaient", "menes"…)."""
    root = infinitive.removesuffix("er")
    return {root + ending for ending in _FIRST_GROUP_ENDINGS}


FILLER = frozenset(_FILLER_TEXT.split()).union(_IRREGULAR_FORMS.split(),
                                                *(_conjugated(verb) for verb in _MEMBERSHIP_VERBS.split()))
