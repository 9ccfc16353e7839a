"""Uploads in S3-compatible object storage (django-storages), when S3_BUCKET is set.

Every host of the portal then reads and writes the same files: a file uploaded through one node
is downloaded through another. Nothing in the bucket is public: a private file is handed out by
the permission-checked download view, which either streams it or — with S3_PRESIGNED_DOWNLOADS —
answers with a redirect to a presigned URL that lives S3_PRESIGNED_SECONDS and makes the
browser save the file under its original name (``kyodo_portal.uploads.attachment_response``).
"""

from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """Confidential attachments, under the ``private/`` prefix of the bucket."""

    def presigned_download_url(self, name, *, content_type, content_disposition, seconds):
        """A GET URL valid for ``seconds`` whose answer carries our type and disposition,
        whatever the object's metadata says."""
        return self.url(
            name,
            parameters={
                "ResponseContentType": content_type,
                "ResponseContentDisposition": content_disposition,
                "ResponseCacheControl": "private, no-store",
            },
            expire=seconds,
        )

    def check_reachable(self):
        """Raise unless the bucket answers with these credentials (for /readyz)."""
        self.connection.meta.client.head_bucket(Bucket=self.bucket_name)
