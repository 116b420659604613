"""The Spark engine: the pandas engine's stages (analytics.runs.customer_file) on PySpark.

Only `analytics.spark.export` may be imported by the web process: it holds the exported model
class and needs scikit-learn alone. Every other module here imports pyspark.
"""
