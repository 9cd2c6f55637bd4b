#!/usr/bin/env bash
# Runs Starlette 1.10.0's own tests/middleware/test_cors.py against fastcors:
# the file is extracted from Starlette's sdist at test time with only its
# CORSMiddleware import changed (see starlette_suite.py). Needs fastcors and
# the test extra installed: pip install "./python[test]".
set -euo pipefail
cd "$(dirname "$0")"
PYTHON="${PYTHON:-python3}"
"$PYTHON" starlette_suite.py >/dev/null
cd _starlette_suite
# Starlette's own settings (tests/_starlette_suite/pyproject.toml, extracted
# from its pyproject.toml): every warning is an error, fastcors' included.
exec "$PYTHON" -m pytest -q -p no:cacheprovider tests/middleware/test_cors.py "$@"
