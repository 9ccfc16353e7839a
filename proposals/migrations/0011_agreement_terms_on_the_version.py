"""The agreement's terms (zone, form, activity fields) move onto its versions: what a CSO
confirms is the version, and an amendment may change every term. Each version takes the
terms its agreement had (they could not differ before), then the agreement's columns go."""

from django.db import migrations, models

import proposals.models.proposals


def copy_terms_to_versions(apps, schema_editor):
    Agreement = apps.get_model("proposals", "Agreement")
    AgreementVersion = apps.get_model("proposals", "AgreementVersion")
    for agreement in Agreement.objects.prefetch_related("activity_fields").iterator(chunk_size=500):
        versions = AgreementVersion.objects.filter(agreement=agreement)
        versions.update(zone=agreement.zone, form=agreement.form)
        fields = list(agreement.activity_fields.all())
        for version in versions:
            version.activity_fields.set(fields)


def copy_terms_back(apps, schema_editor):
    Agreement = apps.get_model("proposals", "Agreement")
    for agreement in Agreement.objects.select_related("current_version").iterator(chunk_size=500):
        version = agreement.current_version
        if version is None:
            continue
        agreement.zone, agreement.form = version.zone, version.form
        agreement.save(update_fields=["zone", "form"])
        agreement.activity_fields.set(version.activity_fields.all())


class Migration(migrations.Migration):
    dependencies = [
        ("cso_registry", "0001_initial"),
        ("proposals", "0010_proposal_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="agreementversion",
            name="zone",
            field=models.CharField(
                choices=[
                    ("B", "B CSO主体・行政協力"),
                    ("C", "C 対等に協力"),
                    ("D", "D 行政主導・CSO参加"),
                ],
                default="C",
                max_length=1,
                verbose_name="協働の領域",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="agreementversion",
            name="form",
            field=models.CharField(
                choices=[
                    ("consignment", "協働型委託"),
                    ("co_hosting", "共催"),
                    ("subsidy", "補助"),
                    ("sponsorship", "後援"),
                    ("cooperation", "事業協力"),
                ],
                default="cooperation",
                max_length=20,
                verbose_name="協働の形態",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="agreementversion",
            name="activity_fields",
            field=models.ManyToManyField(
                blank=True,
                related_name="agreement_versions",
                to="cso_registry.activityfield",
                verbose_name="活動分野",
            ),
        ),
        migrations.RunPython(copy_terms_to_versions, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="agreement",
            name="agreement_form_allowed_in_zone",
        ),
        # Backwards, the agreement's columns come back empty: fill them before its constraint.
        migrations.RunPython(migrations.RunPython.noop, copy_terms_back),
        # An empty default for the columns that go, so that they can come back (backwards).
        migrations.AlterField(
            model_name="agreement",
            name="zone",
            field=models.CharField(default="", max_length=1, verbose_name="協働の領域"),
        ),
        migrations.AlterField(
            model_name="agreement",
            name="form",
            field=models.CharField(default="", max_length=20, verbose_name="協働の形態"),
        ),
        migrations.RemoveField(model_name="agreement", name="activity_fields"),
        migrations.RemoveField(model_name="agreement", name="form"),
        migrations.RemoveField(model_name="agreement", name="zone"),
        migrations.AddConstraint(
            model_name="agreementversion",
            constraint=models.CheckConstraint(
                condition=proposals.models.proposals.zone_form_condition(),
                name="agreementversion_form_allowed_in_zone",
                violation_error_message="この協働の領域では選べない形態です。",
            ),
        ),
    ]
