"""The analysts' side: `newsmon alerts serve` (index, Atom feeds, page, JSON, Alertmanager)."""
