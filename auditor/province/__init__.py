"""Province mode: every college of a province, each the ordinary nightly job with its own store, and a
published transparency index over them (config.py, runner.py, index.py, report.py)."""
