# The two commands: `make run` serves the demo, `make test` runs the whole suite.
# Both install what is missing first: Debian packages (when root), the virtualenv, the package.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app award_app
DEB_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
	fonts-liberation2 poppler-utils chromium
PO_FILES := $(wildcard award_app/translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run test setup system-packages lint types translations-extract clean bench

# `make run PORT=5001` serves on another port; e-mailed links and certificates' QR codes open where they were made.
PORT ?= 5000
PUBLIC_URL ?= http://127.0.0.1:$(PORT)

run: setup
	$(FLASK) db upgrade
	$(FLASK) seed
	PUBLIC_URL=$(PUBLIC_URL) $(FLASK) demo load
	@echo "Serving $(PUBLIC_URL) — demo accounts are listed in README.md"
	PUBLIC_URL=$(PUBLIC_URL) $(FLASK) run --host 127.0.0.1 --port $(PORT)

# The suite runs on every core (pytest-xdist); each worker has its own PostgreSQL database and files.
test: setup lint types
	$(BIN)/pytest -n auto --dist worksteal

lint: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/bandit -q -ll -r award_app config.py wsgi.py

# The packages listed under [tool.mypy] in pyproject.toml, type-checked.
types: setup
	$(BIN)/mypy

# The benchmark (bench/run.py): reports against the speed targets P1–P7, never fails the build.
bench: setup $(VENV)/.bench-installed
	@command -v wrk >/dev/null || { if [ "$$(id -u)" = "0" ]; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; \
		else echo "Missing Debian package (install it as root): wrk"; fi; }
	$(BIN)/python -m bench.run || true

$(VENV)/.bench-installed: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[dev,bench]'
	touch $@

setup: system-packages $(VENV)/.installed $(MO_FILES)

# Debian packages: installed non-interactively when root, otherwise named for the user to install.
system-packages:
	@missing=$$(for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = "0" ]; then \
			echo "Installing Debian packages: $$missing"; \
			apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
		else \
			echo "Missing Debian packages (install them as root): $$missing"; \
		fi; \
	fi

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

award_app/translations/%/LC_MESSAGES/messages.mo: award_app/translations/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile -d award_app/translations -D messages -l $* -i $< -o $@

# Refresh the catalogues after changing visible text; English copies the message ids.
translations-extract: setup
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_ngettext:1,2 -o award_app/translations/messages.pot . templates/_macros
	$(BIN)/pybabel update -i award_app/translations/messages.pot -d award_app/translations --no-fuzzy-matching
	$(BIN)/python -c "$$FILL_ENGLISH" award_app/translations/en/LC_MESSAGES/messages.po

# English messages are their own ids: copy each id into an empty English translation.
define FILL_ENGLISH
import sys
from babel.messages.pofile import read_po, write_po
path = sys.argv[1]
with open(path, 'rb') as f:
    catalog = read_po(f)
for message in catalog:
    if message.id and not message.string:
        message.string = message.id
with open(path, 'wb') as f:
    write_po(f, catalog, width=100)
endef
export FILL_ENGLISH

clean:
	rm -rf $(VENV) award_app/translations/*/LC_MESSAGES/*.mo
