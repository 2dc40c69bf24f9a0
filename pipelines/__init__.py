"""Entry points of piggy-elt: the `piggy-elt` CLI and the pipeline runs it starts."""
