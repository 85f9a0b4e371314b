"""Shared notes and summaries keep their HTML: rendered and sanitised once, when written.

The new columns are filled for every existing row with the renderer the services use;
reversing drops them (the text they come from stays).
"""

from django.db import migrations, models

from rapport.framework.markdown import render_markdown

SECTIONS = (
    "their_topics", "my_topics", "feedback", "context", "career_progress", "career_goals",
    "career_next_focus", "follow_up",
)  # fmt: skip


def render_in_batches(model, texts):
    """Fill `<text>_html` from each text column, 500 rows at a time by ascending pk."""
    columns = [f"{text}_html" for text in texts]
    last = 0
    while batch := list(model.objects.filter(pk__gt=last).order_by("pk").only(*texts)[:500]):
        for row in batch:
            for text, column in zip(texts, columns):
                setattr(row, column, render_markdown(getattr(row, text)))
        model.objects.bulk_update(batch, columns)
        last = batch[-1].pk


def render_every_text(apps, schema_editor):
    render_in_batches(apps.get_model("meetings", "Meeting"), ["summary"])
    render_in_batches(apps.get_model("meetings", "SharedNotes"), list(SECTIONS))


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0006_indexes_for_overviews'),
    ]

    operations = [
        migrations.AddField(
            model_name='meeting',
            name='summary_html',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='sharednotes',
            name='career_goals_html',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='sharednotes',
            name='career_next_focus_html',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='sharednotes',
            name='career_progress_html',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='sharednotes',
            name='context_html',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='sharednotes',
            name='feedback_html',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='sharednotes',
            name='follow_up_html',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='sharednotes',
            name='my_topics_html',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='sharednotes',
            name='their_topics_html',
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(render_every_text, migrations.RunPython.noop, elidable=False),
    ]
