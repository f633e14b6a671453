"""Auditor-facing outputs: the HTML report, data cards and signal distributions."""
