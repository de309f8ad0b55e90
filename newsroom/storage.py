"""Media on S3-compatible object storage: private originals, public renditions.

One bucket holds both. Originals (``photos/``) keep the bucket's default, private ACL and
are linked, from the admin only, by short-lived signed URLs: an unpublished photo cannot
be fetched by anyone who does not hold such a link. Renditions (``renditions/``) are
readable by anyone through a bucket policy on that prefix (see the README) and linked by
plain, stable URLs a CDN can cache: their names carry an HMAC token, so the renditions of
photos no public page shows cannot be guessed, and they are deleted when a photo stops
being public.
"""

from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

#: Name prefixes served to the public at plain URLs; everything else is signed.
PUBLIC_PREFIXES = ("renditions/",)


class MediaStorage(S3Storage):
    """S3Storage with signed URLs for originals and plain (CDN-cacheable) URLs for renditions."""

    # S3 has no create-if-absent: with overwriting on, two first requests for one
    # rendition would write one object and the loser's clean-up would delete it.
    file_overwrite = False
    #: Cache-Control stored with each rendition, sent by the bucket and any CDN in front.
    public_cache_control = "public, max-age=3600"

    def get_default_settings(self):
        # Class attributes are the defaults (BaseStorage keeps them); OPTIONS override.
        return {**super().get_default_settings(), "public_cache_control": None}

    def is_public(self, name: str) -> bool:
        return clean_name(name).startswith(PUBLIC_PREFIXES)

    def get_object_parameters(self, name):
        params = super().get_object_parameters(name)
        if self.is_public(name):
            params.setdefault("CacheControl", self.public_cache_control)
        return params

    def url(self, name, parameters=None, expire=None, http_method=None):
        if not self.is_public(name) or parameters or http_method:
            # Originals go to the bucket itself, signed, never through the custom domain:
            # a CDN would cache them for anyone.
            return self._signed_url(name, parameters, expire, http_method)
        return self._public_base_url() + filepath_to_uri(self._normalize_name(clean_name(name)))

    def _signed_url(self, name, parameters, expire, http_method):
        params = {
            **(parameters or {}),
            "Bucket": self.bucket_name,
            "Key": self._normalize_name(clean_name(name)),
        }
        return self.connection.meta.client.generate_presigned_url(
            "get_object",
            Params=params,
            ExpiresIn=self.querystring_expire if expire is None else expire,
            HttpMethod=http_method,
        )

    def _public_base_url(self) -> str:
        """The URL of the bucket's root, ending in "/"; built once (pages link many renditions)."""
        base = getattr(self, "_public_base", None)
        if base is None:
            if self.custom_domain:
                base = f"{self.url_protocol}//{self.custom_domain}/"
            else:
                # botocore knows the endpoint and addressing style: ask it for one key's
                # unsigned URL and keep what precedes the key.
                marker = "newsroom-url-base"
                url = self.unsigned_connection.meta.client.generate_presigned_url(
                    "get_object", Params={"Bucket": self.bucket_name, "Key": marker}
                )
                base = url.split("?", 1)[0].removesuffix(marker)
            self._public_base = base
        return base
