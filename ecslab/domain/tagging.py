"""Tags on ECS resources, keyed by ARN (TagResource / UntagResource / ListTagsForResource)."""

from __future__ import annotations

from ..core.errors import InvalidParameterException, ResourceNotFoundException, error_for_code
from ..core.ids import parse_arn

__all__ = ["Tags", "MAX_TAGS"]

MAX_TAGS = 50


class Tags:
    def __init__(self, lab) -> None:
        self.lab = lab
        self._tags: dict[str, dict[str, str]] = {}

    def of(self, resource_arn: str) -> dict[str, str]:
        return dict(self._tags.get(resource_arn, {}))

    def _check_resource(self, resource_arn: str) -> None:
        parts = parse_arn(resource_arn)
        if not parts or parts["service"] != "ecs":
            raise InvalidParameterException("Invalid Arn")
        if any(getattr(d, "owns", None) and d.owns(resource_arn) for d in self.lab.domains):
            return
        if parts["resource"].startswith("cluster/"):
            raise error_for_code("ClusterNotFoundException")("Cluster not found.")
        raise ResourceNotFoundException("The specified resource could not be found.")

    @staticmethod
    def validate(tags: dict[str, str], existing: int = 0) -> None:
        for key, value in tags.items():
            if not 1 <= len(key) <= 128:
                raise InvalidParameterException(
                    "Tag keys must be between 1 and 128 characters long."
                )
            if len(value) > 256:
                raise InvalidParameterException("Tag values must be at most 256 characters long.")
            if key.lower().startswith("aws:"):
                raise InvalidParameterException(
                    "Tag keys beginning with 'aws:' are reserved for AWS use."
                )
        if existing + len(tags) > MAX_TAGS:
            raise InvalidParameterException(f"A resource can have at most {MAX_TAGS} tags.")

    def set(
        self,
        resource_arn: str,
        tags: dict[str, str],
        *,
        check: bool = True,
        cluster: str | None = None,
    ) -> None:
        """Add or overwrite tags (``check=False`` when the caller just created the resource)."""
        if check:
            self._check_resource(resource_arn)
        current = self._tags.get(resource_arn, {})
        self.validate(tags, existing=len(set(current) | set(tags)) - len(tags))
        if not tags:
            return
        self._tags.setdefault(resource_arn, {}).update(tags)
        self.lab.emit(
            "ResourceTagged", "ecs", cluster=cluster, resource=resource_arn, tags=dict(tags)
        )

    def remove(self, resource_arn: str, keys: list[str]) -> None:
        self._check_resource(resource_arn)
        current = self._tags.get(resource_arn, {})
        gone = [k for k in keys if k in current]
        for k in gone:
            del current[k]
        if gone:
            self.lab.emit("ResourceUntagged", "ecs", resource=resource_arn, keys=gone)

    def list(self, resource_arn: str) -> dict[str, str]:
        self._check_resource(resource_arn)
        return self.of(resource_arn)
