"""Approval: the ministry decision that freezes the round."""
