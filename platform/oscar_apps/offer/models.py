from oscar.apps.offer.models import *  # noqa: F401,F403  (oscar's fork pattern; overrides go above this line)
