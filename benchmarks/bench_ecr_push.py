"""ECR push throughput: build + push an image with an 8 MiB incompressible layer through the
in-process registry path, and (when skopeo is installed) through skopeo over loopback HTTP.

Target: 20 MB/s (a learner's 100 MB image pushes in under 5 s). Prints MB/s and the ratio.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import tempfile
import time

import numpy as np

from ecslab import Lab
from ecslab.registry import build_image, serve_registry

TARGET_MB_S = 20.0
SIZE = 8 * 1024 * 1024


def main() -> None:
    data = np.random.default_rng(1).integers(0, 256, SIZE, dtype=np.uint8).tobytes()
    lab = Lab(seed=1)
    lab.client("ecr").create_repository(repositoryName="bench")
    t0 = time.perf_counter()
    image = build_image("FROM scratch\nCOPY blob /blob", files={"blob": data})
    t1 = time.perf_counter()
    image.push(lab, "bench", "v1")
    t2 = time.perf_counter()
    mb = sum(len(b) for _, b in image.blobs()) / 1e6
    print(f"build {mb:.1f} MB image: {t1 - t0:.3f} s")
    rate = mb / (t2 - t1)
    print(
        f"in-process push: {t2 - t1:.3f} s = {rate:.0f} MB/s (ratio to {TARGET_MB_S:.0f} MB/s target: {rate / TARGET_MB_S:.1f}x)"
    )
    if shutil.which("skopeo") is None:
        print("skopeo not installed: skipping the loopback push figure")
        return
    server, host = serve_registry(lab)
    with tempfile.TemporaryDirectory() as tmp:
        image.write_oci_layout(f"{tmp}/oci", "v1")
        token = lab.client("ecr").get_authorization_token()["authorizationData"][0]
        pw = base64.b64decode(token["authorizationToken"]).decode().split(":", 1)[1]
        auth = ["--authfile", f"{tmp}/auth.json"]
        subprocess.run(
            ["skopeo", "login", *auth, "-u", "AWS", "--password-stdin", "--tls-verify=false", host],
            input=pw,
            text=True,
            check=True,
            capture_output=True,
        )
        lab.client("ecr").create_repository(repositoryName="bench2")
        t3 = time.perf_counter()
        subprocess.run(
            [
                "skopeo",
                "copy",
                *auth,
                f"oci:{tmp}/oci:v1",
                f"docker://{host}/bench2:v1",
                "--dest-tls-verify=false",
            ],
            check=True,
            capture_output=True,
        )
        t4 = time.perf_counter()
    server.shutdown()
    rate = mb / (t4 - t3)
    print(
        f"skopeo push over loopback: {t4 - t3:.3f} s = {rate:.0f} MB/s (ratio to target: {rate / TARGET_MB_S:.1f}x)"
    )


if __name__ == "__main__":
    main()
