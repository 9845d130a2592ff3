from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def schedule_urls():
    return [
        path("schedule/", admin_views.schedule_index, name="portal_schedule"),
        path(
            "schedule/<str:kind>/<int:object_id>/",
            admin_views.schedule_change,
            name="portal_schedule_change",
        ),
    ]


@hooks.register("register_admin_menu_item")
def schedule_menu_item():
    return MenuItem("定时发布", reverse("portal_schedule"), icon_name="time", order=250)
