"""Board pages: portal.py (everyone), actions.py (signed in), notifications.py, desk.py (staff), admin.py."""
