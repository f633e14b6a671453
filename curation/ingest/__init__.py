"""Ingest: catalog sources → `ingested/<source>/` shards.

Modules: `stage` (planning and the stage), `crawl_routing` (pages of shared crawl archives routed
to pseudo-crawl sources, each archive read once), `source_output` (one source's shard rotation,
counts and bad records).
"""
