"""Notifications: in-app messages, e-mail at each hand-off, per-category preferences, the daily
digest and the 180-day purge. A low area (above ``auth``): every area and the event handlers
call ``services.notify``."""
