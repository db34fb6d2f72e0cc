# The two commands the README promises:
#   make demo   install into .venv and run the main job on the embedded default
#               (SQLite, the bundled court network, a generated sample)
#   make test   install into .venv and run the whole test suite (SQLite, and PostgreSQL
#               when a server can be started here; .ci/run installs one)
PYTHON ?= $(shell command -v python3.11 || command -v python3.12)
VENV   := .venv
STAMP  := $(VENV)/.installed

.PHONY: demo test install clean

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev,network,ray]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/assign demo

test: $(STAMP)
	bash scripts/run-tests.sh

clean:
	rm -rf $(VENV) var test-artifacts
