"""Running audits: notebook execution (nbclient, fresh and warm kernels), one unit, and batches."""
