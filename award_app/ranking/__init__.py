"""Ranking: aggregation of the jurors' scores, the proposal of winners."""
