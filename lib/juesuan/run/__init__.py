"""Running audits: notebook execution (nbclient, fresh and warm kernels), one unit, and batches."""

import sys

# nbformat imports jsonschema, whose optional IRI format checker (rfc3987_syntax, installed with
# jupyterlab's jupyter-events) compiles a Lark grammar at import: ~0.8 CPU-s in every batch worker,
# batch and `juesuan audit` process. No schema these processes validate uses an IRI format, so the
# checker is left out here (jsonschema treats the module as absent); other processes are untouched.
if "rfc3987_syntax" not in sys.modules:
    sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]
