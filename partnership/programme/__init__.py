"""People of the Future: the children's rehabilitation programme (cases, consents, placements)."""
