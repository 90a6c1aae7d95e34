"""The DuckDB lifecycle: paths, connections, raw loads, publishing and read-only queries."""
