#!/usr/bin/env bash
# The Python test suite: fastcors's own tests, fastcors-core's conformance vectors
# through the ASGI layer, the differential test against Starlette, FastAPI and
# uvicorn integration, and Starlette 1.10.0's own test_cors.py with only its
# import changed. Expects `pip install "./python[test]"` (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
exec "${PYTHON:-python3}" -m pytest -q -p no:cacheprovider python/tests "$@"
