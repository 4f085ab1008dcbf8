"""Placeholder: task linking (not written yet)."""

NAME = "linking"
DATA = ("hipe_tsv",)
PROTOCOL = "Not written yet."


def run(paths, *, quick=False, **options):
    return []
