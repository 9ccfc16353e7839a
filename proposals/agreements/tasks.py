"""The progress sheet's import, started in the admin, as a task (kyodo_portal/jobs.py)."""

from django.tasks import task

from kyodo_portal import jobs
from kyodo_portal.access import trust_command_line_user
from kyodo_portal.spreadsheets import SpreadsheetFileError

PROGRESS_SHEET_IMPORT = "progress_sheet_import"


def _import_sheet(job, progress):
    from proposals.agreements import sheet

    by = job.created_by
    # The admin checked this person (second factor included) when they started the job.
    trust_command_line_user(by)
    try:
        result = sheet.import_sheet(
            bytes(job.input_data), job.input_name, by=by, progress=progress.iterate
        )
    except SpreadsheetFileError as error:
        return {"file_error": str(error)}
    return {
        "applied": result.applied,
        "planned": len(result.planned),
        "skipped": result.skipped,
        "errors": [str(error) for error in result.errors],
    }


@task
def import_progress_sheet_job(job_id):
    """The progress sheet a member of staff uploaded in the admin."""
    return jobs.run(job_id, _import_sheet)
