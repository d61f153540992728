"""Running audits: notebook execution (papermill, warm kernels), one unit, and batches."""
