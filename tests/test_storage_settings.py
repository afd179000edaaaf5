"""S3 storage is all or nothing: a partial configuration stops the portal instead of silently using local disk."""

from tests.test_settings import _check


def test_partial_s3_settings_refuse_to_start():
    result = _check({"DJANGO_DEBUG": "1", "S3_BUCKET": "evidence"})
    assert result.returncode != 0
    assert "S3 storage needs all of S3_ENDPOINT_URL, S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY." in result.stderr


def test_full_s3_settings_start():
    s3 = {"S3_ENDPOINT_URL": "http://127.0.0.1:9", "S3_BUCKET": "evidence", "S3_ACCESS_KEY_ID": "k",
          "S3_SECRET_ACCESS_KEY": "s"}
    assert _check({"DJANGO_DEBUG": "1", **s3}).returncode == 0

