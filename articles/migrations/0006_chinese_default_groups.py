"""Wagtail's migrations create the groups Editors and Moderators and the workflow (and its
task) "Moderators approval". They are data, so Wagtail's zh_Hans catalogue cannot translate
them: the admin's 用户组 list, user editing and workflow pages showed them in English. They are
renamed here (a name already taken is left alone). Wagtail's own later migrations look these
groups up by name and skip them when absent, as they do on sites that deleted them.
"""

from django.db import migrations

GROUPS = {"Editors": "编辑", "Moderators": "审核员"}
WORKFLOWS = {"Moderators approval": "审核员审批"}


def _rename(model, names):
    for old, new in names.items():
        if not model.objects.filter(name=new).exists():
            model.objects.filter(name=old).update(name=new)


def forwards(apps, schema_editor):
    _rename(apps.get_model("auth", "Group"), GROUPS)
    _rename(apps.get_model("wagtailcore", "Workflow"), WORKFLOWS)
    _rename(apps.get_model("wagtailcore", "Task"), WORKFLOWS)


def backwards(apps, schema_editor):
    back = {"Group": GROUPS, "Workflow": WORKFLOWS, "Task": WORKFLOWS}
    for model_name, names in back.items():
        app = "auth" if model_name == "Group" else "wagtailcore"
        _rename(apps.get_model(app, model_name), {new: old for old, new in names.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_plausible_times"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
