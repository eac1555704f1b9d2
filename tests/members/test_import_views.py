"""The upload page, the job page with its progress, and the error report (members.import_views)."""

import csv
import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from chibo.members.interchange.tasks import job_run
from chibo.members.models import ImportJob, Member

from .test_interchange_members import HEADER, counts
from .test_interchange_readers import csv_bytes, write_xlsx

GOOD = [
    "M-400",
    "Trịnh Văn Tư",
    "1992-04-04",
    "Nam",
    "",
    "C2",
    "2018-01-02",
    "2019-02-03",
    "worker",
    "",
]
BAD = ["M-401", "Trịnh Văn Năm", "1992-02-30", "Nam", "", "C2", "2018-01-02", "", "", ""]
UPLOAD = reverse("members:import")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(rows: list[list[str]], name: str = "roster.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_bytes(rows), content_type="text/csv")


def post(client, rows, *, kind="members", org="D1", name="roster.csv"):  # type: ignore[no-untyped-def]
    return client.post(UPLOAD, {"kind": kind, "org": org, "file": upload(rows, name)})


def test_the_page_offers_the_upload_and_the_menu_links_it(client_for):
    alice = client_for("alice")
    page = alice.get(UPLOAD)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'enctype="multipart/form-data"' in html and "Huyện ủy A (D1)" in html
    assert f'href="{UPLOAD}"' in alice.get(reverse("members:list")).content.decode()


def test_the_menu_has_no_import_for_those_who_only_read(client_for):
    sam = client_for("sam")
    assert f'href="{UPLOAD}"' not in sam.get(reverse("members:list")).content.decode()
    assert sam.get(UPLOAD).status_code == 404


def test_a_good_file_is_imported_and_the_job_says_done(world, client_for):
    alice = client_for("alice")
    response = post(alice, [HEADER, GOOD])
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("members:import_job", args=[job.pk])
    assert (job.status, job.kind, job.org.code, job.created_by) == (
        "done",
        "members",
        "D1",
        world.users["alice"],
    )
    assert job.file.name.startswith("imports/") and (settings.MEDIA_ROOT / job.file.name).exists()
    assert (job.rows_done, job.result["created"]) == (1, 1)
    member = Member.objects.get(member_code="M-400")
    assert (member.org.code, member.status) == ("C2", "official")
    page = alice.get(response["Location"]).content.decode()
    assert 'data-status="done"' in page and "hx-trigger" not in page
    assert "roster.csv" in alice.get(UPLOAD).content.decode()  # the list of recent imports


def test_a_bad_file_fails_and_its_error_report_downloads(world, client_for):
    alice = client_for("alice")
    before = counts()
    post(alice, [HEADER, GOOD, BAD])
    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert counts() == {**before, "ImportJob": before["ImportJob"] + 1}
    page = alice.get(reverse("members:import_job", args=[job.pk])).content.decode()
    assert "Không có ngày 1992-02-30." in page  # Vietnamese by default
    report = alice.get(reverse("members:import_errors", args=[job.pk]))
    assert report.status_code == 200 and report["Content-Type"].startswith("text/csv")
    assert "attachment" in report["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert rows == [["Dòng", "Cột", "Lỗi"], ["3", "birth_date", "Không có ngày 1992-02-30."]]


def test_the_error_report_is_in_the_uploaders_language(world, client_for):
    alice = client_for("alice")
    alice.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    post(alice, [HEADER, BAD])
    job = ImportJob.objects.get()
    rows = list(
        csv.reader(
            io.StringIO(
                alice.get(reverse("members:import_errors", args=[job.pk])).content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert rows == [
        ["Line", "Column", "Error"],
        ["2", "birth_date", "There is no such day as 1992-02-30."],
    ]


def test_a_workbook_upload(world, client_for, tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [HEADER, GOOD])
    alice = client_for("alice")
    alice.post(
        UPLOAD,
        {"kind": "members", "org": "D1", "file": SimpleUploadedFile("r.xlsx", path.read_bytes())},
    )
    assert ImportJob.objects.get().status == "done"
    assert Member.objects.filter(member_code="M-400").exists()


def test_a_clerk_of_d2_cannot_import_into_d1(world, client_for):
    bob = client_for("bob")
    before = counts()
    post(bob, [HEADER, GOOD], org="D2")  # C2 is Alice's
    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert job.result["errors"] == [
        {
            "line": 2,
            "column": "org_code",
            "message": "Đơn vị C2 không có hoặc nằm ngoài phạm vi của bạn.",
        }
    ]
    assert counts() == {**before, "ImportJob": before["ImportJob"] + 1}
    # Nor can he name Alice's subtree as the scope of the upload.
    response = post(bob, [HEADER, GOOD], org="D1")
    assert response.status_code == 200 and "org" in response.context["form"].errors
    assert ImportJob.objects.count() == 1


def test_nobody_sees_another_users_job(world, client_for):
    post(client_for("alice"), [HEADER, BAD])
    job = ImportJob.objects.get()
    for persona in ("bob", "olga", "sam", "charlie"):
        client = client_for(persona)
        for name in ("members:import_job", "members:import_status", "members:import_errors"):
            assert client.get(reverse(name, args=[job.pk])).status_code == 404, (persona, name)
        assert "roster.csv" not in client.get(UPLOAD).content.decode()


def test_a_running_job_is_polled_every_second(world, client_for):
    job = ImportJob.objects.create(
        kind="members", org=world.org("D1"), created_by=world.users["alice"],
        file_name="big.csv", status="running", rows_total=1000, rows_done=250,
    )  # fmt: skip
    status = client_for("alice").get(reverse("members:import_status", args=[job.pk]))
    html = status.content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert f'hx-get="{reverse("members:import_status", args=[job.pk])}"' in html
    assert '<progress value="25" max="100"' in html


def test_wrong_files_are_refused_by_the_form(world, client_for):
    alice = client_for("alice")
    response = post(alice, [HEADER, GOOD], name="roster.xls")
    assert response.status_code == 200 and "file" in response.context["form"].errors
    assert ImportJob.objects.count() == 0


def test_a_job_whose_uploader_lost_the_role_stops(world, client_for, tmp_path):
    job = ImportJob.objects.create(
        kind="members", org=world.org("D1"), created_by=world.users["bob"], file_name="r.csv"
    )
    job.file.save("r.csv", upload([HEADER, GOOD]), save=True)
    job_run(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and not Member.objects.filter(member_code="M-400").exists()


@pytest.mark.django_db(transaction=True)
def test_the_database_backend_and_its_worker_run_the_job(world, client_for):
    """With the production backend the upload only queues the job; `chibo db_worker` runs it."""
    client = client_for("alice")
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        post(client, [HEADER, GOOD])
        job = ImportJob.objects.get()
        assert job.status == "queued"
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job.refresh_from_db()
    assert job.status == "done"
    assert Member.objects.filter(member_code="M-400").exists()
