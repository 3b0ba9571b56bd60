"""Activity Atlas loaders: parse → extract → geocode → validate → store (no Streamlit here)."""

import os

# natasha's taggers multiply small matrices; a multi-threaded BLAS only fights the ingest worker
# processes
# for the cores (measured: 2 workers ran no faster than 1 until BLAS was limited to one thread).
# This must
# happen before numpy is first imported, hence here.
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
