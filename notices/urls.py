from django.urls import path

from notices import views

urlpatterns = [
    path("messages/", views.message_list, name="message-list"),
    path("messages/<int:pk>/", views.message_open, name="message-open"),
    path("messages/read-all/", views.message_read_all, name="message-read-all"),
    path("notices/announcements/", views.announcement_list, name="announcement-list"),
    path("notices/announcements/new/", views.announcement_new, name="announcement-new"),
    path("notices/announcements/read-all/", views.announcement_read_all, name="announcement-read-all"),
    path("notices/announcements/<int:pk>/", views.announcement_detail, name="announcement"),
    path("notices/announcements/<int:pk>/attachment/", views.announcement_attachment, name="announcement-attachment"),
    path("notices/urge/", views.urge, name="urge"),
]
