"""The served graph: the release a process loads and swaps on rebuilds (``store``), the generation
all workers agree on, and what is read from it for the pages (index, schema documentation,
prefixes, IRI path segments)."""
