"""Flask extensions, unbound; create_app binds each with init_app."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from portal.core.db import Model, render_migration_item

# expire_on_commit off: a request or job commits once at its end, and objects stay readable afterwards.
db = SQLAlchemy(model_class=Model, session_options={"expire_on_commit": False})
migrate = Migrate(compare_type=True, render_as_batch=True, render_item=render_migration_item)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
