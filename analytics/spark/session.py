"""Starting Spark, or saying in one line why it cannot start (no PySpark, no Java)."""

import importlib.util
import os
import shutil
import sys

from analytics.config import Settings
from analytics.errors import InputError

DEFAULT_MASTER = "local[*]"


class SparkUnavailable(InputError):
    """The Spark engine was asked for, but PySpark or Java is missing (a setup problem: exit 2)."""


def check_available(java_home: str | None = None) -> None:
    """Raise SparkUnavailable unless PySpark is installed and Java is on PATH or in
    `java_home` (Settings.java_home)."""
    if importlib.util.find_spec("pyspark") is None:
        raise SparkUnavailable(
            "the Spark engine needs PySpark; install it with `pip install '.[spark]'` "
            "(or use the default --engine pandas)."
        )
    java = shutil.which("java") or (java_home and shutil.which("java", path=f"{java_home}/bin"))
    if not java:
        raise SparkUnavailable(
            "the Spark engine needs Java 17 or newer on PATH (or JAVA_HOME); on Debian or "
            "Ubuntu: apt-get install openjdk-17-jre-headless."
        )


def spark_session(master: str | None = None, settings: Settings | None = None):
    """The running SparkSession, or a new one on `master` (default: settings.spark_master, the
    cluster spark-submit was given, or every local core)."""
    settings = settings or Settings()
    check_available(settings.java_home)
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None and master in (None, active.sparkContext.master):
        return active
    builder = SparkSession.builder.appName("customer-analytics")
    master = master or settings.spark_master
    if master is None and settings.spark_submitted:
        # Started by spark-submit, whose --master and --conf settings stand.
        return builder.getOrCreate()
    master = master or DEFAULT_MASTER
    builder = builder.master(master).config("spark.ui.enabled", "false")
    if master.startswith("local"):
        # Local Python workers run this interpreter, which has the project and its libraries.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = builder.config("spark.driver.memory", settings.spark_driver_memory)
        # Few cores: a handful of shuffle partitions beats the default 200 tiny tasks.
        builder = builder.config("spark.sql.shuffle.partitions", "8")
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session
