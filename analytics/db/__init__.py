"""Storage of runs and their results through SQLAlchemy 2.0."""
