"""Serving private files: inline evidence sandboxed, attachments named, chunks streamed, nginx offload, S3."""

import boto3
import pytest
from django.urls import reverse
from moto import mock_aws

from assessment import services
from tests.factories import PDF_BYTES, PNG_BYTES, upload

NAME_HEADER = "filename*=utf-8''%E9%AA%8C%E6%94%B6%20%E6%8A%A5%E5%91%8A.pdf"  # 验收 报告.pdf


@pytest.fixture
def client_a(client, official_a):
    client.force_login(official_a)
    return client


def _evidence(item, official, content=PDF_BYTES, name="验收 报告.pdf"):
    return services.add_evidence(item, user=official, upload=upload(name, content), description="报告")


def test_inline_evidence_is_sandboxed(client_a, item, official_a):
    evidence = _evidence(item, official_a)
    response = client_a.get(reverse("evidence", args=[evidence.pk]), {"inline": "1"})
    assert response["Content-Security-Policy"] == "sandbox; frame-ancestors 'self'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "inline; " + NAME_HEADER
    assert response["X-Frame-Options"] == "SAMEORIGIN"  # the review page frames it


def test_inline_image_is_sandboxed_too(client_a, item, official_a):
    evidence = _evidence(item, official_a, PNG_BYTES, "点位.png")
    response = client_a.get(reverse("evidence", args=[evidence.pk]), {"inline": "1"})
    assert (response["Content-Security-Policy"], response["Content-Type"]) == ("sandbox; frame-ancestors 'self'", "image/png")


def test_evidence_without_inline_is_an_attachment(client_a, item, official_a):
    evidence = _evidence(item, official_a)
    response = client_a.get(reverse("evidence", args=[evidence.pk]))
    assert response["Content-Disposition"] == "attachment; " + NAME_HEADER
    assert response["X-Content-Type-Options"] == "nosniff"


def test_download_streams_in_chunks(client_a, item, official_a):
    content = PDF_BYTES + b"0" * 300_000
    evidence = _evidence(item, official_a, content)
    response = client_a.get(reverse("evidence", args=[evidence.pk]))
    chunks = list(response.streaming_content)
    assert b"".join(chunks) == content
    assert max(len(chunk) for chunk in chunks) == 64 * 1024
    assert response["Content-Length"] == str(len(content))


def test_local_storage_behind_nginx_answers_with_x_accel_redirect(client_a, item, official_a, settings):
    settings.DOWNLOAD_X_ACCEL_PREFIX = "/protected-media/"
    evidence = _evidence(item, official_a)
    response = client_a.get(reverse("evidence", args=[evidence.pk]), {"inline": "1"})
    assert response["X-Accel-Redirect"] == "/protected-media/" + evidence.file.name
    assert response.content == b""
    assert response["Content-Disposition"] == "inline; " + NAME_HEADER
    assert response["Content-Security-Policy"] == "sandbox; frame-ancestors 'self'"


@pytest.fixture
def bucket(settings):
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="evidence")
        settings.STORAGES = settings.STORAGES | {"default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "evidence", "access_key": "test", "secret_key": "test",
                        "region_name": "us-east-1", "default_acl": None, "file_overwrite": False},
        }}
        settings.DOWNLOAD_X_ACCEL_PREFIX = "/protected-media/"  # ignored: nginx cannot read a bucket
        yield boto3.client("s3", region_name="us-east-1")


def test_s3_evidence_is_private_and_streamed_through_the_view(client_a, item, official_a, bucket):
    content = PDF_BYTES + b"1" * 200_000
    evidence = _evidence(item, official_a, content)
    grants = bucket.get_object_acl(Bucket="evidence", Key=evidence.file.name)["Grants"]
    assert [grant["Grantee"]["Type"] for grant in grants] == ["CanonicalUser"]  # the owner only
    response = client_a.get(reverse("evidence", args=[evidence.pk]))
    assert "X-Accel-Redirect" not in response
    chunks = list(response.streaming_content)
    assert b"".join(chunks) == content
    assert len(chunks) == 4


def test_a_file_missing_from_the_storage_is_a_404(client_a, item, official_a):
    evidence = _evidence(item, official_a)
    evidence.file.storage.delete(evidence.file.name)
    assert client_a.get(reverse("evidence", args=[evidence.pk])).status_code == 404


def test_a_file_missing_from_the_bucket_is_a_404(client_a, item, official_a, bucket):
    evidence = _evidence(item, official_a)
    bucket.delete_object(Bucket="evidence", Key=evidence.file.name)
    assert client_a.get(reverse("evidence", args=[evidence.pk])).status_code == 404
