"""ECS account settings (awsvpcTrunking, containerInsights, ...)."""

from __future__ import annotations

from .paging import page
from .registry import handler


def setting_out(s) -> dict:
    return {"name": s.name, "value": s.value, "principalArn": s.principal_arn, "type": s.type}


@handler("ecs", "PutAccountSetting")
def put_account_setting(lab, p):
    s = lab.account_settings.put(p["name"], p["value"], p.get("principalArn"))
    return {"setting": setting_out(s)}


@handler("ecs", "PutAccountSettingDefault")
def put_account_setting_default(lab, p):
    return {"setting": setting_out(lab.account_settings.put_default(p["name"], p["value"]))}


@handler("ecs", "DeleteAccountSetting")
def delete_account_setting(lab, p):
    return {"setting": setting_out(lab.account_settings.delete(p["name"], p.get("principalArn")))}


@handler("ecs", "ListAccountSettings")
def list_account_settings(lab, p):
    settings = lab.account_settings.list(p.get("principalArn"), bool(p.get("effectiveSettings")))
    if p.get("name"):
        settings = [s for s in settings if s.name == p["name"]]
    if p.get("value"):
        settings = [s for s in settings if s.value == p["value"]]
    chunk, token = page([setting_out(s) for s in settings], p, default_max=10, max_limit=10)
    return {"settings": chunk, "nextToken": token}
