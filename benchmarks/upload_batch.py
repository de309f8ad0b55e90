"""One upload of 100 large photos through the admin upload view: how long the request takes.

    .venv/bin/python benchmarks/upload_batch.py [--files 100] [--megapixels 24]

Target (issue 9): a batch of 100 photos answers within a few seconds whatever their size.
The request checks headers only and enqueues; the worker does the decoding later, so the
time should not grow with the pixels. The files are real JPEGs of the given size (one
generated photo sent under 100 names; the view cannot know). Uses a throwaway SQLite
database and media directory, Django's test client (multipart parsing, temporary files,
storage, database and task rows included), and the database task backend; then times
the worker's task on a few of the photos for comparison.
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# benchmarks/http.py would shadow the standard library's http package.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(BASE_DIR))
from benchmarks.throwaway_site import setup_django  # noqa: E402

MAKE_PHOTO = """
import sys
from PIL import Image
width, height = int(sys.argv[2]), int(sys.argv[3])
light = Image.radial_gradient("L").resize((width, height), Image.Resampling.BICUBIC)
sky = Image.linear_gradient("L").rotate(90).resize((width, height), Image.Resampling.BICUBIC)
noise = Image.effect_noise((width, height), 12)
photo = Image.merge("RGB", (light, sky, Image.blend(light, noise, 0.3)))
photo.save(sys.argv[1], "JPEG", quality=80)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--megapixels", type=float, default=24)
    args = parser.parse_args()
    width = round((args.megapixels * 1e6 * 3 / 2) ** 0.5)
    height = round(width * 2 / 3)

    work = Path(tempfile.mkdtemp(prefix="upload-bench-"))
    source = work / "event.jpg"
    subprocess.run(
        [sys.executable, "-c", MAKE_PHOTO, str(source), str(width), str(height)], check=True
    )
    setup_django(
        work, DATA_UPLOAD_MAX_NUMBER_FILES=str(max(100, args.files)), ALLOWED_HOSTS="testserver"
    )
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from media_credits.models import Photo, Photographer
    from media_credits.upload import process_upload
    from newsroom import roles

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user("bench", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.PHOTOGRAPHER))
    photographer = Photographer.objects.create(
        name_ru="Аманкул Дюсенбаев", gender="male", user=user
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    data = source.read_bytes()
    files = [
        SimpleUploadedFile(f"event-{n:03d}.jpg", data, "image/jpeg") for n in range(args.files)
    ]
    form = {"language": "ru", "usage_terms": "staff", "photographer": photographer.pk}

    started = time.perf_counter()
    response = client.post(reverse("admin:media_credits_photo_upload"), {**form, "files": files})
    seconds = time.perf_counter() - started

    assert response.status_code == 302, response.status_code
    pending = Photo.objects.filter(state=Photo.State.PENDING).count()
    assert pending == args.files, pending
    total_mb = len(data) * args.files / 1e6
    print(
        f"{args.files} JPEGs of {width}x{height} ({len(data) / 1e6:.1f} MB each, "
        f"{total_mb:.0f} MB): the upload request took {seconds:.2f} s "
        f"({1000 * seconds / args.files:.0f} ms a file); {pending} photos pending"
    )
    sample = list(Photo.objects.order_by("id")[:3])
    started = time.perf_counter()
    for photo in sample:
        process_upload(photo.pk)
    each = (time.perf_counter() - started) / len(sample)
    print(
        f"the worker's task: {each:.2f} s a photo, so ~{each * args.files:.0f} s for the batch "
        "off the request path"
    )


if __name__ == "__main__":
    main()
