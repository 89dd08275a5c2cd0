# The two commands of the README: `make run` and `make test`. Variables: see README.md.
.PHONY: run test compat setup lint bench pg-stop help

help:
	@echo "make run    - Odoo 19 with customer_requirement_review and demo data on http://127.0.0.1:$${PORT:-8069}"
	@echo "make test   - lint, then the addon's tests (pytest-odoo) in a throw-away database"
	@echo "make compat - Odoo's own sale and sale_management tests with the addon installed (README: compatibility)"
	@echo "make setup  - only the setup both commands run first"
	@echo "make bench  - the benchmark scripts of bench/ (prints figures)"
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
	@bash tools/lint.sh

bench:
	@bash tools/bench.sh

pg-stop:
	@bash -c 'source tools/lib.sh; pg_stop'
