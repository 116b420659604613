"""Starting Spark, or saying in one line why it cannot start (no PySpark, no Java)."""

import importlib.util
import os
import shutil
import sys

from analytics.errors import InputError

DEFAULT_MASTER = "local[*]"
# A local driver holds the collected aggregates and samples, and streams customer rows to the
# database; Spark's default of 1 GB is too small at 10^7 rows.
DEFAULT_LOCAL_DRIVER_MEMORY = "4g"


class SparkUnavailable(InputError):
    """The Spark engine was asked for, but PySpark or Java is missing (a setup problem: exit 2)."""


def check_available() -> None:
    if importlib.util.find_spec("pyspark") is None:
        raise SparkUnavailable(
            "the Spark engine needs PySpark; install it with `pip install '.[spark]'` "
            "(or use the default --engine pandas)."
        )
    java_home = os.environ.get("JAVA_HOME")
    java = shutil.which("java") or (java_home and shutil.which("java", path=f"{java_home}/bin"))
    if not java:
        raise SparkUnavailable(
            "the Spark engine needs Java 17 or newer on PATH (or JAVA_HOME); on Debian or "
            "Ubuntu: apt-get install openjdk-17-jre-headless."
        )


def spark_session(master: str | None = None):
    """The running SparkSession, or a new one on `master` (default: $SPARK_MASTER, the
    cluster spark-submit was given, or every local core)."""
    check_available()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None and master in (None, active.sparkContext.master):
        return active
    builder = SparkSession.builder.appName("customer-analytics")
    master = master or os.environ.get("SPARK_MASTER")
    if master is None and "PYSPARK_GATEWAY_PORT" in os.environ:
        # Started by spark-submit, whose --master and --conf settings stand.
        return builder.getOrCreate()
    master = master or DEFAULT_MASTER
    builder = builder.master(master).config("spark.ui.enabled", "false")
    if master.startswith("local"):
        # Local Python workers run this interpreter, which has the project and its libraries.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        memory = os.environ.get("ANALYTICS_SPARK_DRIVER_MEMORY", DEFAULT_LOCAL_DRIVER_MEMORY)
        builder = builder.config("spark.driver.memory", memory)
        # Few cores: a handful of shuffle partitions beats the default 200 tiny tasks.
        builder = builder.config("spark.sql.shuffle.partitions", "8")
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session
