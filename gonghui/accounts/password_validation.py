"""Django's password validators with the messages users see written in Chinese.

Django's zh-hans catalogue lacks the plural forms of "This password is too short…" (the message was
reworded in Django 5), so the length rule reached users in English; the other two read awkwardly
(「密码跟 用户名 太相似了」). The rules themselves are Django's, unchanged."""

from django.contrib.auth import password_validation as django_validators
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError


class MinimumLengthValidator(django_validators.MinimumLengthValidator):
    def get_error_message(self):
        return f"密码太短：至少需要 {self.min_length} 个字符"

    def get_help_text(self):
        return f"密码至少 {self.min_length} 个字符"


class UserAttributeSimilarityValidator(django_validators.UserAttributeSimilarityValidator):
    def get_error_message(self):
        return "密码与%(verbose_name)s过于相似，请换一个"

    def get_help_text(self):
        return "密码不能与用户名、姓名等个人信息相似"


class CommonPasswordValidator(django_validators.CommonPasswordValidator):
    def get_error_message(self):
        return "这个密码太常见，容易被猜中，请换一个"

    def get_help_text(self):
        return "不能使用常见密码"


class CharacterClassesValidator:
    """At least ``min_classes`` of: lower-case letters, upper-case letters, digits, other characters."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        classes = (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
        if sum(classes) < self.min_classes:
            raise ValidationError(
                f"密码须包含小写字母、大写字母、数字、其他符号中的至少 {self.min_classes} 类",
                code="password_too_simple",
            )

    def get_help_text(self):
        return f"至少包含小写字母、大写字母、数字、其他符号中的 {self.min_classes} 类"


class UsernameInPasswordValidator:
    """The password may not contain the username (any case); Django's similarity rule misses
    ``Zhangsan-2026!`` for user ``zhangsan``."""

    def validate(self, password, user=None):
        username = (getattr(user, "username", "") or "").strip().lower()
        if len(username) >= 3 and username in password.lower():
            raise ValidationError("密码不能包含用户名", code="password_contains_username")

    def get_help_text(self):
        return "密码不能包含用户名"


class PasswordHistoryValidator:
    """Not the current password nor one of the last ``count`` (their hashes are kept in PasswordHistory);
    ``password_changed`` (called by Django whenever a password is saved) records the new one."""

    def __init__(self, count: int = 5):
        self.count = count

    def _recent_hashes(self, user) -> list[str]:
        from .models import PasswordHistory

        if getattr(user, "pk", None) is None:
            return []
        stored = PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[: self.count]
        return [*stored, user.password]

    def validate(self, password, user=None):
        if any(encoded and check_password(password, encoded) for encoded in self._recent_hashes(user)):
            raise ValidationError(f"不能使用最近 {self.count} 次用过的密码，请换一个", code="password_reused")

    def password_changed(self, password, user=None):
        from .models import PasswordHistory

        if getattr(user, "pk", None) is None or not user.password:
            return
        PasswordHistory.objects.create(user=user, password=user.password)
        keep = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[: self.count]
        PasswordHistory.objects.filter(user=user).exclude(pk__in=list(keep)).delete()

    def get_help_text(self):
        return f"不能与最近 {self.count} 次用过的密码相同"
