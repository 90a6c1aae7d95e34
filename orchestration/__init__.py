"""The top layer: the `govmetrics` command (cli.py), the build it runs (build.py), and the Dagster
wiring: assets, checks, jobs, schedules, sensors, resources and the one Definitions."""
