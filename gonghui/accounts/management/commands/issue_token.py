"""manage.py issue_token USERNAME NAME — issue an API token; it is printed once and only its hash is kept."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gonghui.accounts import services
from gonghui.accounts.models import User


class Command(BaseCommand):
    help = "为用户签发 API 令牌（只显示一次，数据库只保存其哈希）"

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")
        parser.add_argument("name", help="令牌用途，例如「市总数据中心同步」")
        parser.add_argument(
            "--days", type=int, default=None, help="有效天数（默认 GONGHUI_API_TOKEN_DAYS，90 天）"
        )

    def handle(self, *args, username: str, name: str, days: int | None, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户「{username}」不存在")
        if not user.is_active:
            raise CommandError(f"用户「{username}」已停用，不能签发令牌")
        if days is not None and days <= 0:
            raise CommandError("--days 必须为正数")
        token, key = services.issue_token(user, name, days=days)
        expires = timezone.localtime(token.expires_at)
        self.stderr.write(
            f"已为 {username} 签发令牌「{name}」（有效期至 {expires:%Y-%m-%d %H:%M}）；请妥善保存，它不会再次显示："
        )
        self.stdout.write(key)
