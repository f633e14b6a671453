"""Megatron-LM indexed datasets: writer, zero-copy reader, the `tokenize` stage and its manifest."""
