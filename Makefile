# procflow: two commands do all the set-up on a fresh machine with python3.
#   make demo   create .venv, install, lint, analyse, simulate and compare the bundled examples
#               (a quality comparison too), print a vendor batch plan's OC curve and a staffing
#               plan, forecast the multilingual queue's backlog, and calibrate a process from
#               the sample event log in examples/ and validate it
#   make test   ruff, mypy and pytest (on every core)
#   make fuzz   10,000 broken and random documents through load, lint, analyze and simulate
#   make docs   regenerate the generated docs: rule pages, KPI table, key reference
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test fuzz lint-code docs install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/procflow lint processes/ scenarios/
	$(BIN)/procflow show processes/
	$(BIN)/procflow simulate processes/image_moderation_qc.yaml --replications 5 --seed 7
	@mkdir -p out
	$(BIN)/procflow simulate processes/image_moderation_qc.yaml --replications 5 --seed 7 \
		--format json --output out/image_moderation_qc.json
	@echo "Wrote out/image_moderation_qc.json"
	$(BIN)/procflow compare processes/image_moderation_qc.yaml \
		scenarios/qc_sample_20pct.yaml scenarios/qc_sample_20pct_plus_3.yaml --replications 5 --seed 7
	$(BIN)/procflow compare processes/image_moderation_qc.yaml \
		scenarios/qc_sample_20pct.yaml scenarios/qc_sample_20pct_plus_3.yaml --replications 5 --seed 7 \
		--format markdown --output out/comparison.md \
		--report out/comparison.html --xlsx out/comparison.xlsx
	@echo "Wrote out/comparison.md, out/comparison.html and out/comparison.xlsx"
	$(BIN)/procflow compare processes/image_moderation_qc.yaml \
		scenarios/double_labeling.yaml scenarios/single_labeling_audit_20pct.yaml \
		--replications 5 --seed 7 --format markdown --output out/quality_comparison.md
	@echo "Wrote out/quality_comparison.md: double labeling vs single labeling with a 20% audit"
	$(BIN)/procflow analyze processes/vendor_batch_acceptance.yaml
	$(BIN)/procflow staff processes/consensus_labeling.yaml --interval 1h \
		--service-level 80% --within 20min
	$(BIN)/procflow forecast processes/multilingual_review_queue.yaml \
		scenarios/multilingual_borrowed_staff.yaml \
		--initial-state processes/multilingual_backlog.csv --until 2026-12-03T18:00 --target 150 \
		--replications 8 --seed 7 --report out/forecast.html
	$(BIN)/procflow calibrate examples/consensus_export.csv.gz \
		--case task_id --activity step --resource worker \
		--enqueue queued_at --start started_at --end completed_at --out out/consensus_fitted.yaml
	$(BIN)/procflow lint out/consensus_fitted.yaml
	@# exit 1 is validate's verdict "not fit" (an answer the demo shows); 2 would be an error
	$(BIN)/procflow validate out/consensus_fitted.yaml examples/consensus_export.csv.gz \
		--case task_id --activity step --resource worker \
		--enqueue queued_at --start started_at --end completed_at --report out/validation.html \
		|| test $$? -eq 1

lint-code: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

test: lint-code
	$(BIN)/pytest -n auto

fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest tests/test_fuzz.py --durations=3

docs: $(STAMP)
	$(BIN)/python -m procflow.lint.docs
	$(BIN)/python -m procflow.results.docs
	$(BIN)/python -m procflow.schema.docs

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
