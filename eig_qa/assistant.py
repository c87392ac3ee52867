"""The question-answering pipeline in one object: model, index and data loaded once, questions answered many times."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from eig_qa.answer.answering import NOT_FOUND_FIGURES, AbstentionRule, Answer, build_answer
from eig_qa.answer.corpus_scorer import corpus_scorer
from eig_qa.answer.definitions import with_defining_passages
from eig_qa.answer.features import QuestionProfile
from eig_qa.answer.follow_up import rewrite_follow_up
from eig_qa.answer.question_match import QuestionEntry, asked_entry, question_entries, with_matching_entry
from eig_qa.answer.questions import clean_question, smalltalk_reply
from eig_qa.answer.reranking import Reranker, rerank_by_sentences
from eig_qa.answer.scorer import AnswerScorer, load_scorer
from eig_qa.config import MAX_QUESTION_CHARS, Settings, load_settings
from eig_qa.errors import DataError, QuestionError
from eig_qa.figures.data import StructuredData, load_structured_data
from eig_qa.figures.matching import figure_notice, figures_for_question
from eig_qa.search.embedding import Embedder, load_embedder
from eig_qa.search.index_store import current_folder, load_index
from eig_qa.search.indexing import BuildReport, ProgressCallback, build_index, load_or_rebuild
from eig_qa.search.lexical import LexicalRanker
from eig_qa.search.retrieval import Retrieval, Retriever, SearchFilters
from eig_qa.tuning import TUNING, Tuning

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CorpusSummary:
    """How many documents of which kinds the assistant knows, and up to which date."""

    documents: int
    passages: int
    latest_date: str | None
    kinds: dict[str, int]


@dataclass
class Assistant:
    """Answers French questions over one corpus."""

    settings: Settings
    retriever: Retriever
    data: StructuredData | None
    data_problem: str | None
    build_report: BuildReport | None = None
    rule: AbstentionRule = field(default_factory=AbstentionRule)
    scorer: AnswerScorer = field(default_factory=load_scorer)
    reranker: Reranker = rerank_by_sentences

    @classmethod
    def open(cls, settings: Settings | None = None, build: bool = True, progress: bool = False,
             on_progress: ProgressCallback | None = None, *, embedder: Embedder | None = None,
             lexical: LexicalRanker | None = None, reranker: Reranker | None = None,
             scorer: AnswerScorer | None = None, tuning: Tuning = TUNING) -> Assistant:
        """Load the model, build the index if missing or stale (when `build`), load index and data.

        Each role can be swapped without touching the others: `embedder` (dense vectors, default from
        `settings.model`), `lexical` (word ranker, default BM25), `reranker` (second-stage order, default by best
        sentence) and `scorer` (P(sentence answers), default the corpus's own, trained on first opening from the
        shipped labelled questions and the corpus's question/answer pairs: answer/corpus_scorer.py). `tuning` holds
        the documented constants of every stage (a sweep passes a copy of `TUNING`). With `build`, an index that looks
        fresh but cannot be loaded (truncated or damaged files) is rebuilt.
        """
        settings = settings or load_settings()
        embedder = embedder or load_embedder(settings.model, settings.threads)
        if build:
            report = build_index(settings, embedder, progress=progress, on_progress=on_progress)
            index, repair = load_or_rebuild(settings, embedder, progress=progress, on_progress=on_progress)
            report = repair or report
        else:
            report, index = None, load_index(settings.index_dir)
        retriever = Retriever(index, embedder, tuning, lexical=lexical)
        data, problem = None, None
        try:
            data = load_structured_data(settings.corpus_dir)
        except DataError as error:
            problem = error.message
            log.warning("Chiffres clés indisponibles : %s", problem)
        assistant = cls(settings, retriever, data, problem, report, scorer=scorer or load_scorer(),
                        reranker=reranker or rerank_by_sentences)
        if scorer is None:
            assistant.scorer = corpus_scorer(current_folder(settings.index_dir), assistant.entries, assistant.profile,
                                             lambda profile: assistant.candidates(profile, tuning.rerank_depth), tuning)
        return assistant

    def __post_init__(self):
        self._total = len(self.retriever.passages)
        # The corpus's own questions (FAQ entries), matched against the user's.
        self.entries = question_entries(self.retriever.passages)
        # Names a follow-up may refer back to ("et pour Signaux Faibles ?").
        self._names: list[str] = []
        if self.data is not None:
            self._names = [*self.data.defis["title"], *self.data.defis["ministry"].dropna().unique()]

    @property
    def tuning(self) -> Tuning:
        """The constants every stage reads, held once by the retriever."""
        return self.retriever.tuning

    def summary(self) -> CorpusSummary:
        """What the index holds, for the welcome message."""
        passages = self.retriever.passages
        kinds = Counter(kind for _source, kind in {(p.source, p.kind or "autre") for p in passages})
        dates = [p.date for p in passages if p.date]
        return CorpusSummary(documents=len({p.source for p in passages}), passages=len(passages),
                             latest_date=max(dates) if dates else None, kinds=dict(sorted(kinds.items())))

    def ask(self, question: str, k: int | None = None, filters: SearchFilters | None = None,
            history: Sequence[str] = (), promotions: Sequence[str] = ()) -> Answer:
        """Answer one question; `history` (earlier questions, oldest first) lets a follow-up be understood;
        `promotions` (codes chosen in the page's filter) narrows the key figures.

        Bad input gives an Answer of kind "invalid" with a French message."""
        try:
            cleaned = clean_question(question)
        except QuestionError as error:
            return Answer(_shown(question), error.message, False, [], [], kind="invalid")
        understood = rewrite_follow_up(cleaned.text, list(history), self._names) if history else cleaned.text
        answer = self._answer(understood, k, filters, promotions)
        return replace(answer, question=cleaned.text, notice=cleaned.notice or answer.notice,
                       understood_as=understood if understood != cleaned.text else None)

    def profile(self, text: str) -> QuestionProfile:
        """What the answer scorer needs to know about a question in this corpus."""
        return QuestionProfile.of(text, self.retriever.document_frequency, self._total, self.tuning)

    def candidates(self, profile: QuestionProfile, k: int, filters: SearchFilters | None = None) -> Retrieval:
        """The passages whose sentences may answer: the retrieved ones and those of a matching FAQ entry."""
        retrieval = self.retriever.retrieve(profile.text, k, filters)
        passages = self.retriever.passages
        retrieval = with_matching_entry(profile, retrieval, self._entries(filters), passages)
        return with_defining_passages(profile, retrieval, passages, self.retriever.acronyms)

    def _entries(self, filters: SearchFilters | None) -> list[QuestionEntry]:
        """The corpus's question/answer entries whose passages the filters allow."""
        passages = self.retriever.passages
        return [entry for entry in self.entries
                if filters is None or all(filters.allows(passages[i]) for i in entry.passage_ids)]

    def _answer(self, text: str, k: int | None, filters: SearchFilters | None,
                promotions: Sequence[str] = ()) -> Answer:
        """Small talk, or retrieval, extracted answer and key figures for a clean question."""
        reply = smalltalk_reply(text)
        if reply:
            return Answer(text, reply, False, [], [], kind="smalltalk")
        k = k or self.settings.top_k
        profile = self.profile(text)
        retrieval = self.candidates(profile, max(k, self.tuning.rerank_depth), filters)
        reranked = self.reranker(profile, retrieval, self.scorer, k)
        asked = asked_entry(profile, self._entries(filters))
        answer = build_answer(profile, reranked.retrieval, self.scorer, self.rule, reranked.scored,
                              asked.passage_ids if asked else ())
        figures, notice = self._figures(text, answer.hits, promotions)
        if answer.abstained and figures:
            # The figures answer: saying first that nothing was found, at "faible" confidence, contradicted them.
            return replace(answer, text=NOT_FOUND_FIGURES, figures=figures, confidence=None)
        return replace(answer, figures=figures, notice=notice)

    def _figures(self, text: str, hits: Sequence, promotions: Sequence[str]) -> tuple[list, str | None]:
        """The key figures of a question, or the notice saying why there are none."""
        try:
            figures = figures_for_question(text, self.data, [hit.passage for hit in hits], promotions, self.tuning)
            return figures, None if figures else figure_notice(text, self.data, self.tuning)
        except Exception:  # a fault in one figure must not cost the answer from the documents; it is logged
            log.exception("Chiffres clés impossibles à calculer pour « %s »", text)
            return [], None


def _shown(question: object) -> str:
    """The question as it can be echoed back: text only, within the length limit, no lone surrogate."""
    if not isinstance(question, str):
        return ""
    text = question[:MAX_QUESTION_CHARS]
    return text.encode("utf-8", errors="replace").decode("utf-8")
