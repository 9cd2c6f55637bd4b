"""fastcors: a drop-in, faster ``CORSMiddleware`` for Starlette and FastAPI.

Change one import::

    from fastcors import CORSMiddleware   # was: from starlette.middleware.cors import CORSMiddleware

Same parameters, same bytes on the wire; the policy is evaluated by the Rust
engine fastcors-core. See :class:`CORSMiddleware` for the opt-in extras.
"""

from __future__ import annotations

from ._errors import ConfigProblem, CORSConfigError, CORSConfigWarning, CORSInternalError
from .middleware import (
    ALL_METHODS,
    SAFELISTED_HEADERS,
    CORSMiddleware,
    Explanation,
    OriginPredicate,
    Origins,
    Rule,
)

__version__ = "0.1.0"

#: The Starlette release whose ``CORSMiddleware`` this drop-in matches, byte
#: for byte: its own ``tests/middleware/test_cors.py`` is run against
#: fastcors, the differential tests compare with it, and the ``test`` extra
#: pins it. Stated here only; ``tests/test_release.py`` checks that the pin
#: and every "Starlette X.Y.Z" in the repository agree with it.
STARLETTE_VERSION = "1.10.0"

__all__ = [
    "ALL_METHODS",
    "SAFELISTED_HEADERS",
    "CORSConfigError",
    "CORSConfigWarning",
    "CORSInternalError",
    "CORSMiddleware",
    "ConfigProblem",
    "Explanation",
    "OriginPredicate",
    "Origins",
    "Rule",
    "STARLETTE_VERSION",
    "__version__",
]
