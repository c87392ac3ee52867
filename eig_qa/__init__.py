"""eig-qa: a French question-answering assistant over the documents of the EIG programme."""

__version__ = "0.1.0"
