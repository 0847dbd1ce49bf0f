# The two commands that matter: `make run` (the whole office) and `make test` (every test).
PY      := .venv/bin/python
PYTEST  := .venv/bin/pytest
LINTED  := common services gateway tools tests bench signer
STAMP   := .venv/.installed-$(shell cat pyproject.toml signer/pyproject.toml requirements.lock | sha256sum | cut -c1-12)

.PHONY: run test bench lint lock translations update-translations clean backup restore rebuild-reports signer-wheel

run: $(STAMP) translations
	tools/ensure-office-system.sh
	$(PY) -m tools.office

# Three pytest runs: the service tests need eventlet's monkey-patching; the browser and
# end-to-end tests must not have it (Playwright hangs in a patched process).
test: $(STAMP) translations
	tools/ensure-test-system.sh
	$(PYTEST) -q tests/unit
	$(PYTEST) -q -p no:randomly tests/service
	$(PYTEST) -q tests/e2e

bench: $(STAMP) translations
	$(PY) -m bench.office
	$(PY) -m bench.long_file
	$(PY) -m bench.onboarding
	$(PY) -m bench.files
	$(PY) -m bench.signing
	$(PY) -m bench.reports
	$(PY) -m bench.trust
	$(PY) -m bench.notify
	$(PY) -m bench.outbox
	$(PY) -m bench.leave
	$(PY) -m bench.records

# The embedded store, documents and keys under EOFFICE_DATA_DIR (./var), with a manifest of
# SHA-256s; the office must be stopped (see deploy/RUNBOOK.md). Restore into an empty data dir.
BACKUP := backups/$(shell date -u +%Y%m%dT%H%M%SZ)
backup: $(STAMP)
	$(PY) -m tools.backup create $(BACKUP)

restore: $(STAMP)
	@test -n "$(FROM)" || { echo "usage: make restore FROM=backups/<when>"; exit 2; }
	$(PY) -m tools.backup restore $(FROM)

# Every report's read models again from the reports service's event log (stop the office
# first on the embedded store); prints the totals before and after, which must be equal.
rebuild-reports: $(STAMP)
	$(PY) -m services.reports.rebuild

# Format, lint rules, types (mypy's paths and its strict modules are in pyproject.toml).
lint: $(STAMP)
	.venv/bin/ruff format --check $(LINTED)
	.venv/bin/ruff check $(LINTED)
	.venv/bin/mypy

# Refresh the catalogs from the code and templates (then translate what is new in hi/), and
# compile them; `make test` fails while any Hindi string is missing.
translations: $(STAMP)
	@.venv/bin/pybabel -q compile -d gateway/translations

update-translations: $(STAMP)
	.venv/bin/pybabel extract -F babel.cfg -k _l -o gateway/translations/messages.pot .
	.venv/bin/pybabel update -i gateway/translations/messages.pot -d gateway/translations --no-fuzzy-matching

# Exactly the tested bytes: every package of the tree from requirements.lock, checked against
# its hashes; then the project itself and the officer's signer (signer/, the `eoffice-signer`
# command the tests run), with nothing more.
$(STAMP): pyproject.toml signer/pyproject.toml requirements.lock
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install -q --require-hashes -r requirements.lock
	$(PY) -m pip install -q --no-deps --no-build-isolation -e . -e signer
	rm -f .venv/.installed-* && touch $(STAMP)

# The signer as officers install it: one wheel in dist/, built offline with the locked setuptools.
signer-wheel: $(STAMP)
	$(PY) -m pip wheel -q --no-deps --no-build-isolation --no-index signer/ -w dist/

# After changing a dependency in pyproject.toml: pin the whole tree again, with hashes.
lock: $(STAMP)
	.venv/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
		-q -o requirements.lock

clean:
	rm -rf .venv var .pytest_cache dist signer/build
