"""`make bench`: speed and memory of the pipeline, measured on a synthetic panel."""
