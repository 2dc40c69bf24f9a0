"""`python -m pipelines` runs the `piggy-elt` CLI (the demo uses it to stay on one interpreter)."""

from pipelines.cli import main

main()
