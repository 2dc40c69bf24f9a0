"""Privacy: where personal data lives, erasing a member everywhere, and keeping them erased.

`personal_data` declares every personal column once; `erase` removes a member from the warehouse,
the export files, review queues and the webhook journal; `load_filter` keeps an erased member's
personal data out of later loads; `retention` erases members deleted in Piggy long enough ago.
See docs/privacy.md.
"""
