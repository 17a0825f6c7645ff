"""The outbox and its pluggable sender.

Every message is first a ``Notification`` row, written in the same transaction as the decision it
reports; it is handed to the sender after commit. The sender is the dotted path in the setting
``GONGHUI_NOTIFY_SENDER`` (a class with ``send(notification) -> str`` returning the final status).
The default records and logs only: no SMS gateway is reachable from this deployment.
"""

from __future__ import annotations

import logging
from functools import cache

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from gonghui.core import crypto
from gonghui.core.masking import mask_phone

from .models import JoinApplication, Notification, TransferRequest

log = logging.getLogger("gonghui.joining")
DEFAULT_SENDER = "gonghui.joining.notify.LogSender"


class LogSender:
    """Writes the message to the log; the database row is the record that it was 'sent'."""

    def send(self, notification: Notification) -> str:
        to = notification.phone_masked or f"用户 {notification.recipient_id}"
        log.info("通知 %s → %s：%s", notification.pk, to, notification.text)
        return Notification.Status.LOGGED


@cache
def sender():
    return import_string(getattr(settings, "GONGHUI_NOTIFY_SENDER", DEFAULT_SENDER))()


def deliver(notification_id: int) -> None:
    notification = Notification.objects.get(pk=notification_id)
    impl = sender()
    try:
        status = impl.send(notification)
        error = ""
    except Exception as exc:  # a gateway failure must not undo the decision already committed
        log.exception("通知 %s 发送失败", notification_id)
        status, error = Notification.Status.FAILED, str(exc)[:255]
    Notification.objects.filter(pk=notification_id).update(
        status=status,
        sent_at=timezone.now(),
        sender=type(impl).__module__ + "." + type(impl).__name__,
        error=error,
    )


def queue(
    phone: str,
    text: str,
    application: JoinApplication | None = None,
    transfer: TransferRequest | None = None,
    recipient=None,
) -> Notification:
    """A message in the outbox, delivered after the surrounding transaction commits: to a phone number,
    or (``phone=""``) to a user account (``recipient``)."""
    notification = Notification.objects.create(
        phone_enc=crypto.encrypt(phone) if phone else "",
        phone_masked=mask_phone(phone) if phone else "",
        text=text,
        application=application,
        transfer=transfer,
        recipient=recipient,
    )
    transaction.on_commit(lambda: deliver(notification.pk))
    return notification
