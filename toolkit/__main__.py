"""Command line: ``python -m toolkit report`` (execute the notebooks, write report/ and figures/)."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m toolkit", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("report", help="execute notebooks/NN-*.ipynb, write report/index.html and figures/")
    args = parser.parse_args(argv)
    if args.command == "report":
        from toolkit.report import build_report

        try:
            build_report()
        except RuntimeError as err:
            print(err, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
