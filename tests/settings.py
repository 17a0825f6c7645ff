"""The test settings: production settings (GONGHUI_DEBUG=0) with fixed, test-only keys.

The keys are put in the environment before gonghui.settings reads it, so the suite runs the production
path of the settings (no key generated in var/), and subprocesses a test starts (commands killed mid-run,
``django.setup()`` checks) inherit them. A key already in the environment wins."""

import os

for _name, _value in {
    "GONGHUI_SECRET_KEY": "test-only-secret-key-not-for-any-deployment-0123456789abcdef",
    "GONGHUI_FIELD_KEYS": "rvIYQ4GHESl6esc3pZt42yYQHlgz5VonBFVrUw73MBY=",
    "GONGHUI_HASH_KEY": "test-only-lookup-hash-key-0123456789abcdef0123456789abcdef",
    "GONGHUI_AUDIT_ARCHIVE_KEY": "test-only-audit-archive-key-0123456789abcdef0123456789abcdef",
}.items():
    os.environ.setdefault(_name, _value)

from gonghui.settings import *  # noqa: E402, F403
