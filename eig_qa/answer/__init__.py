"""Answering from passages: question cleaning, sentence scoring, reranking, abstention, follow-ups."""
