"""Placeholder: task frames (not written yet)."""

NAME = "frames"
DATA = ("frames",)
PROTOCOL = "Not written yet."


def run(paths, *, quick=False, **options):
    return []
