"""Placeholder: task alignment (not written yet)."""

NAME = "alignment"
DATA = ("parallel",)
PROTOCOL = "Not written yet."


def run(paths, *, quick=False, **options):
    return []
