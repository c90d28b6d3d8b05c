"""Reports as printed pages, with the tools an office machine has: headless Chromium prints the HTML gap
report (A4, running headers from its CSS), LibreOffice turns the Word documents into PDF, and poppler's
pdftoppm makes page images. All optional: used by the tests and by `docs/screenshots.py`, never by the
nightly run."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from auditor.browser import CHROMIUM_FLAGS, chromium

FONTS_CONF = Path(__file__).parent / "fonts.conf"  # 宋体/仿宋/黑体 → Noto CJK SC


def office() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    browser = chromium()
    if browser is None:
        raise FileNotFoundError("chromium is not installed")
    return subprocess.run(
        [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=180,
    )


def html_to_pdf(html: Path, pdf: Path) -> Path:
    """Print as a person would from the browser, without the browser's own header and footer."""
    with tempfile.TemporaryDirectory() as profile:
        _chromium(["--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.resolve().as_uri()], Path(profile))
    if not pdf.exists():
        raise RuntimeError(f"chromium did not print {html}")
    return pdf


def screenshot(html: Path, png: Path, width: int = 1000, height: int = 1400) -> Path:
    with tempfile.TemporaryDirectory() as profile:
        _chromium(
            [f"--window-size={width},{height}", f"--screenshot={png}", html.resolve().as_uri()], Path(profile)
        )
    return png


def docx_to_pdf(docx: Path, out_dir: Path) -> Path:
    """LibreOffice's rendering of a Word file, with the Chinese office fonts mapped to Noto CJK SC."""
    soffice = office()
    if soffice is None:
        raise FileNotFoundError("LibreOffice is not installed")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        env = {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF)} if FONTS_CONF.exists() else None
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out_dir),
                str(docx),
            ],
            capture_output=True,
            timeout=180,
            env=env,
        )
    pdf = out_dir / (docx.stem + ".pdf")
    if not pdf.exists():
        raise RuntimeError(f"LibreOffice did not convert {docx}")
    return pdf


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page (pdftotext -layout), in order."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def pdf_page_size(pdf: Path) -> tuple[float, float]:
    info = subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size:"))
    w, _, h = size.split(":", 1)[1].split()[:3]
    return float(w), float(h)


def pdf_to_png(pdf: Path, prefix: Path, first: int = 1, last: int = 1, dpi: int = 60) -> list[Path]:
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-f", str(first), "-l", str(last), str(pdf), str(prefix)],
        capture_output=True,
        timeout=120,
        check=True,
    )
    return sorted(prefix.parent.glob(prefix.name + "-*.png"))
