"""Reference data shipped with the package (provinces.csv from the shared rule book)."""
