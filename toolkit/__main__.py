"""Command line: ``python -m toolkit report`` and ``python -m toolkit models download|status``."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m toolkit", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("report", help="execute notebooks/NN-*.ipynb, write report/index.html and figures/")
    models = commands.add_parser("models", help="stanza models: download them once, or show what is installed")
    models_commands = models.add_subparsers(dest="action", required=True)
    download = models_commands.add_parser("download", help="fetch stanza models (needs access to the model hub)")
    download.add_argument("languages", nargs="+", help="ISO 639-1 codes, e.g. fr en")
    download.add_argument("--dir", default=None, help="stanza resources folder (default: stanza's own)")
    status = models_commands.add_parser("status", help="which stanza and spaCy models are installed")
    status.add_argument("--dir", default=None, help="stanza resources folder (default: stanza's own)")
    args = parser.parse_args(argv)

    if args.command == "report":
        from toolkit.report import build_report

        try:
            build_report()
        except RuntimeError as err:
            print(err, file=sys.stderr)
            return 1
    elif args.command == "models":
        from toolkit.nlp import spacy_engine, stanza_engine

        if args.action == "download":
            try:
                for path in stanza_engine.download_models(args.languages, model_dir=args.dir):
                    print(f"installed {path}")
            except RuntimeError as err:
                print(err, file=sys.stderr)
                return 1
        else:
            print("stanza (optional; engine=\"auto\" uses it where its model is installed):")
            print(stanza_engine.models_status(model_dir=args.dir).to_string(index=False))
            print("\nspaCy (the engine of the shipped figures, pinned in pyproject.toml):")
            for language, name in spacy_engine.MODELS.items():
                state = "installed" if spacy_engine.is_available(language) else "missing (make install)"
                print(f"  {language}  {name}  {state}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
