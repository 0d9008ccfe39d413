"""E-mail outbox: messages are rows written in the same transaction as the change, sent after it commits."""
