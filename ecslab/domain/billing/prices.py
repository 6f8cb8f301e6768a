"""Price book: shipped us-east-1 list prices, optionally overridden by a regional CSV.

Override CSV format (one row per price; ``Lab(prices="hk.csv")``)::

    item,unit,usd,source,as_of
    ec2:m5.large,hour,0.124,"my invoice",2026-10
    fargate:linux/x86_64/on_demand:vcpu,hour,0.05056,"aws.amazon.com/fargate/pricing",2026-10
    fargate:linux/x86_64/on_demand:gb,hour,0.00553,...
    fargate:ephemeral_gb,hour,0.000111,...
    ecr:storage_gb,month,0.10,...
    cloudwatch:metric,month,0.30,...

Items not in the CSV keep the shipped us-east-1 price and are marked so. ecslab never invents a
regional price: a lab outside us-east-1 without an override shows a note on every cost row.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import pandas as pd

from ...core import catalog

__all__ = ["PriceBook", "Price", "HOURS_PER_MONTH", "CW_METRIC_TIERS"]

HOURS_PER_MONTH = 730  # AWS prorates monthly prices over 730 hours
#: CloudWatch custom metrics, USD per metric-month (us-east-1; ecs_facts.md section J): (tier
#: width in metric-months, rate): first 10,000, next 240,000, next 750,000, then the rest.
CW_METRIC_TIERS = ((10_000, 0.30), (240_000, 0.10), (750_000, 0.05), (float("inf"), 0.02))
ECR_STORAGE_GB_MONTH = 0.10  # us-east-1, private repositories (ecs_facts.md section K; [V3])
SHIPPED_SOURCE = "us-east-1 list price shipped with ecslab"


@dataclass(frozen=True)
class Price:
    usd: float
    unit: str
    source: str


@dataclass
class PriceBook:
    region: str = "us-east-1"
    overrides: dict[str, Price] = field(default_factory=dict)

    @classmethod
    def for_lab(cls, region: str, path: str | os.PathLike | None = None) -> PriceBook:
        book = cls(region=region)
        if path is not None:
            df = pd.read_csv(path, comment="#")
            missing = {"item", "unit", "usd"} - set(df.columns)
            if missing:
                raise ValueError(
                    f"price CSV {path} lacks columns {sorted(missing)}; see ecslab.domain.billing.prices"
                )
            for row in df.itertuples(index=False):
                # Blank cells read as NaN: say "user price table" / "undated", never "nan".
                source, as_of = getattr(row, "source", None), getattr(row, "as_of", None)
                source = "user price table" if pd.isna(source) else str(source)
                as_of = "undated" if pd.isna(as_of) else str(as_of)
                book.overrides[str(row.item)] = Price(
                    float(row.usd), str(row.unit), f"{source} ({as_of})"
                )
        return book

    @property
    def note(self) -> str:
        """Shown with every cost table and chart when prices are not the lab region's."""
        if self.region == "us-east-1":
            return ""
        if self.overrides:
            return f"prices for {self.region} from the loaded price table; items it lacks use us-east-1 list prices"
        return f"us-east-1 list prices: ecslab ships no {self.region} prices (load a price table with Lab(prices=...))"

    def _get(self, item: str, shipped: float, unit: str) -> Price:
        if item in self.overrides:
            return self.overrides[item]
        src = (
            SHIPPED_SOURCE
            if self.region == "us-east-1"
            else f"{SHIPPED_SOURCE} (lab region {self.region})"
        )
        return Price(shipped, unit, src)

    def ec2_hourly(self, instance_type: str) -> Price:
        row = catalog.instance_type(instance_type)
        shipped = float("nan") if row is None else float(row["price_us_east_1"])
        return self._get(f"ec2:{instance_type}", shipped, "hour")

    def fargate(
        self, os_: str = "linux", arch: str = "x86_64", capacity: str = "on_demand"
    ) -> tuple[Price, Price]:
        """(per vCPU-hour, per GB-hour). A shipped figure whose status in the data file is
        unverified (Fargate Spot: its price floats) says so in its source."""
        key = f"fargate:{os_}/{arch}/{capacity}"
        if key + ":vcpu" in self.overrides and key + ":gb" in self.overrides:
            return self.overrides[key + ":vcpu"], self.overrides[key + ":gb"]
        fp = catalog.fargate_prices()
        row = fp[
            (fp.os == os_)
            & (fp.arch == arch)
            & (fp.capacity == capacity)
            & (fp.region == "us-east-1")
        ]
        if row.empty or pd.isna(row.iloc[0].usd_per_vcpu_hour):
            raise ValueError(
                f"ecslab ships no Fargate price for {os_}/{arch}/{capacity}"
                " (load one with Lab(prices=...))"
            )
        r = row.iloc[0]
        vcpu = self._get(key + ":vcpu", float(r.usd_per_vcpu_hour), "hour")
        gb = self._get(key + ":gb", float(r.usd_per_gb_hour), "hour")
        if "UNVERIFIED" in str(r.status).upper():
            mark = f"; UNVERIFIED figure ({r.status}, as of {r.as_of})"
            vcpu, gb = (
                p if p is self.overrides.get(k) else Price(p.usd, p.unit, p.source + mark)
                for p, k in ((vcpu, key + ":vcpu"), (gb, key + ":gb"))
            )
        return vcpu, gb

    def fargate_ephemeral_gb_hour(self) -> Price:
        fp = catalog.fargate_prices()
        return self._get(
            "fargate:ephemeral_gb",
            float(fp.usd_ephemeral_storage_per_gb_hour_above_20gib.iloc[0]),
            "hour",
        )

    def anywhere_instance_hour(self) -> Price:
        """ECS Anywhere: per registered external instance-hour (ecs_anywhere_pricing.csv,
        UNVERIFIED; AWS lists one figure, not per region)."""
        if "ecs:anywhere_instance" in self.overrides:
            return self.overrides["ecs:anywhere_instance"]
        path = os.path.join(
            os.path.dirname(catalog.__file__), "..", "data", "ecs_anywhere_pricing.csv"
        )
        row = pd.read_csv(path, comment="#").iloc[0]
        return Price(
            float(row["usd_per_instance_hour"]),
            "hour",
            f"{row['source']} ({row['date']}, {row['status']})",
        )

    def ecr_storage_gb_month(self) -> Price:
        return self._get("ecr:storage_gb", ECR_STORAGE_GB_MONTH, "month")

    def cloudwatch_metric_month(self, nth_metric: float = 1) -> Price:
        """Tiered: the rate for the tier that metric-month number ``nth_metric`` of the calendar
        month falls in (the tier table gives each tier's width: first 10,000, next 240,000 ...)."""
        upper, shipped = 0.0, CW_METRIC_TIERS[-1][1]
        for width, rate in CW_METRIC_TIERS:
            upper += width
            if nth_metric <= upper:
                shipped = rate
                break
        return self._get("cloudwatch:metric", shipped, "month")
