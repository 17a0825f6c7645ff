"""Nothing of this app is registered in the Django admin: users and API tokens are managed on the user
pages (scoped, through accounts.services, audited) by the security and business administrators."""
