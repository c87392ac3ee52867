"""Domain errors, each carrying a French message that tells the user how to fix the problem."""


class EigQaError(Exception):
    """Base of every error the product turns into a user message instead of a traceback."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ConfigError(EigQaError):
    """A setting (environment variable or argument) is wrong."""


class CorpusError(EigQaError):
    """The corpus folder is missing, empty or unreadable."""


class IndexUnavailableError(EigQaError):
    """The index is missing, truncated, stale or of another format version."""


class ModelError(EigQaError):
    """The embedding model cannot be loaded."""


class DataError(EigQaError):
    """The structured data (YAML files of défis, people, promotions) is missing or invalid."""


class QuestionError(EigQaError):
    """The question cannot be answered as given (empty, not text…)."""


def user_message(error: BaseException) -> str:
    """Return the French message to show for an error, whatever its type."""
    if isinstance(error, EigQaError):
        return error.message
    return (
        "Une erreur inattendue s'est produite "
        f"({type(error).__name__}). Réessayez ; si elle persiste, signalez-la avec la question posée."
    )
