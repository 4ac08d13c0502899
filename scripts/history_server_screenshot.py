"""Body of scripts/history-server-screenshot: event log -> History Server -> PNG."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests" / "pyspark"), str(REPO / "tests" / "deploy")]

import history_server  # noqa: E402
import sk8_servers  # noqa: E402

QUERY = """
SELECT c.tier, count(*) AS orders, sum(o.amount) AS revenue
FROM orders o JOIN customers c ON o.customer_id = c.customer_id
WHERE o.amount > 10
GROUP BY c.tier
ORDER BY c.tier
""".strip()


def main(out: Path) -> None:
    from pyspark.sql import SparkSession

    with tempfile.TemporaryDirectory(prefix="sk8-events-") as folder:
        server = sk8_servers.start_sk8(extra_args=[
            "--conf", "spark.eventLog.enabled=true", "--conf", f"spark.eventLog.dir=file:{folder}",
            "--conf", "spark.app.name=sk8"])
        try:
            spark = SparkSession.builder.remote(server.url).create()
            spark.range(200_000).selectExpr("id AS order_id", "id % 1000 AS customer_id",
                                            "(id % 97) * 1.5 AS amount").createOrReplaceTempView("orders")
            spark.range(1000).selectExpr("id AS customer_id", "CASE WHEN id % 3 = 0 THEN 'gold' ELSE 'basic' END AS tier"
                                         ).createOrReplaceTempView("customers")
            spark.sql(QUERY).collect()
            spark.stop()
        finally:
            assert server.stop() == 0, server.describe_death()
        shs = history_server.start(Path(folder))
        try:
            [app] = shs.applications()
            [execution] = shs.get(f"applications/{app['id']}/sql")
            out.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(prefix="sk8-chromium-") as profile:
                subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                f"--user-data-dir={profile}", "--window-size=1100,1250",
                                # The plan graph is drawn by the page's scripts.
                                "--virtual-time-budget=8000", f"--screenshot={out.resolve()}",
                                f"{shs.url}/history/{app['id']}/SQL/execution/?id={execution['id']}"],
                               check=True, capture_output=True, timeout=120)
        finally:
            shs.stop()
    print(out)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
