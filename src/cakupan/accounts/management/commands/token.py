"""`cakupan token create NAME --role ROLE [--region CODE]` and `cakupan token revoke NAME`."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from cakupan.accounts.models import ApiToken
from cakupan.accounts.roles import Role
from cakupan.accounts.services import token_create, token_revoke
from cakupan.errors import NotFound
from cakupan.lib.command import CakupanCommand


class Command(CakupanCommand):
    help = "Token API untuk layanan / API tokens for services."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Make a token; it is printed once and never again.")
        create.add_argument("name", help="A name for the service, e.g. oss-bali.")
        create.add_argument("--role", required=True, choices=Role.values, help="The token's role.")
        create.add_argument("--region", default=None, help="Region scope code, e.g. 51.")
        revoke = sub.add_parser("revoke", help="Revoke a token by name.")
        revoke.add_argument("name", help="The token's name.")

    def handle_cakupan(self, *args: Any, **options: Any) -> None:
        if options["action"] == "create":
            token, key = token_create(
                name=options["name"], role=options["role"], region_code=options["region"]
            )
            self.stderr.write(
                "Simpan token ini sekarang; ia tidak ditampilkan lagi. / "
                "Store this token now; it is not shown again."
            )
            self.stdout.write(key)
        else:
            token = ApiToken.objects.filter(name=options["name"]).first()
            if token is None:
                raise NotFound(apa=f"Token {options['name']}", what=f"Token {options['name']}")
            token_revoke(token=token)
            self.stdout.write(f"Token {token.name} dicabut / revoked.")
