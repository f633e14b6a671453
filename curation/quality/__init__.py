"""The quality classifier: a fastText model per language telling reference-like text (`high`) from crawl text (`low`).

`train.py` trains one from labelled files (`curation quality train`), `score.py` scores documents with it
(`curation quality score`, the `classifier` filter), `stage.py` trains one per reference language in a run.
"""
