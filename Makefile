# The two commands: `make report` (the main job) and `make test`. Both set up .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: report test bench accuracy install clean

report: $(STAMP)
	$(PY) -m toolkit report

test: $(STAMP)
	$(PY) -m pip freeze --exclude-editable > $(VENV)/pip-freeze.txt
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) benchmarks/run_all.py

accuracy: $(STAMP)
	$(PY) benchmarks/accuracy.py

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@# stanza needs torch. Where pip can see a local CPU wheel of torch (a find-links folder),
	@# take it first: about 1 GB instead of several GB of CUDA libraries. Elsewhere this step
	@# finds nothing, says so, and pip picks torch for stanza in the next step as usual.
	$(PY) -m pip install --quiet --no-index --no-deps "torch==2.13.0" 2>/dev/null \
	  || echo "No local torch wheel; pip will choose torch for stanza."
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

clean:
	rm -rf report .cache .pytest_cache
