"""Exact money, the document model, text normalisation, and the errors every stage raises."""
