"""Which files a Spark run reads, and their records as Spark frames: each CSV file inspected
(encoding, delimiter, header, limits) by analytics.io.csvfile exactly as the pandas engine does,
then parsed by Spark; Parquet files read as text; every record numbered with its line.
"""

import glob
from dataclasses import dataclass
from pathlib import Path

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from analytics.config import InputLimits
from analytics.errors import InputError
from analytics.io import csvfile

PARQUET_SUFFIXES = (".parquet", ".pq")
CORRUPT_RECORD = "_corrupt_record"
# A file up to this size is one Spark partition anyway, so it is parsed with multiLine (quoted
# line breaks allowed) at no cost in parallelism.
_SPLIT_BYTES = 128 * 1024 * 1024


@dataclass(frozen=True)
class SourceFile:
    path: Path
    csv_format: csvfile.CsvFormat | None  # None for Parquet


def input_files(patterns: list[str | Path]) -> list[Path]:
    """Files named by paths, globs and directories (a directory: its CSV or Parquet files)."""
    files: list[Path] = []
    for pattern in map(str, patterns):
        path = Path(pattern)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and not p.name.startswith(("_", "."))
                and p.suffix.lower() in (".csv", *PARQUET_SUFFIXES)
            )
            if not found:
                raise InputError(f"{path}: the directory has no .csv or .parquet files.")
            files.extend(found)
        elif glob.has_magic(pattern):
            found = sorted(Path(p) for p in glob.glob(pattern, recursive=True) if Path(p).is_file())
            if not found:
                raise InputError(f"{pattern}: no file matches.")
            files.extend(found)
        else:
            files.append(path)
    kinds = {p.suffix.lower() in PARQUET_SUFFIXES for p in files}
    if len(kinds) > 1:
        raise InputError("the inputs mix CSV and Parquet files; give one kind per run.")
    return files


def describe_inputs(files: list[Path]) -> str:
    """A name for messages and the run record: the file's name, or the first and a count."""
    if len(files) == 1:
        return files[0].name
    return f"{files[0].name} and {len(files) - 1} more file{'s' if len(files) > 2 else ''}"


def csv_header(path: Path, limits: InputLimits) -> tuple[SourceFile, int, list[str]]:
    csv_format = csvfile.inspect(path, limits)
    first = next(csvfile.read_batches(path, csv_format, limits, 1), None)
    if first is None:
        raise InputError(f"{path.name}: the file has only blank lines; expected a header row.")
    (line,), (header,) = first
    return SourceFile(path, csv_format), line, header


def parquet_header(spark: SparkSession, path: Path) -> tuple[SourceFile, int, list[str]]:
    if not path.is_file():
        raise InputError(f"{path}: no such file.")
    return SourceFile(path, None), 0, spark.read.parquet(str(path)).columns


def csv_records(spark: SparkSession, source: SourceFile, width: int) -> DataFrame:
    encoding = source.csv_format.encoding
    if encoding == csvfile.FALLBACK_ENCODING:
        # Spark 4 reads only a few charsets unless Java's full set is enabled.
        spark.conf.set("spark.sql.legacy.javaCharsets", "true")
    return (
        spark.read.option("header", True)
        .option("sep", source.csv_format.delimiter)
        .option("encoding", "windows-1252" if encoding == csvfile.FALLBACK_ENCODING else "UTF-8")
        .option("quote", '"')
        .option("escape", '"')
        .option("multiLine", source.path.stat().st_size <= _SPLIT_BYTES)
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", CORRUPT_RECORD)
        .schema(_text_schema(width))
        .csv(str(source.path))
    )


def parquet_records(spark: SparkSession, path: Path, header: list[str]) -> DataFrame:
    frame = spark.read.parquet(str(path))
    return frame.select(
        *[F.col(f"`{name}`").cast("string").alias(f"f{i}") for i, name in enumerate(header)],
        F.lit(None).cast("string").alias(CORRUPT_RECORD),
    )


def _text_schema(width: int) -> T.StructType:
    return T.StructType(
        [T.StructField(f"f{i}", T.StringType()) for i in range(width)]
        + [T.StructField(CORRUPT_RECORD, T.StringType())]
    )


def numbered(raw: DataFrame, header_lines: list[int]) -> DataFrame:
    """Records with their line: the file's header line plus the record's position in the file.

    Positions come from partition sizes (the union keeps each file's partitions together and
    in order), so numbering runs in the JVM without a pass through Python.
    """
    tagged = with_position(raw, "position")
    starts = tagged.groupBy("file").agg(F.min("position").alias("start")).collect()
    start = _literal_map({int(row["file"]): int(row["start"]) for row in starts})
    header = _literal_map(dict(enumerate(header_lines)))
    return tagged.withColumn(
        "line", header[F.col("file")] + 1 + F.col("position") - start[F.col("file")]
    ).drop("position")


def with_position(frame: DataFrame, name: str) -> DataFrame:
    """`frame`, persisted, with each row's 0-based position in partition order."""
    tagged = (
        frame.withColumn("_partition", F.spark_partition_id())
        .withColumn("_id", F.monotonically_increasing_id())
        .persist()
    )
    sizes = dict(tagged.groupBy("_partition").count().collect())
    offsets, total = {}, 0
    for partition in sorted(sizes):
        offsets[partition], total = total, total + sizes[partition]
    # monotonically_increasing_id is the partition id in the upper 31 bits, then the row's index.
    index = F.col("_id") - F.shiftleft(F.col("_partition").cast("long"), 33)
    return tagged.withColumn(name, _literal_map(offsets)[F.col("_partition")] + index).drop(
        "_partition", "_id"
    )


def _literal_map(mapping: dict):
    # An empty map would have no key type; a key no row has stands in for none.
    pairs = mapping.items() if mapping else [(-1, 0)]
    return F.create_map(*[F.lit(item) for pair in pairs for item in pair])
