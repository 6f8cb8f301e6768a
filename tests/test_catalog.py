from ecslab.core import catalog


def test_instance_type_rows_and_registered_resources():
    m5 = catalog.instance_type("m5.large")
    assert (m5["vcpu"], m5["memory_mib"], m5["arch"], m5["max_enis"]) == (2, 8192, "x86_64", 3)
    assert (m5["trunk_tasks_without"], m5["trunk_tasks_with"]) == (2, 10)
    assert m5["registered_cpu"] == 2048
    # The documented m4.large example: 8 GiB nominal registers 7985 MiB.
    assert m5["registered_memory_mib"] == 7985
    assert m5["price_us_east_1"] == 0.096
    t3 = catalog.instance_type("t3.medium")
    assert t3["trunk_tasks_with"] is None and t3["trunk_tasks_without"] == 2
    g = catalog.instance_type("m7g.large")
    assert g["arch"] == "arm64" and g["price_us_east_1"] == 0.0816
    assert catalog.instance_type("x9.huge") is None


def test_registered_memory_with_reserve():
    assert catalog.registered_memory_mib(8192, 256) == 7985 - 256


def test_catalog_tables():
    df = catalog.instance_types()
    assert len(df) == 52
    assert not df.loc[df.family.isin(["t3", "t3a"]), "trunking_supported"].any()
    assert df.loc[~df.family.isin(["t3", "t3a"]), "trunking_supported"].all()
    eni = catalog.eni_trunking()
    assert eni.loc["c5.large", "tasks_with_trunking"] == 10
    assert (
        eni["tasks_with_trunking"].dropna().min() >= 0
    )  # the doc's i4i.large "-2" is not modelled
    fp = catalog.fargate_prices()
    row = fp[(fp.arch == "x86_64") & (fp.os == "linux") & (fp.capacity == "on_demand")].iloc[0]
    assert (row.usd_per_vcpu_hour, row.usd_per_gb_hour) == (0.04048, 0.004445)
