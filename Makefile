# Everyday commands. `make help` lists them. Override the tools with e.g. `make PYBABEL=pybabel`.

VENV ?= .venv
PYTHON ?= $(if $(wildcard $(VENV)/bin/python),$(VENV)/bin/python,python3)
PYBABEL ?= $(PYTHON) -m babel.messages.frontend
TRANSLATIONS := playtest/translations
POT := $(TRANSLATIONS)/messages.pot

.PHONY: help translations extract update-translations compile-translations check-translations lint test

help:
	@echo "make translations         extract, update and compile the catalogues (after changing UI text)"
	@echo "make extract              rewrite $(POT) from the code and templates"
	@echo "make update-translations  merge $(POT) into each language's messages.po"
	@echo "make compile-translations compile every messages.po to the messages.mo the app loads"
	@echo "make check-translations   fail on any missing or fuzzy French entry (tests/test_i18n.py)"
	@echo "make lint                 ruff check and ruff format --check"
	@echo "make test                 the test suite"

# After changing any text people read: `make translations`, fill the empty msgstr entries
# in playtest/translations/fr/LC_MESSAGES/messages.po, then `make compile-translations`.
translations: extract update-translations compile-translations

extract:
	@mkdir -p $(TRANSLATIONS)
	$(PYBABEL) extract -F babel.cfg -k _l -k lazy_gettext --sort-by-file \
		--no-wrap --project=Playtest --version=0.1.0 --copyright-holder="Playtest contributors" \
		-o $(POT) .

update-translations:
	$(PYBABEL) update -i $(POT) -d $(TRANSLATIONS) --no-wrap --ignore-obsolete

compile-translations:
	$(PYBABEL) compile -d $(TRANSLATIONS) --statistics

check-translations:
	$(PYTHON) -m pytest tests/test_i18n.py -q

lint:
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .

test:
	$(PYTHON) -m pytest -q
