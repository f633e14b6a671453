"""Byte-level BPE tokenizer training on an α-smoothed per-language sample, and fertility reports."""
