"""Private notes sealed at rest: every plaintext body is sealed, then the plaintext column goes.

Reversing it opens every note back into a plaintext column (it needs the keys).
"""

from django.db import migrations, models

from rapport.people import keys


def in_batches(rows):
    """Rows by ascending pk, 200 at a time: never a cursor open on the table being written."""
    last = 0
    while batch := list(rows.filter(pk__gt=last).order_by("pk")[:200]):
        yield from batch
        last = batch[-1][0]


def seal_every_note(apps, schema_editor):
    PrivateNote = apps.get_model("meetings", "PrivateNote")
    notes = PrivateNote.objects.exclude(body="").values_list(
        "pk", "author_id", "author__organisation_id", "body"
    )
    for pk, author_id, organisation_id, body in in_batches(notes):
        sealed = keys.seal(body, organisation_id=organisation_id, author_id=author_id)
        PrivateNote.objects.filter(pk=pk).update(sealed_body=sealed)


def open_every_note(apps, schema_editor):
    PrivateNote = apps.get_model("meetings", "PrivateNote")
    notes = PrivateNote.objects.exclude(sealed_body="").values_list(
        "pk", "author_id", "sealed_body"
    )
    for pk, author_id, sealed in in_batches(notes):
        PrivateNote.objects.filter(pk=pk).update(body=keys.unseal(sealed, author_id=author_id))


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0003_timestamps_set_by_services"),
    ]

    operations = [
        migrations.AddField(
            model_name="privatenote",
            name="sealed_body",
            field=models.TextField(blank=True, default=""),
            preserve_default=False,
        ),
        migrations.RunPython(seal_every_note, open_every_note, elidable=False),
        migrations.RemoveField(model_name="privatenote", name="body"),
    ]
