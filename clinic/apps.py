from django.contrib.admin.apps import AdminConfig
from django.contrib.auth import user_logged_in


class ClinicAdminConfig(AdminConfig):
    default_site = "education.admin_site.ClinicAdminSite"

    def ready(self):
        super().ready()
        from . import security

        # Here, not where the middleware is imported: a sign-in before the first request (a test client's login)
        # must start the idle clock too.
        user_logged_in.connect(security.seen_at_sign_in, dispatch_uid="clinic.security.seen_at_sign_in")
