"""Staff accounts: login lockout (django-axes), staff session expiry and two-factor
authentication (django-otp) around the admin site."""
