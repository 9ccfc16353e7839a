"""Uploads through the real form and download view: an HTML page or an executable named like a
PDF is refused beside the field and nothing is stored; a real PDF is stored under a generated
name and comes back only as a download (attachment, nosniff, no caching)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cso_registry.models import Membership
from tests.factories import MembershipFactory, ProposalFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
pytestmark = pytest.mark.django_db


@pytest.fixture
def member_client(client):
    proposal = ProposalFactory()
    member = MembershipFactory(cso=proposal.cso, role=Membership.Role.MEMBER).user
    client.force_login(member)
    client.proposal = proposal
    return client


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("計画書.pdf", b"<html><script>alert('kyodo-xss')</script></html>"),
        ("計画書.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),
        ("page.html", b"<html><body>hi</body></html>"),
        ("image.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
        ("計画書.PDF.exe", PDF),
    ],
)
def test_disguised_or_active_files_are_refused_beside_the_field(member_client, name, content):
    proposal = member_client.proposal
    response = member_client.post(
        reverse("proposals:my_attach", args=[proposal.pk]),
        {"file": SimpleUploadedFile(name, content, content_type="application/pdf")},
    )

    assert response.status_code == 400
    assert "file" in response.context["attachment_form"].errors
    assert not proposal.attachments.exists()


def test_a_real_pdf_is_stored_under_a_generated_name_and_downloaded_as_an_attachment(
    member_client,
):
    proposal = member_client.proposal
    response = member_client.post(
        reverse("proposals:my_attach", args=[proposal.pk]),
        {"file": SimpleUploadedFile("<b>計画書</b>.pdf", PDF, content_type="text/html")},
    )
    assert response.status_code == 302
    attachment = proposal.attachments.get()
    assert "計画書" not in attachment.file.name and attachment.file.name.endswith(".pdf")

    download = member_client.get(reverse("proposals:attachment_download", args=[attachment.pk]))

    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download["Cache-Control"]
    assert b"".join(download.streaming_content) == PDF
