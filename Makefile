# Everyday commands. `make help` lists them. Override the tools with e.g. `make PYBABEL=pybabel`.

VENV ?= .venv
PYTHON ?= $(if $(wildcard $(VENV)/bin/python),$(VENV)/bin/python,python3)
PYBABEL ?= $(PYTHON) -m babel.messages.frontend
TRANSLATIONS := playtest/translations
POT := $(TRANSLATIONS)/messages.pot

.PHONY: help translations extract update-translations compile-translations check-translations lint test \
	lint-js test-js vendor

help:
	@echo "make translations         extract, update and compile the catalogues (after changing UI text)"
	@echo "make extract              rewrite $(POT) from the code and templates"
	@echo "make update-translations  merge $(POT) into each language's messages.po"
	@echo "make compile-translations compile every messages.po to the messages.mo the app loads"
	@echo "make check-translations   fail on any missing or fuzzy French entry (tests/test_i18n.py)"
	@echo "make lint                 ruff check and ruff format --check"
	@echo "make test                 the test suite"
	@echo "make lint-js              ESLint over static/js and tests/js (npm ci first, as needed)"
	@echo "make test-js              the JS unit tests (node --test tests/js/)"
	@echo "make vendor               rebuild static/vendor/ from package-lock.json's packages"

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

# The front end's tools come from package-lock.json (node_modules/ is git-ignored).
node_modules: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund

lint-js: node_modules
	npx eslint static/js tests/js eslint.config.js

test-js:
	node --test tests/js/

# GOV.UK Frontend's CSS is compiled from static/scss/govuk.scss; the other files are copied.
vendor: node_modules
	npm run vendor
