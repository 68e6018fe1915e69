from oscar.apps.order.admin import *  # noqa: F403  (oscar fork pattern)
