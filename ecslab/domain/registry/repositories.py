"""ECR repositories, their layers and images, and the registry's login token.

Storage over time is in the event table for billing: every fact that changes what a repository
stores carries ``stored_bytes``, the repository's total after the change (ECR bills compressed
image bytes per GB-month), so "bytes stored per repository over time" is the last
``stored_bytes`` per repository at each moment.
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import hmac
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ...core.errors import error_for_code
from ...core.ids import arn
from .images import Image, ImageOps
from .uploads import LayerUploadOps

__all__ = ["Registry", "Repository", "REPOSITORY_NAME_RE", "TOKEN_LIFETIME"]

#: ECR's repository-name pattern (botocore model), anchored.
REPOSITORY_NAME_RE = re.compile(
    r"^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$"
)
TOKEN_LIFETIME = timedelta(hours=12)  # [V] ecs_facts K
MUTABILITY = ("MUTABLE", "IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION", "MUTABLE_WITH_EXCLUSION")
ENCRYPTION = ("AES256", "KMS", "KMS_DSSE")

InvalidParameterException = error_for_code("InvalidParameterException")
RepositoryAlreadyExistsException = error_for_code("RepositoryAlreadyExistsException")
RepositoryNotFoundException = error_for_code("RepositoryNotFoundException")
RepositoryNotEmptyException = error_for_code("RepositoryNotEmptyException")


@dataclass
class Repository:
    name: str
    arn: str
    uri: str
    created_at: datetime
    tag_mutability: str = "MUTABLE"
    exclusion_filters: list[str] = field(default_factory=list)
    scan_on_push: bool = False
    encryption_type: str = "AES256"
    kms_key: str | None = None
    tags: list[dict[str, str]] = field(default_factory=list)
    images: dict[str, Image] = field(default_factory=dict)  # digest -> image, in push order
    tag_index: dict[str, str] = field(default_factory=dict)  # tag -> digest
    layers: dict[str, int] = field(default_factory=dict)  # blob digest -> size, as uploaded
    uploads: dict[str, bool] = field(default_factory=dict)  # open ECR-API layer uploads

    @property
    def stored_bytes(self) -> int:
        return sum(img.size_bytes for img in self.images.values())

    def tag_is_immutable(self, tag: str) -> bool:
        """IMMUTABLE, or a *_WITH_EXCLUSION mode where the tag's filter flips the rule."""
        excluded = any(fnmatch.fnmatchcase(tag, f) for f in self.exclusion_filters)
        if self.tag_mutability == "IMMUTABLE":
            return True
        if self.tag_mutability == "IMMUTABLE_WITH_EXCLUSION":
            return not excluded
        if self.tag_mutability == "MUTABLE_WITH_EXCLUSION":
            return excluded
        return False


