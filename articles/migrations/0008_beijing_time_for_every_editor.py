"""Every editor works in Beijing time (WAGTAIL_USER_TIME_ZONES): a zone an editor chose
before (UTC, say) is cleared, so the admin shows and reads times in Asia/Shanghai for them too.
"""

from django.db import migrations


def clear_time_zones(apps, schema_editor):
    profiles = apps.get_model("wagtailusers", "UserProfile")
    profiles.objects.exclude(current_time_zone="").update(current_time_zone="")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_editors_moderate_comments"),
        ("wagtailusers", "0015_userprofile_keyboard_shortcuts"),
    ]

    operations = [migrations.RunPython(clear_time_zones, migrations.RunPython.noop)]
