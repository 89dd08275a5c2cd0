# The two commands of the README: `make run` and `make test`. Variables: see README.md.

help:
	@echo "make run    - Odoo 19 with customer_requirement_review and demo data on http://127.0.0.1:$${PORT:-8069}"
	@echo "make test   - lint, then the addon's tests (pytest-odoo) in a throw-away database"
	@echo "make compat - Odoo's own sale and sale_management tests with the addon installed (README: compatibility)"
	@echo "make setup  - only the setup both commands run first"
	@echo "make lint   - OCA's checks on the whole repository (make test runs a basic lint only)"
	@echo "make readme - the addons' README.rst and index.html from their readme/ fragments"
	@echo "make upgrade     - the upgrade test alone (tools/upgrade_test.sh)"
	@echo "make multiserver - the two-server test alone (tools/multi_server_test.sh)"
	@echo "make bench  - the benchmark scripts of bench/ (prints figures), then ours against OCA's tier validation"
	@echo "make pg-stop - stop the project's PostgreSQL cluster if it is running"

run:
	@bash tools/run.sh

test:
	@bash tools/test.sh

compat:
	@bash tools/compat.sh

setup:
	@bash tools/setup.sh

lint: setup
	@bash tools/lint_oca.sh

lint-basic: setup
	@bash tools/lint.sh

readme: setup
	@bash tools/lint_oca.sh readme

upgrade: setup
	@bash tools/upgrade_test.sh

multiserver: setup
	@bash tools/multi_server_test.sh

# phony: the folder bench/ would make `make bench` "up to date"
.PHONY: bench
bench:
	@bash tools/bench.sh
	@CRR_BENCH_WITH=peer bash tools/bench.sh
	@CRR_BENCH_WITH=peer_apart bash tools/bench.sh

pg-stop:
	@bash -c 'source tools/lib.sh; pg_stop'
