"""Help: a "how it works" page per role, and messages to the embassy ("contact the
embassy"), which reach the officers' "My work" and their notifications."""
