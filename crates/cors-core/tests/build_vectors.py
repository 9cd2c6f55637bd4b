"""Merge the Starlette-generated and the hand-written standard vectors into vectors.json.

    python crates/cors-core/tests/build_vectors.py
"""

from __future__ import annotations

import json
import pathlib
import sys

here = pathlib.Path(__file__).parent
sys.path.insert(0, str(here))
import standard_vectors  # noqa: E402

starlette = json.loads((here / "vectors_starlette.json").read_text())["vectors"]
out = {
    "about": "fastcors-core conformance vectors: starlette/* generated from Starlette 1.10.0 "
    "(gen_starlette_vectors.py), standard/* written by hand (standard_vectors.py).",
    "vectors": starlette + standard_vectors.vectors,
}
(here / "vectors.json").write_text(json.dumps(out, indent=1) + "\n")
print(f"{len(out['vectors'])} vectors ({len(starlette)} starlette, {len(standard_vectors.vectors)} standard)")
