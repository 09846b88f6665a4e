"""Agendas of a JSONL file of profiles, evaluated by Spark (extra ``[spark]``, and Java).

    pip install 'prevention-engine[spark]'
    python examples/spark_agendas.py people.jsonl agendas.parquet 2025-11-10

Each Spark Python worker compiles the bundled calendars once; the output is one row per agenda
row (the columns of ``batch --output parquet``). Use ``output="full"`` for one agenda JSON per
person instead.
"""

from __future__ import annotations

import datetime as dt
import sys

from pyspark.sql import SparkSession

from prevention_engine.extra.spark import evaluate_dataframe


def main(inpath: str, outpath: str, as_of: str) -> None:
    spark = SparkSession.builder.master("local[2]").appName("agendas").getOrCreate()
    people = spark.read.text(inpath).withColumnRenamed("value", "profile")
    rows = evaluate_dataframe(people, dt.date.fromisoformat(as_of), output="rows")
    rows.write.mode("overwrite").parquet(outpath)
    print(f"{rows.count()} agenda rows written to {outpath}")
    spark.stop()


if __name__ == "__main__":
    main(*sys.argv[1:4])
