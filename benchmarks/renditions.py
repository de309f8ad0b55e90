"""One 24-megapixel JPEG through the upload code path, then all 8 renditions.

    .venv/bin/python benchmarks/renditions.py [--rotated]

Prints wall time and the process's peak RSS. Target: under 2 s and 400 MB on one core.
The test photo is made in a child process, so its memory is not counted; the run uses
a throwaway SQLite database and media directory. --rotated sends the photo with EXIF
Orientation 6, which takes the re-encoding path instead of the lossless one.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
WIDTH, HEIGHT = 6000, 4000

MAKE_PHOTO = """
import sys
from PIL import Image
size = (6000, 4000)
# Smooth light and shade with sensor-like noise: compresses like a real photo (~8-12 MB).
light = Image.radial_gradient("L").resize(size, Image.Resampling.BICUBIC)
sky = Image.linear_gradient("L").rotate(90).resize(size, Image.Resampling.BICUBIC)
noise = Image.effect_noise(size, 24)
photo = Image.merge("RGB", (light, sky, Image.blend(light, noise, 0.5)))
photo = Image.blend(photo, Image.merge("RGB", (noise, noise, noise)), 0.25)
exif = Image.Exif()
exif[0x010F] = "Benchmark Camera"
exif[0x0112] = int(sys.argv[2])
gps = exif.get_ifd(0x8825)
gps.update({1: "N", 2: (43.0, 14.0, 0.0), 3: "E", 4: (76.0, 56.0, 0.0)})
photo.save(sys.argv[1], "JPEG", quality=90, exif=exif)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rotated", action="store_true", help="EXIF Orientation 6")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    work = Path(tempfile.mkdtemp(prefix="rendition-bench-"))
    source = work / "event.jpg"
    orientation = "6" if args.rotated else "1"
    subprocess.run([sys.executable, "-c", MAKE_PHOTO, str(source), orientation], check=True)

    os.environ.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{work / 'bench.sqlite3'}",
        MEDIA_ROOT=str(work / "media"),
        LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from media_credits import renditions
    from media_credits.upload import SharedFields, save_upload

    call_command("migrate", verbosity=0)
    uploaded = SimpleUploadedFile(source.name, source.read_bytes(), content_type="image/jpeg")
    baseline_rss = _peak_rss_mb()

    started = time.perf_counter()
    photo = save_upload(uploaded, shared=SharedFields(language="ru", credit="Benchmark"), user=None)
    uploaded_at = time.perf_counter()
    made = [
        renditions.get_rendition(photo, width=width, image_format=image_format)
        for width in (480, 800, 1200, 1600)
        for image_format in ("webp", "jpeg")
    ]
    finished = time.perf_counter()

    print(
        f"source: {WIDTH}x{HEIGHT} JPEG, {source.stat().st_size / 1e6:.1f} MB, "
        f"orientation {orientation}; stored {photo.width}x{photo.height}"
    )
    print(f"upload (decode, checks, strip/re-encode, save): {uploaded_at - started:.2f} s")
    print(
        f"8 renditions: {finished - uploaded_at:.2f} s "
        f"({', '.join(f'{r.width}.{r.image_format}' for r in made)})"
    )
    print(f"wall time: {finished - started:.2f} s")
    print(f"peak RSS: {_peak_rss_mb():.0f} MB (before the upload: {baseline_rss:.0f} MB)")


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return peak / 1024 if sys.platform != "darwin" else peak / 1024 / 1024


if __name__ == "__main__":
    main()
