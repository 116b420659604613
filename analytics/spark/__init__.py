"""The Spark engine: the same stages as the pandas engine (analytics.runs.pipeline), on PySpark.

Only `analytics.spark.export` may be imported by the web process: it holds the exported model
class and needs scikit-learn alone. Every other module here imports pyspark.
"""
