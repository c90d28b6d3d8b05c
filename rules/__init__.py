"""The checklist as data (checklist.yaml). Kept as a package so an installed auditor ships it."""
