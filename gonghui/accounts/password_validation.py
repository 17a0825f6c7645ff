"""Django's password validators with the messages users see written in Chinese.

Django's zh-hans catalogue lacks the plural forms of "This password is too short…" (the message was
reworded in Django 5), so the length rule reached users in English; the other two read awkwardly
(「密码跟 用户名 太相似了」). The rules themselves are Django's, unchanged."""

from django.contrib.auth import password_validation as django_validators


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
