"""curation: an open multilingual corpus curation pipeline.

Kept light on purpose: importing the package loads no model, no JVM, no Arrow.
"""

__version__ = "0.1.0"