class Registry(ImageOps, LayerUploadOps):
    """``lab.ecr``: the account's private registry in the lab's region."""

    def __init__(self, lab) -> None:
        self.lab = lab
        self._repos: dict[str, Repository] = {}

    # -- names -----------------------------------------------------------------------------------

    @property
    def registry_id(self) -> str:
        return self.lab.account_id

    @property
    def host(self) -> str:
        return f"{self.lab.account_id}.dkr.ecr.{self.lab.region}.amazonaws.com"

    @property
    def proxy_endpoint(self) -> str:
        return f"https://{self.host}"

    def not_found(self, name: str) -> Exception:
        return RepositoryNotFoundException(
            f"The repository with name '{name}' does not exist in the registry with id '{self.registry_id}'"
        )

    def check_registry_id(self, registry_id: str | None, name: str) -> None:
        if registry_id is not None and registry_id != self.registry_id:
            # Other accounts' registries are not simulated: nothing is found there.
            raise RepositoryNotFoundException(
                f"The repository with name '{name}' does not exist in the registry with id '{registry_id}'"
            )

    # -- lookups ---------------------------------------------------------------------------------

    def find(self, name: str) -> Repository | None:
        return self._repos.get(name)

    def get(self, name: str) -> Repository:
        repo = self._repos.get(name)
        if repo is None:
            raise self.not_found(name)
        return repo

    def all(self) -> list[Repository]:
        return list(self._repos.values())

    def by_arn(self, resource_arn: str) -> Repository | None:
        # (not ``owns``: that hook is the ECS tagging API's, and ECR ARNs are not ECS resources)
        return next((r for r in self._repos.values() if r.arn == resource_arn), None)

    # -- repositories ----------------------------------------------------------------------------

    def create(
        self,
        name: str,
        *,
        tag_mutability: str | None = None,
        exclusion_filters: list[str] | None = None,
        scan_on_push: bool = False,
        encryption_type: str | None = None,
        kms_key: str | None = None,
        tags: list[dict[str, str]] | None = None,
    ) -> Repository:
        if not (2 <= len(name) <= 256) or not REPOSITORY_NAME_RE.match(name):
            raise InvalidParameterException(
                "Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy "
                "regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*''"
            )
        mutability = tag_mutability or "MUTABLE"
        if mutability not in MUTABILITY:
            raise InvalidParameterException(
                f"Invalid parameter at 'imageTagMutability' failed to satisfy constraint: "
                f"'Member must satisfy enum value set: {list(MUTABILITY)}'"
            )
        filters = list(exclusion_filters or [])
        if filters and not mutability.endswith("_WITH_EXCLUSION"):
            raise InvalidParameterException(
                "imageTagMutabilityExclusionFilters can only be specified with "
                "IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION"
            )
        if mutability.endswith("_WITH_EXCLUSION") and not filters:
            raise InvalidParameterException(
                f"imageTagMutabilityExclusionFilters are required with {mutability}"
            )
        enc = encryption_type or "AES256"
        if enc not in ENCRYPTION:
            raise InvalidParameterException(
                f"Invalid parameter at 'encryptionType' failed to satisfy constraint: "
                f"'Member must satisfy enum value set: {list(ENCRYPTION)}'"
            )
        if kms_key and enc == "AES256":
            raise InvalidParameterException(
                "Invalid parameter at 'encryptionConfiguration': kmsKey can only be specified "
                "when encryptionType is KMS or KMS_DSSE"
            )
        if enc != "AES256" and not kms_key:
            # The AWS managed key for ECR (its exact ARN is a key id; the alias stands in).
            kms_key = arn("kms", self.lab.region, self.lab.account_id, "alias/aws/ecr")
        if name in self._repos:
            raise RepositoryAlreadyExistsException(
                f"The repository with name '{name}' already exists in the registry with id '{self.registry_id}'"
            )
        repo = Repository(
            name=name,
            arn=arn("ecr", self.lab.region, self.lab.account_id, f"repository/{name}"),
            uri=f"{self.host}/{name}",
            created_at=self.lab.now,
            tag_mutability=mutability,
            exclusion_filters=filters,
            scan_on_push=bool(scan_on_push),
            encryption_type=enc,
            kms_key=kms_key if enc != "AES256" else None,
            tags=[dict(t) for t in tags or []],
        )
        self._repos[name] = repo
        self.lab.emit(
            "RepositoryCreated",
            "ecr",
            resource=repo.arn,
            repository=name,
            tag_mutability=mutability,
            scan_on_push=repo.scan_on_push,
            encryption_type=enc,
            stored_bytes=0,
        )
        return repo

    def delete(self, name: str, *, force: bool = False) -> Repository:
        repo = self.get(name)
        if repo.images and not force:
            raise RepositoryNotEmptyException(
                f"The repository with name '{name}' in registry with id '{self.registry_id}' "
                "cannot be deleted because it still contains images"
            )
        released = repo.stored_bytes
        del self._repos[name]
        self.lab.emit(
            "RepositoryDeleted",
            "ecr",
            resource=repo.arn,
            repository=name,
            images_deleted=len(repo.images),
            released_bytes=released,
            stored_bytes=0,
        )
        return repo

    # -- login -----------------------------------------------------------------------------------

    def _key(self) -> bytes:
        return hashlib.sha256(
            f"ecslab-ecr:{self.lab.seed}:{self.lab.account_id}:{self.lab.region}".encode()
        ).digest()

    def login_password(self) -> tuple[str, datetime]:
        """The registry password and its expiry: a pure function of the lab's seed and clock."""
        expires = self.lab.now + TOKEN_LIFETIME
        payload = json.dumps(
            {"account": self.lab.account_id, "expiration": int(expires.timestamp())},
            sort_keys=True,
            separators=(",", ":"),
        )
        mac = hmac.new(self._key(), payload.encode(), hashlib.sha256).hexdigest()
        doc = {"payload": payload, "datakey": mac, "version": "2", "type": "DATA_KEY"}
        password = base64.b64encode(json.dumps(doc, sort_keys=True).encode()).decode()
        return password, expires

    def authorization_token(self) -> tuple[str, datetime]:
        password, expires = self.login_password()
        return base64.b64encode(f"AWS:{password}".encode()).decode(), expires

    def check_login(self, username: str, password: str) -> bool:
        """True when ``AWS``/``password`` is a token this lab issued that has not expired."""
        if username != "AWS":
            return False
        try:
            doc = json.loads(base64.b64decode(password, validate=True))
            payload = doc["payload"]
            expected = hmac.new(self._key(), payload.encode(), hashlib.sha256).hexdigest()
            if not hmac.compare_digest(expected, str(doc["datakey"])):
                return False
            return self.lab.now.timestamp() < json.loads(payload)["expiration"]
        except Exception:
            return False
