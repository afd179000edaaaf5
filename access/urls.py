from django.urls import path

from access import views

urlpatterns = [
    path("accounts/password/", views.password_change, name="password-change"),
    path("accounts/two-factor/enrol/", views.two_factor_enrol, name="two-factor-enrol"),
    path("accounts/two-factor/backup-codes/", views.two_factor_backup_codes, name="two-factor-backup-codes"),
    path("accounts/two-factor/verify/", views.two_factor_verify, name="two-factor-verify"),
    path("accounts/security/", views.account_security, name="account-security"),
    path("accounts/security/<int:pk>/unlock/", views.account_unlock, name="account-unlock"),
    path("accounts/security/<int:pk>/reset-2fa/", views.account_reset_two_factor, name="account-reset-2fa"),
]
