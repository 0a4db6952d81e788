# Read by the `flask` command only (python-dotenv). Production servers (gunicorn) do not read it,
# so they start in production mode and refuse to run without SECRET_KEY.
FLASK_APP=partnership
PARTNERSHIP_ENV=development
