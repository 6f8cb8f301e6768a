# Two commands do everything on a fresh machine with python3 and make:
#   make lab   - set up .venv (if missing or stale) and open JupyterLab on notebooks/ (127.0.0.1)
#   make test  - set up the same .venv (reused when up to date) and run lint + the whole test suite
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SRC := ecslab workbook tests benchmarks conftest.py
STUDENT ?= build/student
LAB_PORT ?= 8888
# JupyterLab (and jupyterhub-singleuser) refuse to run as root unless told; empty for anyone else.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: lab dashboards test test-browser lint format venv bench clean notebooks student

venv: $(STAMP)

# Reinstall only when pyproject.toml changed or the venv is missing/broken.
$(STAMP): pyproject.toml
	@if ! $(BIN)/python -c 'import sys' >/dev/null 2>&1; then rm -rf $(VENV); $(PY) -m venv $(VENV); fi
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ecslab)" >/dev/null
	@touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check $(SRC)
	$(BIN)/ruff format --check $(SRC)

format: $(STAMP)
	$(BIN)/ruff check --fix $(SRC)
	$(BIN)/ruff format $(SRC)

test: lint
	$(BIN)/python -m pytest

# Only the real-browser tests (JupyterLab and Voila under headless Chromium; needs the chromium package).
test-browser: $(STAMP)
	$(BIN)/python -m pytest tests/browser

# JupyterLab's interface language: `make lab LANG_UI=zh-TW` (Traditional Chinese, from the
# jupyterlab-language-pack-zh-tw package); the default is English. The choice is written as the
# default of JupyterLab's Settings > Language (overrides.json in the venv); a language the
# learner picks in that menu still wins. The Chinese lessons are in notebooks/zh-Hant/.
# As root (a container, a classroom VM, CI) JupyterLab refuses to start without --allow-root: pass it
# and say so. Either way it binds 127.0.0.1 only.
LANG_UI ?= en
lab: $(STAMP)
	$(BIN)/python -m workbook.labsettings $(LANG_UI)
	@if [ -n "$(ALLOW_ROOT)" ]; then echo "make lab: running as root, so JupyterLab gets --allow-root (still bound to 127.0.0.1)"; fi
	$(BIN)/jupyter lab --ip 127.0.0.1 --port $(LAB_PORT) --no-browser $(ALLOW_ROOT) --ServerApp.root_dir=notebooks

# The dashboards (notebooks/dashboards/) as apps with their code hidden, served by Voila on
# 127.0.0.1 (`make dashboards`, then open the URL it prints). Voila starts as root without a flag.
DASH_PORT ?= 8866
dashboards: $(STAMP)
	$(BIN)/voila --no-browser --port=$(DASH_PORT) --Voila.ip=127.0.0.1 notebooks/dashboards

# Re-execute every lesson in place with papermill (prints each lesson's time).
# Then render the translated lessons (notebooks/zh-Hant/) from each lesson and its catalog.
notebooks: $(STAMP)
	$(BIN)/python -m workbook.lessons run
	$(BIN)/python -m workbook.localize render --available

# Student copies: solutions replaced by stubs, outputs cleared (STUDENT=folder to choose where).
student: $(STAMP)
	$(BIN)/python -m workbook.student $(STUDENT)

# nbgrader (see the README's "For instructors"): COURSE is the course folder (source/, release/,
# submitted/, autograded/, gradebook.db); LABS an optional folder of saved break-it labs.
COURSE ?= build/course
LABS ?= $(COURSE)/labs
.PHONY: assignments grade

# Every lesson as an nbgrader assignment: copy into COURSE/source, generate_assignment into release/.
assignments: $(STAMP)
	$(BIN)/python -m workbook.course init $(COURSE)
	$(BIN)/python -m workbook.course generate $(COURSE)

# Collect and autograde every submission, then the class report (CSV, HTML) in COURSE.
grade: $(STAMP)
	$(BIN)/python -m workbook.course grade $(COURSE)
	$(BIN)/python -m workbook.classreport $(wildcard $(LABS)) --course $(COURSE) --out $(COURSE)

bench: $(STAMP)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache

# The classroom hub (issue 17; tests/classroom/test_hub.py): JupyterHub 5 on 127.0.0.1:8000 with
# configurable-http-proxy installed from the lock file into classroom/hub/node_modules (needs
# node and npm). Public binding is an explicit choice: `make classroom HUB_IP=0.0.0.0`.
# Ctrl-C (or SIGTERM) stops the hub, the proxy and every learner's server.
HUB_IP ?= 127.0.0.1
.PHONY: classroom
classroom: $(STAMP)
	$(BIN)/pip install -q -e '.[classroom]'
	cd classroom/hub && npm ci --no-audit --no-fund
	@if [ -n "$(ALLOW_ROOT)" ]; then echo "make classroom: running as root, so every learner's jupyterhub-singleuser gets --allow-root"; fi
	@if [ "$(HUB_IP)" != "127.0.0.1" ]; then echo "make classroom: HUB_IP=$(HUB_IP): the hub is reachable from the network (plain HTTP)"; fi
	@echo "Hub: http://$(HUB_IP):8000/  - sign up as 'instructor' (the admin), then approve students at /hub/authorize"
	ECSLAB_HUB_IP=$(HUB_IP) $(BIN)/jupyterhub -f classroom/hub/jupyterhub_config.py
