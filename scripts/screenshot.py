"""Save the README's screenshot: the app on the seed with its gold annotation.

    python scripts/screenshot.py [docs/screenshot.svg]

The SVG is written by the app itself (App.export_screenshot).
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotator.schema import default_schema  # noqa: E402
from annotator.tui.app import AnnotatorApp  # noqa: E402


async def main(out: Path) -> None:
    tmp = Path(tempfile.mkdtemp())
    shutil.copytree(ROOT / "annotations", tmp / "annotations")
    app = AnnotatorApp(
        [ROOT / "seeds" / "sdf-captures-deir-el-zor.txt"],
        annotations_dir=tmp / "annotations",
        schema=default_schema(),
        user="you",
    )
    async with app.run_test(size=(130, 34)) as pilot:
        await pilot.press("slash", *"captured", "enter", "escape", "e")  # make the Capture event active
        await pilot.pause()
        svg = app.export_screenshot(title="annotator")
    out.write_text(svg, encoding="utf-8")
    print(out)


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshot.svg"))
