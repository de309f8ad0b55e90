from django.contrib.admin.apps import AdminConfig
from django.contrib.auth.signals import user_logged_in


class NewsroomAdminConfig(AdminConfig):
    """django.contrib.admin with the newsroom's site (second factor, session limit)."""

    default_site = "newsroom.accounts.sites.NewsroomAdminSite"

    def ready(self):
        super().ready()
        from django.contrib import admin

        from newsroom.accounts import admin as accounts_admin
        from newsroom.accounts import sessions

        accounts_admin.register(admin.site)

        user_logged_in.connect(sessions.on_login, dispatch_uid="accounts-staff-session")
