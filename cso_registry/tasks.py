"""The CSO registry's background tasks: the survey import started from the admin, and the
scheduler's daily jobs (verification reminders, the open-data files)."""

import logging

from crontask import cron
from django.core.exceptions import ValidationError
from django.tasks import task
from django.utils import timezone

from kyodo_portal import jobs
from kyodo_portal.access import trust_command_line_user
from kyodo_portal.spreadsheets import SpreadsheetFileError

logger = logging.getLogger("cso_registry.tasks")

SURVEY_IMPORT = "cso_survey_import"


def _import_survey(job, progress):
    from cso_registry.survey_import import import_survey

    by = job.created_by
    if by is not None:
        # The admin checked this person (second factor included) when they started the job.
        trust_command_line_user(by)
    try:
        result = import_survey(
            bytes(job.input_data),
            job.input_name,
            by=by,
            dry_run=job.options.get("dry_run", True),
            progress=progress.iterate,
        )
    except SpreadsheetFileError as error:
        return {"file_error": str(error)}
    except ValidationError as error:
        return {"file_error": " ".join(error.messages)}
    return {
        "total": result.total,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "errors": [str(error) for error in result.errors],
        "warnings": [str(warning) for warning in result.warnings],
        "dry_run": result.dry_run,
    }


@task
def import_survey_job(job_id):
    """The survey import a member of 県民協働課 started in the admin."""
    return jobs.run(job_id, _import_survey)


@cron("0 9 * * *")
@task
def remind_verification():
    """Every morning: ask the 管理者 of each CSO that shows 要更新 to confirm its profile."""
    from cso_registry.services import remind_due_verifications

    queued, without_admin = remind_due_verifications(timezone.localdate())
    logger.info(
        "確認のお願いを %d 団体に送ります（管理者のいない要更新の団体 %d）",
        queued,
        len(without_admin),
    )
    return queued


OPEN_DATA_EXPORT = "cso_open_data_export"


def _write_open_data(job, progress):
    from cso_registry import opendata

    return {"rows": opendata.write_files(progress=progress)}


@task
def write_open_data_job(job_id):
    """The open-data files, rewritten now at the request of 県民協働課 (a CSO was taken off the
    directory and should leave the files before tonight)."""
    return jobs.run(job_id, _write_open_data)


@cron("30 2 * * *")
@task
def write_open_data():
    """Every night: the whole directory's CSV and JSON, served as files until the next night."""
    from cso_registry import opendata

    return opendata.write_files()
