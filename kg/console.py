"""The command line's two consoles: messages on stderr, results on stdout.

Both soft-wrap: a line is never broken at a terminal width, so what a pipe, a file or a test
reads is the same whatever ``COLUMNS`` or the terminal says (tables still size to the terminal).
"""

from __future__ import annotations

from rich.console import Console

#: Progress, errors and hints (stderr).
messages = Console(stderr=True, highlight=False, soft_wrap=True)
#: Results (stdout).
results = Console(highlight=False, soft_wrap=True)
